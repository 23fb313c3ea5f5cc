"""The reward cycle keeps the house plan (docs/ARCHITECTURE.md): its listeners are module-level
functions, and it has no copy of a shared piece — the control-character rule (bot/sanitize.py),
the modal frame and notice (bot/blocks/modals.py), the post helper (bot/outbox.py) and the
recipient translator (bot/i18n.py).

These read the wiring and the code, not behaviour (the flow tests cover that): a copy that
creeps back fails here before review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.blocks import nominations, reward_modals
from handlers import reward
from handlers.reward import kudos
from handlers.reward import nominations as nomination_listeners

ROOT = Path(__file__).resolve().parent.parent
CORE = sorted((ROOT / "bot" / "reward").glob("*.py"))


class Recorder:
    """Stands in for Bolt's App: remembers what each `app.<kind>(id)(listener)` wires."""

    def __init__(self) -> None:
        self.wired: dict[tuple[str, str], Callable[..., Any]] = {}

    def __getattr__(self, kind: str) -> Callable[[str], Callable[[Any], Any]]:
        def route(listener_id: str) -> Callable[[Any], Any]:
            def take(listener: Any) -> Any:
                self.wired[(kind, listener_id)] = listener
                return listener

            return take

        return route


def test_every_listener_is_a_module_level_function() -> None:
    app = Recorder()
    assert reward.CYCLE.listeners is not None
    reward.CYCLE.listeners(app, SimpleNamespace(db=None))  # type: ignore[arg-type]
    assert app.wired == {
        ("shortcut", kudos.SHORTCUT_CALLBACK): kudos.give_kudos_shortcut,
        ("action", "reward_give_open"): kudos.open_give,
        ("view", "reward_give"): kudos.give_submitted,
        ("view", "reward_settings"): kudos.settings_submitted,
        ("action", nominations.NOMINATE): nomination_listeners.open_nominate,
        ("view", nominations.NOMINATE_MODAL): nomination_listeners.submit_nominate,
        ("action", nominations.APPROVE): nomination_listeners.open_decide,
        ("action", nominations.DECLINE): nomination_listeners.open_decide,
        ("view", nominations.DECIDE_MODAL): nomination_listeners.submit_decide,
        ("action", nominations.ANNOUNCE): nomination_listeners.announce,
    }
    for listener in app.wired.values():
        assert "<locals>" not in listener.__qualname__, listener.__qualname__


@pytest.mark.parametrize("name", ["_modal", "message_modal", "notice_modal"])
def test_reward_modals_use_the_shared_frame_and_notice(name: str) -> None:
    assert not hasattr(reward_modals, name)
    assert not hasattr(nominations, name)


@pytest.mark.parametrize("path", CORE, ids=lambda path: path.name)
def test_the_core_has_no_copy_of_a_shared_rule(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"\\x0[0-8]", source), "control characters: use bot/sanitize.py"
    assert 'method="chat.postMessage"' not in source, "posting: use outbox.post_message"
    assert "resolve_locale" not in source, "a recipient's language: use i18n.translators"
