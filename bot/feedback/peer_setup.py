"""What HR chooses for peer feedback (360) when opening a review cycle, and its checks: pure,
shared by the cycle modal, `kinerja review open` and the core (bot/feedback/peers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MAX_PEERS = 5
DEFAULT_PEERS = 3


@dataclass
class PeerSetupInput:
    """What HR chose when opening a cycle (the cycle modal, `kinerja review open`)."""

    enabled: bool = False
    peers: int = DEFAULT_PEERS
    due: date | None = None  # None: the self-review's due date
    share: bool = False


def peer_setup_errors(
    setup: PeerSetupInput, *, self_due: date | None, manager_due: date | None, today: date
) -> dict[str, str]:
    """Problems by field ("peer_count", "peer_due") as i18n keys; {} when fine or off. The
    peers answer before the manager writes, so by the manager review's due date at the
    latest."""
    if not setup.enabled:
        return {}
    errors: dict[str, str] = {}
    if not 1 <= setup.peers <= MAX_PEERS:
        errors["peer_count"] = "feedback.peers.error.count"
    due = setup.due or self_due
    if due is not None and due < today:
        errors["peer_due"] = "feedback.peers.error.due_past"
    elif due is not None and manager_due is not None and due > manager_due:
        errors["peer_due"] = "feedback.peers.error.due_late"
    return errors
