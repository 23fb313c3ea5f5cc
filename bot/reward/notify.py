"""Where a kudos is announced: the recognition channel (if set) and each recipient's DM.

Called by give_kudos inside its transaction: the outbox rows commit or roll back with the
kudos. Keys are per (kudos, destination), so a retried request never posts twice. The public
post goes out at once (the giver is watching); a DM waits for the recipient's working hours
(DESIGN.md principle 9), so a kudos given late in Jakarta does not buzz a phone at night.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.blocks.reward import kudos_dm, kudos_post
from bot.clock import zone_of
from bot.i18n import Translator, translators
from bot.org.channels import reroute_marker
from bot.outbox import post_message
from storage.kudos import Kudos


def channel_key(kudos_id: int) -> str:
    return f"kudos:{kudos_id}:channel"


def dm_key(kudos_id: int, employee_id: int) -> str:
    return f"kudos:{kudos_id}:dm:{employee_id}"


WORKDAY_START = time(8, 0)
WORKDAY_END = time(18, 0)


def working_moment(tz: str | None, org_tz: str, now: datetime) -> datetime:
    """`now` when it is a weekday between 08:00 and 18:00 in the zone, else the next 08:00
    of a weekday. (Public holidays are not known per person; a DM on one is harmless.)"""
    zone = zone_of(tz, org_tz)
    local = now.astimezone(zone)
    if local.weekday() < 5 and WORKDAY_START <= local.time() < WORKDAY_END:
        return now
    day = local.date() if local.time() < WORKDAY_START else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, WORKDAY_START, tzinfo=zone)


def announce_kudos(
    session: Session,
    kudos: Kudos,
    *,
    channel: str | None,
    org_locale: str,
    org_tz: str,
    now: datetime,
) -> None:
    """The channel post in the organisation's language, each DM in its recipient's."""
    if channel:
        post_message(
            session,
            team_id=kudos.team_id,
            key=channel_key(kudos.id),
            message={
                **kudos_post(Translator(org_locale), kudos),
                # refused by the channel (private and Kinerja not invited, archived): HR is
                # told what to do; the recipients still get their DMs below
                **reroute_marker("kudos", locale=org_locale, tz=org_tz),
            },
            now=now,
            channel=channel,
        )
    tr_for = translators(org_locale)
    for recipient in kudos.recipients:
        person = recipient.employee
        post_message(
            session,
            team_id=kudos.team_id,
            key=dm_key(kudos.id, person.id),
            message=kudos_dm(tr_for(person), kudos, person.id),
            now=now,
            channel=person.slack_id,
            not_before=working_moment(person.tz, org_tz, now),
        )
