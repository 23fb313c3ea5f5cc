"""The reward core's refusals in the person's words, for `toolkit.act`.

The core refuses with RewardRejected (the form field at fault and an i18n key) or with
PermissionDenied. A modal shows a refusal on the field at fault, so the explanation also
remembers which field that was.
"""

from __future__ import annotations

from bot.blocks.reward import rejection_text
from bot.i18n import Translator
from bot.permissions import PermissionDenied
from bot.reward.errors import RewardRejected


class Refusals:
    """An `explain` for `act`: one per request, since it remembers the field it explained.

    `mrkdwn`: the text goes into a message or a notice (typed values escaped), not into an
    inline field error (plain text). `denied_key`: what someone lacking the role is told.
    """

    def __init__(self, *, mrkdwn: bool = True, denied_key: str = "error.permission") -> None:
        self.mrkdwn = mrkdwn
        self.denied_key = denied_key
        self.field: str | None = None  # of the RewardRejected explained, if one was

    def __call__(self, tr: Translator, error: Exception) -> str | None:
        if isinstance(error, RewardRejected):
            self.field = error.field
            return rejection_text(tr, error.key, error.values, mrkdwn=self.mrkdwn)
        if isinstance(error, PermissionDenied):
            return tr(self.denied_key)
        return None
