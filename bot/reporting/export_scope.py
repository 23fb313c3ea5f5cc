"""What an export may hold, decided by the same rules as the screens.

Two scopes, and no third:

- **HR's export** (`/kinerja export` in Slack, for HR and admins; `kinerja export` on the
  server by default): counts, statuses, dates and ratings of submitted reviews. Check-in
  answers (mood, wins, support, plans) belong to the person and their manager, so no column of
  them is written; an obstacle's text only once it was escalated to HR (whom the monitoring
  rules then let act on it); review answers stay with the employee and their manager, and a
  rating is written only once its part of the review was submitted. Goal titles and
  descriptions follow the planning rules (bot/planning/rules.visible_clause: company and team
  goals, one's own, one's reports', those one approves; admins every goal), and a draft is its
  writer's alone. Nominations follow the reward rules (never one about the exporter before it
  is announced to them). Kudos are public by nature and go as they are. Feedback between
  people goes as who, whom, when and who may read it, never what was written (nor what a
  request asked); anonymous upward rounds as counts of invited and answered people only
  (bot/reporting/export_feedback.py).
- **Everything stored** (`kinerja export --include-private-text`, the server operator only):
  every column of every record, drafts and private answers included.

Managers have no export: their screens already show their reports' check-ins, one at a time,
where they answer them, and `/kinerja report` gives their team's figures. A file of everyone's
answers is a copy that outlives the conversation it belonged to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, null, or_

from bot.permissions import Action, require
from bot.planning.rules import visible_clause as goals_visible
from bot.reward.nominations import visible_clause as nominations_visible
from storage.checkins import Obstacle
from storage.goals import Goal, GoalStatus
from storage.models import Employee, Role
from storage.nominations import Nomination
from storage.reviews import Review

NOBODY = 0  # no employee has id 0: the operator's reader relates to no goal or nomination


@dataclass(frozen=True)
class ExportScope:
    """`reader`: whose screen rules choose goal text and nominations; `private_text`: the
    operator's export of everything stored."""

    team_id: str
    reader: Employee
    private_text: bool = False

    @classmethod
    def for_person(cls, actor: Employee) -> ExportScope:
        """HR's export from Slack: HR and admins only (PermissionDenied otherwise)."""
        require(actor, Action.EXPORT_DATA)
        return cls(actor.team_id, actor)

    @classmethod
    def for_operator(cls, team_id: str, *, private_text: bool) -> ExportScope:
        """`kinerja export`: what an HR person with no reports of their own gets, or, with
        `private_text`, everything stored."""
        reader = Employee(
            id=NOBODY, team_id=team_id, slack_id="", name="", role=Role.HR.value, active=True
        )
        return cls(team_id, reader, private_text)

    @property
    def name(self) -> str:
        """As recorded in the audit log."""
        return "everything" if self.private_text else "hr"

    # -------------------------------------------------------------------- SQL pieces

    def only(self, allowed: ColumnElement[bool], column: Any) -> Any:
        """`column` where `allowed`, else empty; the whole column in the operator's export."""
        if self.private_text:
            return column
        return case((allowed, column), else_=null())

    def goal_text(self) -> ColumnElement[bool]:
        """A goal's title, description and key-result titles: goals the reader may open,
        never someone else's draft."""
        not_a_draft = or_(Goal.status != GoalStatus.DRAFT.value, Goal.owner_id == self.reader.id)
        return and_(goals_visible(self.reader), not_a_draft)

    @staticmethod
    def obstacle_text() -> ColumnElement[bool]:
        """Escalated to HR (bot/monitoring/rules.require_obstacle_change lets HR act on it)."""
        return Obstacle.escalated_at.is_not(None)

    @staticmethod
    def self_review_submitted() -> ColumnElement[bool]:
        return Review.self_submitted_at.is_not(None)

    @staticmethod
    def manager_review_submitted() -> ColumnElement[bool]:
        return Review.manager_submitted_at.is_not(None)

    def nominations(self) -> ColumnElement[bool]:
        if self.private_text:
            return Nomination.team_id == self.team_id
        return and_(Nomination.team_id == self.team_id, nominations_visible(self.reader))
