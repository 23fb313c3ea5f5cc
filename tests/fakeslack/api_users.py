"""auth.*, team.* and users.* methods, and the Slack user object they return.

Why the user object is built in full: the app reads `tz`, `tz_offset`, `deleted`, `is_bot`,
`locale` and `profile.email`; returning Slack's real shape keeps the app's parsing honest.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .models import ApiError, JsonDict, int_arg, opt_str, paginate, req_str, truthy

if TYPE_CHECKING:
    from .state import SlackState

# Slack shows long zone names; zoneinfo knows abbreviations. Unknown ones fall back to those.
_TZ_LABELS = {
    "WIB": "Western Indonesia Time",
    "WITA": "Central Indonesia Time",
    "WIT": "Eastern Indonesia Time",
    "UTC": "Coordinated Universal Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "JST": "Japan Standard Time",
    "IST": "India Standard Time",
}


def make_user(
    *,
    id: str,
    team_id: str,
    name: str,
    real_name: str,
    display_name: str,
    email: str,
    tz: str,
    locale: str,
    is_bot: bool,
    deleted: bool,
) -> JsonDict:
    """The full user object (with `locale`; handlers drop it unless include_locale)."""
    now = datetime.now(ZoneInfo(tz))
    offset = now.utcoffset()
    abbreviation = now.tzname() or tz
    return {
        "id": id,
        "team_id": team_id,
        "name": name,
        "deleted": deleted,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": tz,
        "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "locale": locale,
        "profile": {
            "title": "",
            "phone": "",
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display_name,
            "display_name_normalized": display_name,
            "email": email,
            "image_48": f"https://fake.slack/avatars/{id}_48.png",
            "image_72": f"https://fake.slack/avatars/{id}_72.png",
            "team": team_id,
        },
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": 1700000000,
        "is_email_confirmed": True,
    }


def _public(user: JsonDict, include_locale: bool) -> JsonDict:
    """A copy to send; `locale` only when asked for, as Slack does."""
    out = {k: v for k, v in user.items() if include_locale or k != "locale"}
    out["profile"] = dict(user["profile"])
    return out


def auth_test(st: SlackState, args: JsonDict) -> JsonDict:
    return {
        "url": f"https://{st.team_name.lower()}.slack.com/",
        "team": st.team_name,
        "user": st.bot_name,
        "team_id": st.team_id,
        "user_id": st.bot_user_id,
        "bot_id": st.bot_id,
        "is_enterprise_install": False,
    }


def team_info(st: SlackState, args: JsonDict) -> JsonDict:
    return {
        "team": {
            "id": st.team_id,
            "name": st.team_name,
            "domain": st.team_name.lower(),
            "email_domain": "example.com",
            "enterprise_id": None,
        }
    }


def users_list(st: SlackState, args: JsonDict) -> JsonDict:
    limit = int_arg(args, "limit", 100)
    limit = 100 if limit <= 0 else min(limit, 1000)
    members = list(st.users.values())
    page, next_cursor = paginate(
        members, lambda u: str(u["id"]), limit, opt_str(args, "cursor"), "user"
    )
    include_locale = truthy(args.get("include_locale"))
    return {
        "members": [_public(u, include_locale) for u in page],
        "cache_ts": 1700000000,
        "response_metadata": {"next_cursor": next_cursor},
    }


def users_info(st: SlackState, args: JsonDict) -> JsonDict:
    user = st.users.get(req_str(args, "user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": _public(user, truthy(args.get("include_locale")))}


def users_lookup_by_email(st: SlackState, args: JsonDict) -> JsonDict:
    email = req_str(args, "email", "users_not_found").lower()
    for user in st.users.values():
        if str(user["profile"].get("email", "")).lower() == email:
            return {"user": _public(user, False)}
    raise ApiError("users_not_found")


METHODS = {
    "auth.test": auth_test,
    "team.info": team_info,
    "users.list": users_list,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
}
