"""Tests of the fake Slack Web API itself, driven through a real slack_sdk WebClient.

Why: every other test trusts the fake to behave like Slack; these pin down the behaviours the app
relies on (errors, limits, pagination, faults) so a regression in the fake cannot hide a bug.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.fakeslack import FakeSlack, validate_blocks, validate_view

TOKEN = "xoxb-test"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=TOKEN, team_id="T0001", team_name="Acme", bot_user_id="UBOT")
    fake.start()
    fake.add_user(
        id="U1",
        name="ani",
        real_name="Ani",
        email="ani@example.com",
        tz="Asia/Jakarta",
        locale="id-ID",
    )
    fake.add_user(
        id="U2", name="budi", real_name="Budi", email="budi@example.com", tz="UTC", locale="en-US"
    )
    fake.add_user(id="U3", name="citra", email="Citra@Example.com", deleted=True)
    yield fake
    fake.stop()


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.api_url, timeout=5)


def error_of(exc: pytest.ExceptionInfo[SlackApiError]) -> Any:
    return exc.value.response["error"]


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def modal(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Goals"},
        "blocks": list(blocks),
        **extra,
    }


# ------------------------------------------------------------------------------ auth


def test_auth_test_and_bad_tokens(slack: FakeSlack, client: WebClient) -> None:
    me = client.auth_test()
    assert (me["user_id"], me["team_id"], me["team"]) == ("UBOT", "T0001", "Acme")
    assert me["bot_id"] and me["is_enterprise_install"] is False
    with pytest.raises(SlackApiError) as bad:
        WebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test()
    assert error_of(bad) == "invalid_auth"
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=slack.api_url).auth_test()
    assert error_of(missing) == "not_authed"
    with pytest.raises(SlackApiError) as unknown:
        client.api_call("nope.nothing")
    assert error_of(unknown) == "unknown_method"
    assert [c.method for c in slack.calls][:2] == ["auth.test", "auth.test"]
    assert slack.calls[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_context_manager_and_form_token() -> None:
    with FakeSlack(token=TOKEN) as fake:
        url = fake.api_url + "auth.test"
        form = urlencode({"token": TOKEN}).encode()
        with urlopen(Request(url, data=form, method="POST"), timeout=5) as reply:
            assert json.loads(reply.read())["user_id"] == "UBOT"
        assert fake.calls[0].args["token"] == TOKEN
    with pytest.raises(OSError):  # stopped: nothing listens any more
        urlopen(Request(url, data=form, method="POST"), timeout=1)


# ------------------------------------------------------------------------------ chat


def test_post_to_user_lands_in_dm_and_threads(slack: FakeSlack, client: WebClient) -> None:
    blocks = [section("*Hello*", block_id="b1")]
    first = client.chat_postMessage(channel="U1", text="Hello", blocks=blocks)
    assert first["channel"] == "DU1"
    assert client.conversations_open(users="U1")["channel"]["id"] == "DU1"
    reply = client.chat_postMessage(
        channel=first["channel"], text="In thread", thread_ts=first["ts"]
    )
    assert float(reply["ts"]) > float(first["ts"])
    assert reply["message"]["thread_ts"] == first["ts"]
    assert [m.text for m in slack.messages_in("U1")] == ["Hello", "In thread"]
    assert slack.messages[0].blocks == blocks and slack.messages[0].user == "UBOT"
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == blocks

    thread = client.conversations_replies(channel="DU1", ts=first["ts"])["messages"]
    assert [m["text"] for m in thread] == ["Hello", "In thread"]
    assert thread[0]["reply_count"] == 1
    history = client.conversations_history(channel="DU1")["messages"]
    assert [m["text"] for m in history] == ["Hello"]  # replies stay in the thread

    link = client.chat_getPermalink(channel="DU1", message_ts=first["ts"])["permalink"]
    assert link == f"https://fake.slack/archives/DU1/p{first['ts'].replace('.', '')}"
    updated = client.chat_update(channel="DU1", ts=first["ts"], text="Hello again")
    assert updated["text"] == "Hello again"
    assert slack.messages[0].updated and slack.messages[0].blocks == blocks


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "U404", "text": "x"}, "channel_not_found"),
        ({"channel": "C1"}, "no_text"),
        ({"channel": "C1", "text": "x" * 40_001}, "msg_too_long"),
        ({"channel": "C1", "text": "x", "thread_ts": "1.000001"}, "thread_not_found"),
        ({"channel": "C1", "text": "x", "blocks": "[not json"}, "invalid_blocks_format"),
    ],
)
def test_post_message_errors(client: WebClient, kwargs: dict[str, Any], error: str) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(**kwargs)
    assert error_of(exc) == error


def test_update_and_ephemeral(slack: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel="C1", ts="1.000001", text="x")
    assert error_of(exc) == "message_not_found"
    sent = client.chat_postEphemeral(channel="C1", user="U2", text="Only you")
    assert sent["message_ts"] and slack.ephemerals[0]["user"] == "U2"
    assert slack.messages == []


# ------------------------------------------------------------------------------ faults


def test_429_fault_is_a_slack_api_error_with_retry_after(
    slack: FakeSlack, client: WebClient
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="x")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "7"
    assert error_of(exc) == "ratelimited"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]  # one fault only
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


def test_retry_handler_honours_the_fake_429(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builtin_handlers.random, "random", lambda: 0.0)  # no jitter: fast test
    client = WebClient(
        token=TOKEN,
        base_url=slack.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert len(slack.messages) == 1


def test_5xx_and_error_faults(slack: FakeSlack, client: WebClient) -> None:
    slack.fail_next("users.info", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            client.users_info(user="U1")
        assert exc.value.response.status_code == 500
    assert client.users_info(user="U1")["ok"]
    slack.fail_next("chat.postMessage", status=503, body="")
    with pytest.raises(SlackApiError) as empty:
        client.chat_postMessage(channel="C1", text="x")
    assert empty.value.response.status_code == 503
    slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError) as soft:
        client.chat_postMessage(channel="C1", text="x")
    assert soft.value.response.status_code == 200 and error_of(soft) == "channel_not_found"
    slack.reset()
    assert slack.calls == [] and client.users_info(user="U1")["ok"]  # users survive reset


def test_rate_limit_caps_post_message(slack: FakeSlack, client: WebClient) -> None:
    slack.rate_limit(2)
    statuses = []
    for _ in range(4):
        try:
            client.chat_postMessage(channel="C1", text="x")
            statuses.append(200)
        except SlackApiError as exc:
            statuses.append(exc.response.status_code)
            assert int(exc.response.headers["Retry-After"]) >= 1
    assert statuses[:2] == [200, 200] and 429 in statuses[2:]
    assert client.users_info(user="U1")["ok"]  # other methods are not capped
    slack.rate_limit(None)
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_latency_is_added(slack: FakeSlack, client: WebClient) -> None:
    slack.latency = 0.05
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.05


# ------------------------------------------------------------------------------ blocks


def test_invalid_blocks_are_rejected_precisely(client: WebClient) -> None:
    cases = [
        (
            [section("ok"), section("x" * 3001)],
            "blocks[1].text.text: must be at most 3000 characters",
        ),
        ([section("a")] * 51, "blocks: must contain at most 50 blocks"),
        (
            [section("a", block_id="x"), section("b", block_id="x")],
            "blocks[1].block_id: duplicate block_id 'x'",
        ),
        (
            [{"type": "header", "text": {"type": "mrkdwn", "text": "Hi"}}],
            "blocks[0].text.type: must be plain_text",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": "a",
                            "text": {"type": "plain_text", "text": "y" * 76},
                        },
                    ],
                }
            ],
            "blocks[0].elements[0].text.text: must be at most 75 characters",
        ),
        ([{"type": "carousel"}], "blocks[0].type: unknown block type 'carousel'"),
    ]
    for blocks, message in cases:
        with pytest.raises(SlackApiError) as exc:
            client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
        assert error_of(exc) == "invalid_blocks"
        assert message in exc.value.response["errors"], exc.value.response["errors"]


def test_validate_blocks_limits() -> None:
    select = {
        "type": "static_select",
        "action_id": "s",
        "options": [
            {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(101)
        ],
    }
    assert validate_blocks([section("s", accessory=select)]) == [
        "blocks[0].accessory.options: must contain at most 100 options"
    ]
    option = {"text": {"type": "plain_text", "text": "a"}, "value": "v" * 151}
    radios = {"type": "radio_buttons", "action_id": "r", "options": [option]}
    twins = [
        {"type": "button", "action_id": "same", "text": {"type": "plain_text", "text": t}}
        for t in ("a", "b")
    ]
    assert validate_blocks([{"type": "actions", "elements": [radios, *twins]}]) == [
        "blocks[0].elements[0].options[0].value: must be at most 150 characters",
        "blocks[0].elements[2].action_id: duplicate action_id 'same' in this block",
    ]
    text_input = {"type": "plain_text_input", "action_id": "t", "max_length": 3001}
    assert validate_blocks(
        [{"type": "input", "label": {"type": "plain_text", "text": "L"}, "element": text_input}],
        "modal",
    ) == ["blocks[0].element.max_length: must be between 1 and 3000"]
    assert validate_blocks(
        [{"type": "input", "label": {"type": "plain_text", "text": "L"}}], "modal"
    ) == ["blocks[0].element: is required"]
    assert validate_blocks([{"type": "divider"}] * 100, "home") == []
    assert validate_blocks([{"type": "divider"}] * 101, "modal") == [
        "blocks: must contain at most 100 blocks"
    ]


def test_validate_view_rules() -> None:
    field = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Goal"},
        "element": {"type": "plain_text_input", "action_id": "goal"},
    }
    assert validate_view(modal(field)) == [
        "view.submit: is required when the view contains input blocks"
    ]
    long_title = modal(title={"type": "plain_text", "text": "x" * 25}, private_metadata="m" * 3001)
    assert validate_view(long_title) == [
        "view.title.text: must be at most 24 characters",
        "view.private_metadata: must be at most 3000 characters",
    ]
    assert validate_view({"type": "home", "blocks": []}) == []
    assert validate_view({"type": "sheet", "blocks": []}) == ["view.type: must be modal or home"]


# ------------------------------------------------------------------------------ views


def test_trigger_ids_expire_and_serve_once(slack: FakeSlack, client: WebClient) -> None:
    stale = slack.new_trigger_id()
    slack.expire_trigger(stale)
    with pytest.raises(SlackApiError) as expired:
        client.views_open(trigger_id=stale, view=modal(section("x")))
    assert error_of(expired) == "expired_trigger_id"
    with pytest.raises(SlackApiError) as unknown:
        client.views_open(trigger_id="1.2.abc", view=modal(section("x")))
    assert error_of(unknown) == "invalid_trigger_id"
    fresh = slack.new_trigger_id(user_id="U1")
    opened = client.views_open(trigger_id=fresh, view=modal(section("x")))["view"]
    assert opened["id"].startswith("V") and opened["hash"]
    assert slack.opened_views[0]["user"] == "U1"
    with pytest.raises(SlackApiError) as reused:
        client.views_open(trigger_id=fresh, view=modal(section("x")))
    assert error_of(reused) == "expired_trigger_id"
    slack.trigger_ttl = 0.02
    late = slack.new_trigger_id()
    time.sleep(0.05)
    with pytest.raises(SlackApiError) as slow:
        client.views_open(trigger_id=late, view=modal(section("x")))
    assert error_of(slow) == "expired_trigger_id"


def test_invalid_view_is_refused(slack: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.views_open(
            trigger_id=slack.new_trigger_id(),
            view=modal(section("x"), title={"type": "plain_text", "text": "t" * 30}),
        )
    assert error_of(exc) == "invalid_arguments"
    assert exc.value.response["errors"] == ["view.title.text: must be at most 24 characters"]


def test_views_update_hash_and_push_limit(slack: FakeSlack, client: WebClient) -> None:
    view = client.views_open(trigger_id=slack.new_trigger_id(), view=modal(section("1")))["view"]
    newer = client.views_update(view_id=view["id"], hash=view["hash"], view=modal(section("2")))
    assert newer["view"]["hash"] != view["hash"]
    with pytest.raises(SlackApiError) as conflict:
        client.views_update(view_id=view["id"], hash=view["hash"], view=modal(section("3")))
    assert error_of(conflict) == "hash_conflict"
    with pytest.raises(SlackApiError) as missing:
        client.views_update(view_id="V404", view=modal(section("3")))
    assert error_of(missing) == "not_found"
    for _ in range(2):
        client.views_push(trigger_id=slack.new_trigger_id(), view=modal(section("p")))
    with pytest.raises(SlackApiError) as deep:
        client.views_push(trigger_id=slack.new_trigger_id(), view=modal(section("p")))
    assert error_of(deep) == "push_limit_reached"
    assert [o["method"] for o in slack.opened_views] == [
        "views.open",
        "views.update",
        "views.push",
        "views.push",
    ]


def test_views_publish_home(slack: FakeSlack, client: WebClient) -> None:
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("Home")]})
    assert slack.views_published["U1"]["blocks"] == [section("Home")]
    with pytest.raises(SlackApiError) as wrong:
        client.views_publish(user_id="U1", view=modal(section("x")))
    assert error_of(wrong) == "invalid_arguments"


# ------------------------------------------------------------------------------ users


def test_users_list_paginates(client: WebClient) -> None:
    first = client.users_list(limit=2)
    assert [u["id"] for u in first["members"]] == ["U1", "U2"]
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor
    second = client.users_list(limit=2, cursor=cursor)
    assert [u["id"] for u in second["members"]] == ["U3"]
    assert second["response_metadata"]["next_cursor"] == ""
    assert second["members"][0]["deleted"] is True
    assert "locale" not in first["members"][0]
    with pytest.raises(SlackApiError) as bad:
        client.users_list(cursor="garbage!")
    assert error_of(bad) == "invalid_cursor"


def test_users_info_and_lookup(client: WebClient) -> None:
    ani = client.users_info(user="U1", include_locale=True)["user"]
    assert (ani["tz"], ani["tz_offset"], ani["locale"]) == ("Asia/Jakarta", 25200, "id-ID")
    assert ani["profile"]["email"] == "ani@example.com" and ani["real_name"] == "Ani"
    assert "locale" not in client.users_info(user="U1")["user"]
    assert client.users_lookupByEmail(email="citra@example.com")["user"]["id"] == "U3"
    with pytest.raises(SlackApiError) as none:
        client.users_lookupByEmail(email="nobody@example.com")
    assert error_of(none) == "users_not_found"
    with pytest.raises(SlackApiError) as unknown:
        client.users_info(user="U404")
    assert error_of(unknown) == "user_not_found"


def test_group_dm_ids_are_stable(client: WebClient) -> None:
    one = client.conversations_open(users="U1,U2")["channel"]["id"]
    assert (
        one.startswith("G")
        and one == client.conversations_open(users=["U2", "U1"])["channel"]["id"]
    )
    with pytest.raises(SlackApiError) as exc:
        client.conversations_open(users="U1,U404")
    assert error_of(exc) == "user_not_found"


# ------------------------------------------------------------------------------ history


def test_history_metadata_only_when_asked(client: WebClient) -> None:
    metadata = {"event_type": "goal_created", "event_payload": {"goal_id": 7}}
    client.chat_postMessage(channel="C1", text="first", metadata=metadata)
    client.chat_postMessage(channel="C1", text="second")
    plain = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in plain] == ["second", "first"]
    assert all("metadata" not in m for m in plain)
    full = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert full[1]["metadata"] == metadata
    page = client.conversations_history(channel="C1", limit=1)
    assert page["has_more"] and page["response_metadata"]["next_cursor"]


# ------------------------------------------------------------------------------ files & urls


def test_files_upload_v2_round_trip(slack: FakeSlack, client: WebClient) -> None:
    reply = client.files_upload_v2(
        channel="C1",
        filename="review.csv",
        title="Review",
        content=b"name,score\nani,4\n",
        initial_comment="Here",
    )
    assert reply["file"]["title"] == "Review"
    (stored,) = slack.files
    assert stored["content"] == b"name,score\nani,4\n"
    assert (stored["filename"], stored["channel_id"], stored["initial_comment"]) == (
        "review.csv",
        "C1",
        "Here",
    )
    assert stored["file_id"] == reply["file"]["id"]


def test_response_url_takes_five_posts(slack: FakeSlack) -> None:
    url = slack.response_url()
    webhook = WebhookClient(url)
    for i in range(5):
        assert webhook.send(text=f"update {i}", replace_original=True).status_code == 200
    sixth = webhook.send(text="too many")
    assert (sixth.status_code, sixth.body) == (404, "used_url")
    assert [r["text"] for r in slack.responses] == [f"update {i}" for i in range(5)]
    assert slack.responses_by_url[url][0]["replace_original"] is True
