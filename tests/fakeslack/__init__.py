"""An offline fake of the Slack Web API for Kinerja's tests and benchmarks.

Why: tests must run without a network or a Slack workspace, yet exercise the app's real
slack_sdk client (encoding, retries, error handling) against Slack's real response shapes and
limits. Point a WebClient at it with `WebClient(token=..., base_url=slack.api_url)`.

    slack = FakeSlack(token="xoxb-test", team_id="T0001", team_name="Acme", bot_user_id="UBOT")
    slack.start()
    slack.add_user(id="U1", name="ani", email="ani@example.com", tz="Asia/Jakarta")
    ...
    assert slack.messages_in("U1")[0].text == "Hi"
    slack.stop()

State for assertions: `calls`, `messages`, `ephemerals`, `responses`, `views_published`,
`opened_views`, `files`. Fault injection: `fail_next`, `fail_fraction`, `rate_limit` (any
method), `latency`, `expire_trigger`.
"""

from .blocks import validate_blocks, validate_view
from .models import Call, Message
from .server import FakeSlack

__all__ = ["Call", "FakeSlack", "Message", "validate_blocks", "validate_view"]
