"""What the monitoring core raises besides PermissionDenied, so handlers can answer precisely."""

from __future__ import annotations

from bot.permissions import Action, PermissionDenied


class MonitoringValidationError(Exception):
    """Bad input: `errors` maps a field ("mood", "kr_12", "period", …) to an i18n key, and
    `values` fills the placeholders of those keys.

    Raised before anything is written, or inside the transaction that the caller then rolls
    back, so a refused check-in never leaves half of itself behind.
    """

    def __init__(self, errors: dict[str, str], **values: object) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.values = values


class NotFound(Exception):
    """No such check-in or obstacle in this workspace — also for one the actor may not see, so
    probing ids tells a stranger nothing."""


class ReaderOnly(PermissionDenied):
    """The employee clicked a button meant for the person who reads their check-in (both see
    the summary in their group DM): they are told so and what they can do instead."""

    def __init__(self, subject_id: int) -> None:
        super().__init__(Action.ANSWER_CHECKIN)
        self.subject_id = subject_id
