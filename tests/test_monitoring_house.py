"""The Monitoring cycle in the house plan's shape (docs/ARCHITECTURE.md): its listeners are
module-level functions (the shape of Bolt's own examples) wired in `register`, it keeps no
copy of the shared listener toolkit, and its notify module posts through the one post helper
and translates with the one recipient translator."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from bot.monitoring import notify
from handlers import monitoring
from handlers.monitoring import admin, checkins, outcomes

HANDLER_MODULES = (monitoring, checkins, admin, outcomes)
# What the toolkit (handlers/toolkit.py, bot/blocks/modals.py, bot/blocks/payload.py) gives
# every cycle, under the names the cycles' own copies had.
SHARED = {"who", "_who", "in_session", "run", "tell", "team_of", "_int", "notice_modal"}


class RecordingApp:
    """Just enough of Bolt's App to see what a cycle wires, and to what."""

    def __init__(self) -> None:
        self.wired: list[tuple[str, str, Callable[..., Any]]] = []

    def _wire(self, kind: str) -> Callable[[Any], Callable[[Callable[..., Any]], Any]]:
        def on(key: Any) -> Callable[[Callable[..., Any]], Any]:
            def take(function: Callable[..., Any]) -> Callable[..., Any]:
                self.wired.append((kind, str(key), function))
                return function

            return take

        return on

    def __getattr__(self, kind: str) -> Any:
        return self._wire(kind)


def test_every_listener_is_a_module_level_function() -> None:
    app = RecordingApp()
    assert monitoring.CYCLE.listeners is not None
    monitoring.CYCLE.listeners(app, None)  # type: ignore[arg-type]
    wired = {key: function for _, key, function in app.wired}
    assert set(wired) == {
        "monitoring_start_checkin",
        "monitoring_checkin",
        "monitoring_ack",
        "monitoring_reply",
        "monitoring_obstacle_help",
        "monitoring_obstacle_resolve",
        "monitoring_schedule",
    }
    for key, function in wired.items():
        module = inspect.getmodule(function)
        assert module is not None and "<locals>" not in function.__qualname__, key
        assert getattr(module, function.__name__) is function, key


def _functions(module: ModuleType) -> set[str]:
    tree = ast.parse(inspect.getsource(module))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


def test_no_copy_of_the_shared_toolkit() -> None:
    for module in HANDLER_MODULES:
        assert _functions(module) & SHARED == set(), module.__name__


def test_notify_posts_through_the_one_helper_and_translates_with_the_one_translator() -> None:
    """No local post wrapper: every chat.postMessage goes through outbox.post_message (the
    only direct enqueues left are chat.update, which that helper does not make), and no
    Translator is built from a locale here."""
    source = inspect.getsource(notify)
    tree = ast.parse(source)
    assert "_post" not in _functions(notify)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names = [ast.unparse(call.func) for call in calls]
    assert "outbox.post_message" in names
    assert "Translator" not in names and "resolve_locale" not in source
    for call in calls:
        if ast.unparse(call.func) == "outbox.enqueue":
            method = next(k.value for k in call.keywords if k.arg == "method")
            assert ast.literal_eval(method) == "chat.update"
