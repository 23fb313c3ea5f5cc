"""`kinerja review open --peers N [--peers-due DAY] [--peers-shared]`: peer feedback (360) for
a cycle opened from the command line, checked like the Slack modal's (bot/feedback)."""

from __future__ import annotations

import argparse
from datetime import date

from bot.feedback.peer_setup import DEFAULT_PEERS, MAX_PEERS, PeerSetupInput, peer_setup_errors
from bot.i18n import t
from bot.shell.cli.common import CliError

FLAGS = {"peer_count": "--peers", "peer_due": "--peers-due"}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-12-31") from None


def add_peer_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--peers",
        type=int,
        metavar="N",
        help=f"peer feedback (360): each person proposes N peers (1–{MAX_PEERS}), "
        "their manager approves the list in their group DM, and the answers join the review",
    )
    parser.add_argument(
        "--peers-due", type=_day, help="peers answer by this day (default: the self-review's)"
    )
    parser.add_argument(
        "--peers-shared",
        action="store_true",
        help="the employee reads the peers' answers too (default: only the manager)",
    )


def peer_setup_from(
    args: argparse.Namespace, *, self_due: date | None, manager_due: date | None, today: date
) -> PeerSetupInput:
    """The options as a setup; CliError (nothing created) when they cannot work."""
    enabled = args.peers is not None
    if not enabled and (args.peers_due is not None or args.peers_shared):
        raise CliError("--peers-due and --peers-shared need --peers N")
    setup = PeerSetupInput(
        enabled=enabled,
        peers=args.peers if enabled else DEFAULT_PEERS,
        due=args.peers_due,
        share=bool(args.peers_shared),
    )
    errors = peer_setup_errors(setup, self_due=self_due, manager_due=manager_due, today=today)
    if errors:
        problems = "; ".join(f"{FLAGS[field]}: {t('en', key)}" for field, key in errors.items())
        raise CliError(f"review cycle not created: {problems}")
    return setup
