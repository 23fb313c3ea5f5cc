"""Answers to `/kinerja me` and `/kinerja org`."""

from __future__ import annotations

from typing import Any

from bot.blocks.text import context, escape, header, section
from bot.i18n import Translator
from bot.org.overview import OrgSummary, Profile


def profile_message(tr: Translator, profile: Profile) -> dict[str, Any]:
    manager = f"<@{profile.manager_slack_id}>" if profile.manager_slack_id else tr("me.no_manager")
    team = escape(profile.team_name) if profile.team_name else tr("me.no_team")
    lines = [
        tr("me.role", role=tr(f"role.{profile.role}")),
        tr("me.manager", manager=manager),
        tr("me.team", team=team),
        tr("me.timezone", tz=escape(profile.tz or tr("me.unknown_tz"))),
        tr("me.reports", count=profile.direct_reports),
    ]
    blocks = [header(tr("me.title")), section("\n".join(lines))]
    if profile.manager_slack_id is None:
        blocks.append(context(tr("me.no_manager_hint")))
    return {"response_type": "ephemeral", "text": tr("me.title"), "blocks": blocks}


def org_message(tr: Translator, summary: OrgSummary) -> dict[str, Any]:
    roles = ", ".join(
        f"{tr(f'role.{role}')}: {count}" for role, count in sorted(summary.by_role.items())
    )
    lines = [
        tr("org.active", count=summary.active),
        tr("org.inactive", count=summary.inactive),
        tr("org.without_manager", count=summary.without_manager),
        tr("org.teams", count=summary.teams),
        tr("org.roles", roles=roles or "-"),
    ]
    blocks = [header(tr("org.title")), section("\n".join(lines)), context(tr("org.hint"))]
    return {"response_type": "ephemeral", "text": tr("org.title"), "blocks": blocks}
