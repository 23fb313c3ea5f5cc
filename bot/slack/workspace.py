"""The workspace a bot token serves, as Slack tells it (`auth.test`), recorded once."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot.slack.services import Services
from storage.models import Workspace

log = logging.getLogger(__name__)


def register_workspace(services: Services) -> Workspace:
    """Ask Slack who we are (auth.test) and record the workspace this token serves."""
    identity = services.client.auth_test()
    team_id = str(identity["team_id"])
    with services.db.session() as session:
        workspace = session.scalar(select(Workspace).where(Workspace.team_id == team_id))
        if workspace is None:
            workspace = Workspace(team_id=team_id, created_at=services.clock.now())
            session.add(workspace)
        workspace.name = str(identity.get("team") or "")
        workspace.bot_user_id = identity.get("user_id")
        workspace.enterprise_id = identity.get("enterprise_id")
    log.info("serving workspace %s (%s)", team_id, workspace.name)
    return workspace
