"""`/kinerja feedback …` (`umpan-balik`): give (`@person`), `request` (`minta`), `results`
(`hasil`) and, for HR, `upward` (`atasan`). Each verb is also its own subcommand in help, so
people read one line per thing they can do."""

from __future__ import annotations

from handlers.commands import CommandRequest
from handlers.feedback.give import give_command
from handlers.feedback.requests import request_command
from handlers.feedback.upward import results_command, upward_command

REQUEST_WORDS = ("request", "minta")
UPWARD_WORDS = ("upward", "atasan")
RESULTS_WORDS = ("results", "hasil")


def _after(text: str, words: int) -> str:
    """`text` without its first `words` words (mentions keep their form)."""
    parts = text.split(maxsplit=words)
    return parts[words] if len(parts) > words else ""


def feedback_command(req: CommandRequest) -> None:
    text = _after(str(req.command.get("text") or ""), 1)
    verb = req.args[0].lower() if req.args else ""
    if verb in REQUEST_WORDS:
        request_command(req, _after(text, 1))
    elif verb in UPWARD_WORDS:
        upward_command(req, req.args[1:])
    elif verb in RESULTS_WORDS:
        results_command(req)
    else:
        give_command(req, text)


def feedback_request_command(req: CommandRequest) -> None:
    """`/kinerja minta-umpan-balik @a …`, the alias of `feedback request`."""
    request_command(req, _after(str(req.command.get("text") or ""), 1))


def feedback_upward_command(req: CommandRequest) -> None:
    upward_command(req, req.args)
