"""Who may do what. Every check lives here, in the core, so it is tested once as a matrix
and no handler can forget it."""

from __future__ import annotations

from enum import StrEnum

from storage.models import Employee, Role


class Action(StrEnum):
    VIEW_HELP = "view_help"
    VIEW_OWN_PROFILE = "view_own_profile"
    VIEW_ORG_SUMMARY = "view_org_summary"
    CONFIGURE_ORG = "configure_org"


_EVERYONE = frozenset({Action.VIEW_HELP, Action.VIEW_OWN_PROFILE})
_HR = _EVERYONE | {Action.VIEW_ORG_SUMMARY}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.EMPLOYEE: _EVERYONE,
    Role.MANAGER: _EVERYONE,
    Role.HR: _HR,
    Role.ADMIN: _HR | {Action.CONFIGURE_ORG},
}


class PermissionDenied(Exception):
    """Raised by the core; handlers turn it into a polite message in the person's language."""

    def __init__(self, action: Action) -> None:
        super().__init__(action.value)
        self.action = action


def role_of(employee: Employee | None) -> Role:
    """Someone Kinerja does not know yet (not synced) gets the least privilege."""
    if employee is None or not employee.active:
        return Role.EMPLOYEE
    try:
        return Role(employee.role)
    except ValueError:
        return Role.EMPLOYEE


def can(employee: Employee | None, action: Action) -> bool:
    return action in ROLE_ACTIONS[role_of(employee)]


def require(employee: Employee | None, action: Action) -> None:
    if not can(employee, action):
        raise PermissionDenied(action)
