"""chat.* and conversations.* methods.

Why these rules: they are the ones the app can get wrong in ways Slack punishes — posting
without a fallback `text`, invalid blocks, replying to a `thread_ts` that is not a message in
that channel, or reading metadata back without `include_all_metadata`.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from .api_channels import check_post
from .blocks import validate_blocks
from .models import ApiError, JsonDict, Message, int_arg, opt_str, paginate, req_str, truthy

if TYPE_CHECKING:
    from .state import SlackState

MAX_TEXT = 40_000


def _blocks(args: JsonDict) -> list[JsonDict] | None:
    """The `blocks` argument, validated for a message; None when not given."""
    blocks = args.get("blocks")
    if blocks is None or blocks == "":
        return None
    if not isinstance(blocks, list):  # the server decodes JSON strings; a str left is garbage
        raise ApiError("invalid_blocks_format")
    errors = validate_blocks(blocks, "message")
    if errors:
        raise ApiError(
            "invalid_blocks",
            errors=errors,
            response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
        )
    return blocks


def _text(args: JsonDict) -> str | None:
    text = args.get("text")
    if text is None:
        return None
    text = str(text)
    if len(text) > MAX_TEXT:
        raise ApiError("msg_too_long")
    return text


def _metadata(args: JsonDict) -> JsonDict | None:
    metadata = args.get("metadata")
    if metadata is None or metadata == "":
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        raise ApiError("invalid_metadata_format")
    return metadata


def _content(args: JsonDict) -> tuple[str, list[JsonDict]]:
    """Text and blocks of a new message; Slack wants at least one of them."""
    text, blocks = _text(args), _blocks(args)
    if not text and not blocks and not args.get("attachments"):
        raise ApiError("no_text")
    return text or "", blocks or []


def message_json(
    st: SlackState, m: Message, with_metadata: bool = True, replies: list[Message] | None = None
) -> JsonDict:
    """A message as Slack returns it in responses and in history."""
    out: JsonDict = {
        "type": "message",
        "user": m.user,
        "bot_id": st.bot_id,
        "app_id": st.app_id,
        "text": m.text,
        "ts": m.ts,
        "team": st.team_id,
        "bot_profile": st.bot_profile(),
    }
    if m.blocks:
        out["blocks"] = m.blocks
    if m.thread_ts:
        out["thread_ts"] = m.thread_ts
        if m.thread_ts != m.ts:
            out["parent_user_id"] = st.bot_user_id
    if replies:
        out.update(
            thread_ts=m.ts,
            reply_count=len(replies),
            latest_reply=replies[-1].ts,
            reply_users=[st.bot_user_id],
            reply_users_count=1,
        )
    if m.updated:
        out["edited"] = {"user": m.user, "ts": m.ts}
    if with_metadata and m.metadata is not None:
        out["metadata"] = m.metadata
    return out


def _find(st: SlackState, channel: str, ts: str | None, error: str) -> Message:
    message = st.index.get((channel, ts or ""))
    if message is None:
        raise ApiError(error)
    return message


def _replies(st: SlackState, channel: str) -> dict[str, list[Message]]:
    threads: dict[str, list[Message]] = {}
    for m in st.messages:
        if m.channel == channel and m.thread_ts and m.thread_ts != m.ts:
            threads.setdefault(m.thread_ts, []).append(m)
    return threads


def chat_post_message(st: SlackState, args: JsonDict) -> JsonDict:
    channel = st.resolve_channel(opt_str(args, "channel"))
    check_post(st, channel)
    text, blocks = _content(args)
    metadata = _metadata(args)
    thread_ts = opt_str(args, "thread_ts")
    if thread_ts is not None:
        parent = _find(st, channel, thread_ts, "thread_not_found")
        thread_ts = parent.thread_ts or parent.ts  # a reply to a reply joins the parent's thread
    message = Message(
        channel=channel,
        ts=st.next_ts(),
        text=text,
        blocks=blocks,
        thread_ts=thread_ts,
        user=st.bot_user_id,
        metadata=metadata,
    )
    st.messages.append(message)
    st.index[(channel, message.ts)] = message
    return {"channel": channel, "ts": message.ts, "message": message_json(st, message)}


def chat_update(st: SlackState, args: JsonDict) -> JsonDict:
    channel = st.resolve_channel(opt_str(args, "channel"))
    check_post(st, channel)
    message = _find(st, channel, opt_str(args, "ts"), "message_not_found")
    text, blocks, metadata = _text(args), _blocks(args), _metadata(args)
    if text is None and blocks is None and args.get("attachments") is None:
        raise ApiError("no_text")
    if text is not None:
        message.text = text
    if blocks is not None:  # Slack keeps the old blocks unless `blocks` is sent ([] clears)
        message.blocks = blocks
    if metadata is not None:
        message.metadata = metadata
    message.updated = True
    return {
        "channel": channel,
        "ts": message.ts,
        "text": message.text,
        "message": message_json(st, message),
    }


def chat_delete(st: SlackState, args: JsonDict) -> JsonDict:
    channel = st.resolve_channel(opt_str(args, "channel"))
    message = _find(st, channel, opt_str(args, "ts"), "message_not_found")
    st.messages.remove(message)
    del st.index[(channel, message.ts)]
    return {"channel": channel, "ts": message.ts}


def chat_post_ephemeral(st: SlackState, args: JsonDict) -> JsonDict:
    channel = st.resolve_channel(opt_str(args, "channel"))
    user = req_str(args, "user", "user_not_found")
    if user not in st.users:
        raise ApiError("user_not_found")
    text, blocks = _content(args)
    ts = st.next_ts()
    st.ephemerals.append(
        {
            "channel": channel,
            "user": user,
            "text": text,
            "blocks": blocks,
            "thread_ts": opt_str(args, "thread_ts"),
            "message_ts": ts,
        }
    )
    return {"message_ts": ts}


def chat_get_permalink(st: SlackState, args: JsonDict) -> JsonDict:
    channel = st.resolve_channel(opt_str(args, "channel"))
    message = _find(st, channel, opt_str(args, "message_ts"), "message_not_found")
    link = f"https://fake.slack/archives/{channel}/p{message.ts.replace('.', '')}"
    if message.thread_ts and message.thread_ts != message.ts:
        link += f"?thread_ts={message.thread_ts}&cid={channel}"
    return {"channel": channel, "permalink": link}


def conversations_open(st: SlackState, args: JsonDict) -> JsonDict:
    existing = opt_str(args, "channel")
    raw: Any = args.get("users")
    ids = raw if isinstance(raw, list) else str(raw or "").split(",")
    users = sorted({str(u).strip() for u in ids if str(u).strip()} - {st.bot_user_id})
    if existing and not users:
        return {"channel": {"id": existing}}
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 8:
        raise ApiError("too_many_users")
    for user in users:
        if user not in st.users:
            raise ApiError("user_not_found")
    if len(users) == 1:
        channel_id = st.dm_channel(users[0])
    else:  # the same set of people always gets the same group DM
        digest = hashlib.sha1(",".join(users).encode()).hexdigest()[:10].upper()
        channel_id = f"G{digest}"
    channel: JsonDict = {"id": channel_id}
    if truthy(args.get("return_im")):
        channel.update(
            created=1700000000,
            is_open=True,
            is_im=len(users) == 1,
            is_mpim=len(users) > 1,
            is_private=True,
            is_archived=False,
        )
        if len(users) == 1:
            channel["user"] = users[0]
    return {"channel": channel}


def _bound(value: str | None, default: float) -> float:
    try:
        return float(value) if value else default
    except ValueError as exc:
        raise ApiError("invalid_ts_oldest") from exc


def conversations_history(st: SlackState, args: JsonDict) -> JsonDict:
    channel = st.resolve_channel(opt_str(args, "channel"))
    oldest = _bound(opt_str(args, "oldest"), 0.0)
    latest = _bound(opt_str(args, "latest"), float("inf"))
    inclusive = truthy(args.get("inclusive"))
    limit = int_arg(args, "limit", 100)
    limit = 100 if limit <= 0 else min(limit, 999)
    with_metadata = truthy(args.get("include_all_metadata"))
    threads = _replies(st, channel)

    def inside(m: Message) -> bool:
        ts = float(m.ts)
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    top = [
        m
        for m in reversed(st.messages)
        if m.channel == channel and (m.thread_ts is None or m.thread_ts == m.ts) and inside(m)
    ]
    page, next_cursor = paginate(top, lambda m: m.ts, limit, opt_str(args, "cursor"), "next_ts")
    return {
        "messages": [message_json(st, m, with_metadata, threads.get(m.ts)) for m in page],
        "has_more": bool(next_cursor),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": next_cursor},
    }


def conversations_replies(st: SlackState, args: JsonDict) -> JsonDict:
    channel = st.resolve_channel(opt_str(args, "channel"))
    found = _find(st, channel, opt_str(args, "ts"), "thread_not_found")
    parent = st.index.get((channel, found.thread_ts or found.ts), found)
    replies = _replies(st, channel).get(parent.ts, [])
    limit = int_arg(args, "limit", 1000)
    limit = 1000 if limit <= 0 else min(limit, 1000)
    page, next_cursor = paginate(
        [parent, *replies], lambda m: m.ts, limit, opt_str(args, "cursor"), "next_ts"
    )
    with_metadata = truthy(args.get("include_all_metadata"))
    return {
        "messages": [
            message_json(st, m, with_metadata, replies if m is parent else None) for m in page
        ],
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


METHODS = {
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.getPermalink": chat_get_permalink,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
