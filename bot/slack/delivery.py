"""One Slack call for one outbox row, and the look-up that makes a crash harmless.

Why a look-up at all: Slack has no idempotency key on `chat.postMessage`. If a process dies after
Slack accepted a post but before the row was marked sent (or a request timed out, or Slack
answered 5xx after storing the message), a blind retry would post the message twice. So every
post carries its outbox key in message metadata::

    metadata = {"event_type": "kinerja_outbox", "event_payload": {"key": "<idempotency key>"}}

and a try of a post whose last outcome nobody knows (the row's `needs_lookup`: an earlier try
ended in a timeout or 5xx, or a worker died holding the row) first reads the channel back —
`conversations.history` (or `conversations.replies` for a thread reply) with
`include_all_metadata` from just before the row was created — and when a message with that key
is there, the row is marked sent with that message's `ts` instead of posting again. A look-up
that finds nothing clears the mark: if the post is then refused for sure (a 429, its budget, a
closed gate), the next try needs no look-up. A user id (U…/W…) as channel is resolved to the DM
id first, because history is read per conversation: from what a post to that person already
returned, else with `conversations.open` (Tier 3), remembered across rows. A first try never
looks, so the normal path costs one call.

The outbox owns `metadata` on posts: a payload's own `metadata` is replaced (with a warning),
because Slack keeps one metadata object per message and the key must be in it.

If the look-up itself is refused for good (a missing `im:history`/`channels:history` scope, a
channel the bot cannot read), the post goes ahead: a rare duplicate is preferred to a lost
message. A 429 or 5xx during the look-up reschedules the row like a failed post (a 429 pauses
the look-up's method, not the post's).

`chat.update` and `views.publish` are idempotent (doing them again leaves the same state), and
`chat.postEphemeral` cannot be read back (ephemeral messages are not stored by Slack), so those
are simply sent again. (`ALREADY_DONE` also knows `reactions.add`'s `already_reacted`, should
the outbox ever deliver reactions.)

Scopes (manifest.yml): posts need `chat:write` (and `chat:write.public` for a public channel
the bot was not invited to); the look-up needs the `*:history` scope of the conversation's
type — `im:history`, `mpim:history`, `channels:history`, `groups:history` — and membership:
in a public channel the bot posts to without being a member, history is refused
(`not_in_channel`) and the post goes ahead as described above.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox import METADATA_EVENT_TYPE

log = logging.getLogger(__name__)

# `ok: false` errors Slack documents as temporary: retried with backoff, never failed at once.
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "request_timeout", "service_unavailable", "team_added_to_org"}
)
# Errors that mean the wanted state already holds.
ALREADY_DONE = {"reactions.add": frozenset({"already_reacted"})}
DEFAULT_RETRY_AFTER = 1.0
# Slack's ts comes from Slack's clock and created_at from ours; look a little further back.
LOOKUP_MARGIN_SECONDS = 60.0
LOOKUP_PAGE_SIZE = 200
LOOKUP_MAX_PAGES = 20

OutcomeKind = Literal["sent", "found", "rate_limited", "retry", "failed", "deferred", "waiting"]


class GateClosed(Exception):
    """The call may not be made now: its method is paused or over budget, or the claim's
    lease is nearly over. The row goes back without using an attempt, `retry_in` seconds on."""

    def __init__(self, retry_in: float = 0.0) -> None:
        super().__init__(f"not now; again in {retry_in:.2f} s")
        self.retry_in = retry_in


# Asked before every Slack call with the call's method; raises GateClosed to stop.
Gate = Callable[[str], None]
# A person's DM id as remembered beyond this process (None: not known).
Recall = Callable[[str], str | None]


@dataclass(frozen=True)
class Outcome:
    """What happened to one row's try; the sender turns it into one conditional UPDATE.

    `found`: the message was already in Slack (crash look-up); `deferred`: the row's call was
    not made (`retry_after` says when to come again). `limited` names the method a 429 came
    from (a look-up's, or the row's own). `needs_lookup`: whether the next try of a post must
    look in Slack first — true after an outcome nobody knows (a timeout, a 5xx), false once a
    look-up found nothing and nothing was posted since.
    """

    kind: OutcomeKind
    result: dict[str, Any] | None = None
    error: str | None = None
    retry_after: float | None = None
    limited: str | None = None
    needs_lookup: bool = False


def deliver(
    client: WebClient,
    *,
    method: str,
    key: str,
    payload: Mapping[str, Any],
    look_first: bool,
    since: datetime,
    gate: Gate,
    recall: Recall | None = None,
) -> Outcome:
    """Make the row's Slack call (after the crash look-up when `look_first`); never raises.

    `gate(method)` is asked before every Slack call (see `Gate`).
    """
    posts = method == "chat.postMessage"
    unknown = look_first and posts
    try:
        if payload.get("_open_users"):
            payload = {
                **payload,
                "channel": open_conversation(client, payload["_open_users"], gate),
            }
        if unknown:
            found = _look_up(client, payload, key, since, gate, recall)
            if found is not None:
                return Outcome("found", result=found)
            unknown = False  # not in Slack: until a post is tried, nothing needs looking up
        gate(method)
        try:
            response = client.api_call(method, json=request_body(method, payload, key))
        except Exception as exc:
            outcome = classify(method, exc)
            return replace(outcome, needs_lookup=posts and outcome.kind == "retry")
        result = summarise(method, _data(response.data))
        if posts:
            remember_dm(client, str(payload.get("channel") or ""), result.get("channel"))
        return Outcome("sent", result=result)
    except Exception as exc:  # one row's failure never escapes; classify decides its fate
        return replace(classify(method, exc), needs_lookup=unknown)


def request_body(method: str, payload: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The JSON body sent to Slack; posts get the key in their metadata.

    Keys starting with `_` are instructions to the sender, never sent to Slack.
    """
    body = {name: value for name, value in payload.items() if not name.startswith("_")}
    if method == "chat.postMessage":
        if body.get("metadata") is not None:
            log.warning("outbox %s: payload metadata replaced by the outbox key", key)
        body["metadata"] = {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": key}}
    return body


_conversations: dict[tuple[str, ...], str] = {}
_conversations_lock = threading.Lock()
MAX_REMEMBERED = 100_000


def _members(client: WebClient, users: Sequence[str]) -> tuple[str, ...]:
    return (str(id(client)), *sorted(set(users)))


def _remember(members: tuple[str, ...], channel: str) -> None:
    with _conversations_lock:
        if len(_conversations) >= MAX_REMEMBERED:
            _conversations.clear()
        _conversations[members] = channel


def known_conversation(client: WebClient, users: Sequence[str]) -> str | None:
    with _conversations_lock:
        return _conversations.get(_members(client, users))


def remember_dm(client: WebClient, channel: str, opened: object) -> None:
    """A post to a person's user id landed in their DM `opened`: remember it, so a later
    look-up for that person needs no `conversations.open`."""
    if channel[:1] in ("U", "W") and isinstance(opened, str) and opened[:1] == "D":
        _remember(_members(client, [channel]), opened)


def open_conversation(
    client: WebClient, users: Sequence[str], gate: Gate, recall: Recall | None = None
) -> str:
    """The DM or group DM of `users` with the bot; Slack returns the same id for the same set,
    so it is remembered for the life of the process, across rows: a fan-out makes at most one
    call per person, and a crash look-up for someone already posted to makes none."""
    members = _members(client, users)
    known = known_conversation(client, users)
    if known is not None:
        return known
    if recall is not None and len(members) == 2:
        remembered = recall(members[1])
        if remembered:
            _remember(members, remembered)
            return remembered
    gate("conversations.open")
    response = client.conversations_open(users=",".join(members[1:]))
    channel = str(_data(response.data).get("channel", {}).get("id") or "")
    if not channel:
        raise SlackApiError("conversations.open returned no channel", response)
    _remember(members, channel)
    return channel


def summarise(method: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """What later code needs from the answer: where a post landed, which view was published."""
    if method in ("chat.postMessage", "chat.update"):
        return {"channel": data.get("channel"), "ts": data.get("ts")}
    if method == "chat.postEphemeral":
        return {"message_ts": data.get("message_ts")}
    if method == "views.publish":
        view = data.get("view") or {}
        return {"view_id": view.get("id"), "hash": view.get("hash")}
    return {}


def classify(method: str, exc: BaseException) -> Outcome:
    """Sort a failure into rate limit, retry with backoff, or permanent failure."""
    if isinstance(exc, GateClosed):
        return Outcome("deferred", retry_after=exc.retry_in)
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        data = _data(exc.response.data)
        error = str(data.get("error") or f"http_{status}")
        if status == 429 or error == "ratelimited":
            called = str(exc.response.api_url or "").rstrip("/").rsplit("/", 1)[-1] or method
            return Outcome(
                "rate_limited", error="ratelimited", retry_after=_retry_after(exc), limited=called
            )
        if status >= 500 or status == 408:
            return Outcome("retry", error=f"http_{status}")
        if status == 200:
            if error in ALREADY_DONE.get(method, ()):
                return Outcome("sent", result={})
            if error in TRANSIENT_ERRORS:
                return Outcome("retry", error=error)
            return Outcome("failed", error=error)
        return Outcome("failed", error=f"http_{status}: {error}")
    # Connection refused or reset, timeouts, a half-read answer: the outcome is unknown, so the
    # next try of a post looks before posting.
    return Outcome("retry", error=f"{type(exc).__name__}: {str(exc)[:200]}")


def _look_up(
    client: WebClient,
    payload: Mapping[str, Any],
    key: str,
    since: datetime,
    gate: Gate,
    recall: Recall | None = None,
) -> dict[str, Any] | None:
    """The message already posted for `key`, as {"channel", "ts"}, or None.

    Temporary failures (429, 5xx, network) propagate so the row is rescheduled; a permanent
    refusal returns None so the post goes ahead (see the module docstring).
    """
    try:
        return find_posted(client, payload, key, since, gate, recall)
    except SlackApiError as exc:
        outcome = classify("conversations.history", exc)
        if outcome.kind != "failed":
            raise
        log.warning("outbox %s: look-up refused (%s); posting without it", key, outcome.error)
        return None


def find_posted(
    client: WebClient,
    payload: Mapping[str, Any],
    key: str,
    since: datetime,
    gate: Gate,
    recall: Recall | None = None,
) -> dict[str, Any] | None:
    """Read the target conversation back and find a message carrying `key` in its metadata."""
    channel = str(payload.get("channel") or "")
    if not channel:
        return None
    if channel[:1] in ("U", "W"):
        channel = open_conversation(client, [channel], gate, recall)
    thread_ts = payload.get("thread_ts")
    oldest = f"{since.timestamp() - LOOKUP_MARGIN_SECONDS:.6f}"
    cursor: str | None = None
    for _ in range(LOOKUP_MAX_PAGES):
        gate("conversations.replies" if thread_ts else "conversations.history")
        if thread_ts:
            response = client.conversations_replies(
                channel=channel,
                ts=str(thread_ts),
                include_all_metadata=True,
                oldest=oldest,
                limit=LOOKUP_PAGE_SIZE,
                cursor=cursor,
            )
        else:
            response = client.conversations_history(
                channel=channel,
                include_all_metadata=True,
                oldest=oldest,
                limit=LOOKUP_PAGE_SIZE,
                cursor=cursor,
            )
        data = _data(response.data)
        for message in data.get("messages") or []:
            if _carries_key(message, key):
                return {"channel": channel, "ts": message.get("ts")}
        cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None
    log.warning("outbox %s: look-up stopped after %d pages; posting", key, LOOKUP_MAX_PAGES)
    return None


def _carries_key(message: Mapping[str, Any], key: str) -> bool:
    metadata = message.get("metadata")
    if not isinstance(metadata, Mapping) or metadata.get("event_type") != METADATA_EVENT_TYPE:
        return False
    event_payload = metadata.get("event_payload")
    return isinstance(event_payload, Mapping) and event_payload.get("key") == key


def _retry_after(exc: SlackApiError) -> float:
    headers = exc.response.headers or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(float(raw), 1.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER


def _data(data: Any) -> dict[str, Any]:
    """slack_sdk's response data as a dict (it is bytes only for binary downloads)."""
    return data if isinstance(data, dict) else {}
