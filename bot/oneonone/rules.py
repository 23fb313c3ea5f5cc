"""Who may do what in a 1:1 — the relations on top of the role matrix in bot/permissions.py.

A series belongs to a pair: the manager who set it up and their direct report. Only those two
ever read or change anything in it (talking points, shared notes, action items); each one's
private notes are theirs alone (nothing here returns another person's). Setting a series up
needs the reporting line as it is now; changing, pausing and ending it is the manager's, and
proposing another time the report's. A button's value is untrusted, so every path from a
listener ends here, and someone outside the pair is told the series does not exist.
"""

from __future__ import annotations

from enum import StrEnum

from bot.oneonone.errors import NotFound, Refused
from bot.permissions import Action, require
from storage.models import Employee
from storage.oneonones import OneOnOneSeries


class Side(StrEnum):
    MANAGER = "manager"
    REPORT = "report"


def manages(manager: Employee, report: Employee) -> bool:
    """`manager` is `report`'s manager of record now, and both are active colleagues."""
    return (
        manager.team_id == report.team_id
        and manager.id != report.id
        and report.manager_id == manager.id
        and manager.active
        and report.active
    )


def require_can_set_up(actor: Employee, report: Employee) -> None:
    require(actor, Action.HOLD_ONE_ON_ONE)
    if not manages(actor, report):
        raise Refused("oneonone.error.not_your_report")


def side_of(actor: Employee, series: OneOnOneSeries) -> Side | None:
    if actor.team_id != series.team_id:
        return None
    if actor.id == series.manager_id:
        return Side.MANAGER
    if actor.id == series.employee_id:
        return Side.REPORT
    return None


def require_participant(actor: Employee, series: OneOnOneSeries) -> Side:
    """The actor's side of the series; NotFound for anyone else (HR and admins included)."""
    require(actor, Action.HOLD_ONE_ON_ONE)
    side = side_of(actor, series)
    if side is None:
        raise NotFound(series.id)
    return side


def require_manager_side(actor: Employee, series: OneOnOneSeries) -> None:
    """Changing, pausing or ending a series: its manager, while the report still reports to
    them (after a reorganisation the new manager sets up their own)."""
    if require_participant(actor, series) is not Side.MANAGER:
        raise Refused("oneonone.error.manager_only")
    if not pair_holds(series):
        raise Refused("oneonone.error.pair_changed")


def require_report_side(actor: Employee, series: OneOnOneSeries) -> None:
    if require_participant(actor, series) is not Side.REPORT:
        raise Refused("oneonone.error.report_only")


def pair_holds(series: OneOnOneSeries) -> bool:
    """The series' report still reports to its manager, and both are active."""
    return manages(series.manager, series.employee)


def other_side(series: OneOnOneSeries, actor: Employee) -> Employee:
    return series.employee if actor.id == series.manager_id else series.manager
