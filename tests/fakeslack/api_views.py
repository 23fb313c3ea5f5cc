"""views.* and files.* methods.

Why views are strict here: a trigger_id lives 3 seconds and serves one modal, modals stack at
most 3 deep, and `views.update` with a stale `hash` is refused. The app must survive each of
these, so the fake enforces them instead of quietly accepting.
"""

from __future__ import annotations

import mimetypes
import secrets
import time
from typing import TYPE_CHECKING

from .api_channels import check_file
from .blocks import validate_view
from .models import ApiError, JsonDict, int_arg, opt_str, req_str

if TYPE_CHECKING:
    from .state import SlackState, Trigger

MAX_STACK = 3


def _new_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


def _view_arg(args: JsonDict, kind: str) -> JsonDict:
    """The `view` argument, validated; errors come back like Slack's invalid_arguments."""
    view = args.get("view")
    errors = validate_view(view)
    if not errors and isinstance(view, dict) and view.get("type") != kind:
        errors = [f"view.type: must be {kind} for this method"]
    if errors or not isinstance(view, dict):
        raise ApiError(
            "invalid_arguments",
            errors=errors,
            response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
        )
    return view


def _full_view(
    st: SlackState, view_id: str, spec: JsonDict, root: str | None, previous: str | None
) -> JsonDict:
    """The view object Slack returns: the spec plus ids, hash, state and defaults."""
    defaults: JsonDict = {
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "title": None,
        "close": None,
        "submit": None,
        "clear_on_close": False,
        "notify_on_close": False,
    }
    return {
        **defaults,
        **spec,
        "id": view_id,
        "team_id": st.team_id,
        "state": {"values": {}},
        "hash": _new_hash(),
        "root_view_id": root or view_id,
        "previous_view_id": previous,
        "app_id": st.app_id,
        "app_installed_team_id": st.team_id,
        "bot_id": st.bot_id,
    }


def _trigger(st: SlackState, args: JsonDict) -> Trigger:
    trigger_id = req_str(args, "trigger_id", "invalid_trigger_id")
    trigger = st.triggers.get(trigger_id)
    if trigger is None:
        raise ApiError("invalid_trigger_id")
    if trigger.used or trigger.expired or time.monotonic() - trigger.created > st.trigger_ttl:
        raise ApiError("expired_trigger_id")
    return trigger


def _check_external_id(st: SlackState, spec: JsonDict) -> None:
    external_id = spec.get("external_id")
    if external_id and any(v.get("external_id") == external_id for v in st.views.values()):
        raise ApiError("duplicate_external_id")


def _record(
    st: SlackState, view: JsonDict, user: str | None, method: str, trigger_id: str | None
) -> JsonDict:
    st.views[view["id"]] = view
    st.opened_views.append(
        {
            "view_id": view["id"],
            "view": view,
            "user": user,
            "method": method,
            "trigger_id": trigger_id,
        }
    )
    return {"view": view}


def views_open(st: SlackState, args: JsonDict) -> JsonDict:
    trigger = _trigger(st, args)
    spec = _view_arg(args, "modal")
    _check_external_id(st, spec)
    view = _full_view(st, st.new_id("V"), spec, None, None)
    trigger.used = True
    st.view_stacks.append([view["id"]])
    return _record(st, view, trigger.user_id, "views.open", opt_str(args, "trigger_id"))


def views_push(st: SlackState, args: JsonDict) -> JsonDict:
    trigger = _trigger(st, args)
    spec = _view_arg(args, "modal")
    _check_external_id(st, spec)
    stack = next((s for s in st.view_stacks if trigger.view_id in s), None)
    if stack is None and st.view_stacks and trigger.view_id is None:
        stack = st.view_stacks[-1]  # an untied trigger pushes onto the latest modal
    if stack is None:
        stack = []
        st.view_stacks.append(stack)
    if len(stack) >= MAX_STACK:
        raise ApiError("push_limit_reached")
    view_id = st.new_id("V")
    view = _full_view(st, view_id, spec, stack[0] if stack else None, stack[-1] if stack else None)
    stack.append(view_id)
    trigger.used = True
    return _record(st, view, trigger.user_id, "views.push", opt_str(args, "trigger_id"))


