"""Slack's directory as a `MemberSource` for the organisation's rules (bot/org/directory.py):
`users.list` page by page, `users.info` and `users.lookupByEmail` for one person."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.org.directory import Member

PAGE_SIZE = 200  # users.list is Tier 2; Slack recommends at most 200 per page
# Errors that mean "Slack does not know this person", as opposed to an outage or a bad token.
NOT_FOUND_ERRORS = frozenset(
    {"user_not_found", "users_not_found", "user_not_visible", "invalid_email"}
)


class SlackDirectory:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def members(self) -> Iterator[Member]:
        return iter_members(self.client)

    def member(self, value: str, by_email: bool = False) -> Member | None:
        return fetch_member(self.client, value, by_email)


def iter_members(client: WebClient) -> Iterator[Member]:
    """Every member of the workspace, page by page, following `next_cursor` to the end."""
    cursor: str | None = None
    used: set[str] = set()  # a cursor seen twice would loop for ever
    while True:
        response = client.users_list(limit=PAGE_SIZE, cursor=cursor, include_locale=True)
        yield from response.get("members") or []
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor or cursor in used:
            return
        used.add(cursor)


def fetch_member(client: WebClient, value: str, by_email: bool = False) -> Member | None:
    """users.info (with locale) or users.lookupByEmail; None when Slack knows nobody by that.

    Outages and bad tokens still raise `SlackApiError`: they do not mean "nobody".
    """
    try:
        if by_email:
            response = client.users_lookupByEmail(email=value)
        else:
            response = client.users_info(user=value, include_locale=True)
    except SlackApiError as error:
        if error.response.get("error") in NOT_FOUND_ERRORS:
            return None
        raise
    user = response.get("user")
    return user if isinstance(user, Mapping) else None
