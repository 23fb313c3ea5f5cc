"""Start-up settings: defaults, validation, and one clear line naming a bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.shell.cli import main

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def test_defaults() -> None:
    settings = load_settings(GOOD, env_file="/nonexistent")
    assert settings.database_url == "sqlite:///kinerja.db"
    assert settings.port == 3000
    assert settings.default_tz == "Asia/Jakarta"
    assert settings.default_locale == "id"
    assert settings.holiday_country == "ID"
    assert settings.hr_channel is None
    assert settings.slack_api_url is None
    assert settings.slack_rate_per_second == 5.0
    assert not settings.socket_mode


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=s\nPORT=4000\n")
    settings = load_settings({"PORT": "5000"}, env_file=env_file)
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.port == 5000


def test_postgres_url_gets_the_psycopg_driver() -> None:
    settings = load_settings({**GOOD, "DATABASE_URL": "postgres://u@h/db"}, env_file="/x")
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_api_url_gets_a_trailing_slash() -> None:
    settings = load_settings({**GOOD, "SLACK_API_URL": "http://127.0.0.1:9/api"}, env_file="/x")
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "", "SLACK_BOT_TOKEN: expected a bot token starting with xoxb-"),
        ("SLACK_BOT_TOKEN", "xoxp-user", "SLACK_BOT_TOKEN: expected a bot token"),
        ("SLACK_SIGNING_SECRET", "", "SLACK_SIGNING_SECRET: expected the app's signing secret"),
        ("SLACK_APP_TOKEN", "xoxb-wrong", "SLACK_APP_TOKEN: expected an app-level token"),
        ("SLACK_API_URL", "slack.com", "SLACK_API_URL: expected an http(s) URL"),
        ("DATABASE_URL", "mysql://root@h/db", "DATABASE_URL: expected sqlite:///"),
        ("PORT", "eighty", "PORT: expected a whole number from 1 to 65535, got 'eighty'"),
        ("PORT", "70000", "PORT: expected a whole number from 1 to 65535"),
        ("KINERJA_DEFAULT_TZ", "Mars/Olympus", "KINERJA_DEFAULT_TZ: expected an IANA time zone"),
        ("KINERJA_DEFAULT_LOCALE", "fr", "KINERJA_DEFAULT_LOCALE: expected id or en, got 'fr'"),
        ("KINERJA_HOLIDAY_COUNTRY", "XX", "KINERJA_HOLIDAY_COUNTRY: expected an ISO 3166"),
        ("KINERJA_HR_CHANNEL", "#hr", "KINERJA_HR_CHANNEL: expected a channel id"),
        ("KINERJA_SENDER_CONCURRENCY", "0", "KINERJA_SENDER_CONCURRENCY: expected a whole number"),
        (
            "KINERJA_SLACK_RATE_PER_SECOND",
            "fast",
            "KINERJA_SLACK_RATE_PER_SECOND: expected a number",
        ),
        ("KINERJA_SLACK_RATE_PER_SECOND", "-1", "KINERJA_SLACK_RATE_PER_SECOND: expected a number"),
    ],
)
def test_bad_setting_is_named(name: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**GOOD, name: value}, env_file="/nonexistent")
    assert str(raised.value).startswith(expected)
    assert raised.value.setting == name


def test_database_password_is_never_echoed() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**GOOD, "DATABASE_URL": "mysql://root:hunter2@h/db"}, env_file="/x")
    assert "hunter2" not in str(raised.value)


def test_cli_stops_with_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "kinerja: configuration error: SLACK_BOT_TOKEN: expected a bot token starting with xoxb-"
    ]
    assert "Traceback" not in err


def test_cli_names_a_malformed_optional_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KINERJA_DEFAULT_TZ", "Jakarta")
    assert main(["migrate"]) == 2
    assert "KINERJA_DEFAULT_TZ" in capsys.readouterr().err


def test_migrate_creates_the_schema(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'k.db'}")
    assert main(["migrate"]) == 0
    from storage.migrate import MIGRATIONS

    heads = sorted(p.name.split("_")[0] for p in (MIGRATIONS / "versions").glob("0*.py"))
    out = capsys.readouterr().out
    assert out.startswith("database at revision ")
    assert heads[-1] in out  # the newest revision is applied
    assert main(["migrate"]) == 0  # a second run is a no-op


def test_slack_budgets_are_read_per_method() -> None:
    settings = load_settings(
        {**GOOD, "KINERJA_SLACK_BUDGETS": " views.publish=1.6, chat.update=0.8,channel=2 "},
        env_file="/nonexistent",
    )
    assert settings.slack_budgets == {"views.publish": 1.6, "chat.update": 0.8, "channel": 2.0}
    assert load_settings(GOOD, env_file="/nonexistent").slack_budgets == {}


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("views.publish", "not method=calls_per_second"),
        ("views.publish=fast", "'fast' is not a number"),
        ("views.publish=-1", "not from 0 to 1000"),
        ("users.list=1", "unknown name 'users.list'"),
        ("chat.postMessage=5", "KINERJA_SLACK_RATE_PER_SECOND"),
    ],
)
def test_bad_slack_budgets_name_the_setting(raw: str, why: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({**GOOD, "KINERJA_SLACK_BUDGETS": raw}, env_file="/nonexistent")
    assert error.value.setting == "KINERJA_SLACK_BUDGETS"
    assert str(error.value).startswith("KINERJA_SLACK_BUDGETS: expected method=calls_per_second")
    assert why in str(error.value)