def views_update(st: SlackState, args: JsonDict) -> JsonDict:
    view_id, external_id = opt_str(args, "view_id"), opt_str(args, "external_id")
    if view_id is None and external_id is None:
        raise ApiError("invalid_arguments")
    current = (
        st.views.get(view_id)
        if view_id
        else next((v for v in st.views.values() if v.get("external_id") == external_id), None)
    )
    if current is None:
        raise ApiError("not_found")
    wanted_hash = opt_str(args, "hash")
    if wanted_hash is not None and wanted_hash != current["hash"]:
        raise ApiError("hash_conflict")
    spec = _view_arg(args, str(current.get("type")))
    view = _full_view(st, current["id"], spec, current["root_view_id"], current["previous_view_id"])
    user = next((o["user"] for o in st.opened_views if o["view_id"] == view["id"]), None)
    if view["type"] == "home":
        user = next((u for u, v in st.views_published.items() if v["id"] == view["id"]), None)
        if user is not None:
            st.views_published[user] = view
    return _record(st, view, user, "views.update", None)


def views_publish(st: SlackState, args: JsonDict) -> JsonDict:
    user_id = req_str(args, "user_id", "user_not_found")
    if user_id not in st.users:
        raise ApiError("user_not_found")
    spec = _view_arg(args, "home")
    current = st.views_published.get(user_id)
    wanted_hash = opt_str(args, "hash")
    if wanted_hash is not None and current is not None and wanted_hash != current["hash"]:
        raise ApiError("hash_conflict")
    view_id = current["id"] if current is not None else st.new_id("V")  # one Home per person
    view = _full_view(st, view_id, spec, None, None)
    st.views[view_id] = view
    st.views_published[user_id] = view
    return {"view": view}


def files_get_upload_url_external(st: SlackState, args: JsonDict) -> JsonDict:
    filename = req_str(args, "filename")
    length = int_arg(args, "length", 0)
    if length <= 0:
        raise ApiError("invalid_arguments")
    file_id = st.new_id("F")
    st.uploads[file_id] = {
        "filename": filename,
        "length": length,
        "content": None,
        "alt_txt": opt_str(args, "alt_txt"),
    }
    return {"upload_url": f"{st.root_url}/upload/v1/{file_id}", "file_id": file_id}


def files_complete_upload_external(st: SlackState, args: JsonDict) -> JsonDict:
    items = args.get("files")
    if not isinstance(items, list) or not items:
        raise ApiError("invalid_arguments")
    channel_id = opt_str(args, "channel_id")
    channels = [st.resolve_channel(channel_id)] if channel_id else []
    channels += [st.resolve_channel(c) for c in str(args.get("channels") or "").split(",") if c]
    for channel in channels:
        check_file(st, channel)
    wanted = []
    for item in items:
        upload = st.uploads.get(str(item.get("id"))) if isinstance(item, dict) else None
        if upload is None or upload["content"] is None:
            raise ApiError("file_not_found")
        wanted.append((item, upload))
    out = []
    for item, upload in wanted:
        file_id = str(item["id"])
        del st.uploads[file_id]
        filename = str(upload["filename"])
        title = str(item.get("title") or filename)
        content: bytes = upload["content"]
        obj = {
            "id": file_id,
            "created": int(time.time()),
            "timestamp": int(time.time()),
            "name": filename,
            "title": title,
            "mimetype": mimetypes.guess_type(filename)[0] or "application/octet-stream",
            "filetype": filename.rsplit(".", 1)[-1] if "." in filename else "binary",
            "user": st.bot_user_id,
            "size": len(content),
            "url_private": f"https://fake.slack/files/{file_id}/{filename}",
            "permalink": f"https://fake.slack/files/{st.bot_user_id}/{file_id}/{filename}",
            "channels": channels,
        }
        st.files.append(
            {
                "file_id": file_id,
                "filename": filename,
                "title": title,
                "content": content,
                "channel_id": channels[0] if channels else None,
                "initial_comment": opt_str(args, "initial_comment"),
                "thread_ts": opt_str(args, "thread_ts"),
                "object": obj,
            }
        )
        out.append(obj)
    return {"files": out}


def files_info(st: SlackState, args: JsonDict) -> JsonDict:
    file_id = req_str(args, "file", "file_not_found")
    for entry in st.files:
        if entry["file_id"] == file_id:
            return {"file": entry["object"]}
    raise ApiError("file_not_found")


METHODS = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
    "files.info": files_info,
}
