"""The app over HTTP, exactly as Slack calls it: signatures, help, home, retries, workspaces."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Employee, ProcessedEvent
from tests.appserver import RunningApp
from tests.fakeslack import FakeSlack
from tests.waiting import wait_for


def _texts(blocks: list[dict]) -> str:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element, dict) and "text" in element:
                text = element["text"]
                out.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(out)


def _people(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Employee)) or 0


def test_help_answers_ephemerally_in_indonesian(
    running_app: RunningApp, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", tz="Asia/Jakarta", locale="id-ID")
    response = running_app.slack.command("help", "U1")
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    text = _texts(body["blocks"])
    assert "Kinerja — yang bisa Anda lakukan" in text
    assert "`/kinerja bantuan` — tampilkan daftar ini" in text
    assert "organisasi" not in text  # an employee is not shown HR's commands


def test_help_answers_in_english_for_an_english_locale(
    running_app: RunningApp, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user(id="U2", name="bob", real_name="Bob", tz="America/New_York", locale="en-US")
    body = running_app.slack.command("", "U2").json()  # no subcommand means help
    assert "Kinerja — what you can do" in _texts(body["blocks"])


def test_unknown_subcommand_gets_help_with_the_text_escaped(
    running_app: RunningApp, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user(id="U2", name="bob", real_name="Bob", locale="en-US")
    body = running_app.slack.command("<!channel>", "U2").json()
    text = _texts(body["blocks"])
    assert "I don't know the command `&lt;!channel&gt;`" in text
    assert "<!channel>" not in text


def test_unsigned_stale_and_forged_requests_are_refused(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", locale="id-ID")
    slack = running_app.slack
    assert slack.command("help", "U1", sign=False).status_code == 401
    assert slack.command("help", "U1", timestamp=int(time.time()) - 301).status_code == 401
    assert slack.command("help", "U1", secret="not-the-secret").status_code == 401
    assert _people(db) == 0
    assert fake_slack.calls_to("users.info") == []


def test_signed_request_for_another_workspace_is_refused(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", locale="id-ID")
    response = running_app.slack.command("help", "U1", team_id="T9999")
    assert response.status_code == 403
    assert _people(db) == 0


def test_role_decides_what_help_lists_and_what_runs(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    fake_slack.add_user(id="U3", name="hana", real_name="Hana", locale="en-US")
    fake_slack.add_user(id="U4", name="eko", real_name="Eko", locale="en-US")
    slack = running_app.slack
    slack.command("help", "U3")
    slack.command("help", "U4")
    with db.session() as session:
        hr = session.scalar(select(Employee).where(Employee.slack_id == "U3"))
        assert hr is not None
        hr.role = "hr"
    assert "`/kinerja org`" in _texts(slack.command("help", "U3").json()["blocks"])
    summary = _texts(slack.command("org", "U3").json()["blocks"])
    assert "*Active people:* 2" in summary
    refused = slack.command("org", "U4").json()
    assert refused["text"].startswith(":no_entry: You don't have permission")


def test_me_shows_the_profile(running_app: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.add_user(id="U1", name="ani", real_name="Ani", tz="Asia/Makassar", locale="id-ID")
    text = _texts(running_app.slack.command("saya", "U1").json()["blocks"])
    assert "*Zona waktu:* Asia/Makassar" in text
    assert "Atasan Anda belum tercatat" in text


def test_healthz_reports_the_database(running_app: RunningApp) -> None:
    import requests

    response = requests.get(f"{running_app.url}/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "up"}
    assert requests.get(f"{running_app.url}/nope", timeout=5).status_code == 404


def test_home_tab_is_published_once_per_event_even_when_slack_retries(
    running_app: RunningApp, fake_slack: FakeSlack, db: Database
) -> None:
    fake_slack.add_user(id="U1", name="ani", real_name="Ani <b>", locale="id-ID")
    event = {
        "type": "app_home_opened",
        "user": "U1",
        "channel": "DU1",
        "tab": "home",
        "event_ts": "1.0",
    }
    assert running_app.slack.event(event, event_id="Ev1").status_code == 200
    view = wait_for(lambda: fake_slack.views_published.get("U1"))
    assert view["type"] == "home"
    text = _texts(view["blocks"])
    assert "Halo Ani &lt;b&gt;, selamat datang di *Kinerja*." in text
    assert "Sasaran saya" in text
    assert running_app.slack.event(event, event_id="Ev1", retry_num=1).status_code == 200
    time.sleep(0.3)
    assert len(fake_slack.calls_to("views.publish")) == 1
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1
