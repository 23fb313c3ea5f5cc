"""What the reward core raises besides PermissionDenied, so handlers can answer precisely."""

from __future__ import annotations


class RewardRejected(Exception):
    """Bad input, refused before anything is written.

    `field` names the part of the form at fault ("recipients", "value", "message", "channel",
    "daily_cap", "values"), `key` is the i18n key of the explanation and `values` fill its
    placeholders. Values may contain text a person typed: renderers escape them for mrkdwn.
    """

    def __init__(self, field: str, key: str, /, **values: object) -> None:
        super().__init__(f"{field}: {key}")
        self.field = field
        self.key = key
        self.values = values

    @property
    def errors(self) -> dict[str, str]:
        return {self.field: self.key}


class KudosRejected(RewardRejected):
    """A kudos that may not be given (nobody chosen, oneself, a bot, the daily cap …)."""


class SettingsRejected(RewardRejected):
    """An admin's recognition settings or company values that cannot be saved as given."""


class NominationRejected(RewardRejected):
    """A nomination, decision or announcement that may not happen now.

    `field` is "type", "justification" or "reason" for bad input (an inline error on that
    field), or "nomination" for the state of things (not the manager, review not approved,
    already decided …), which handlers show where the person clicked.
    """
