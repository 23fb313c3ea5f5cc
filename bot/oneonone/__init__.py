"""The 1:1 cycle's core: a manager's series with each report, agendas built from the
check-ins, talking points, shared and private notes, action items that carry over.

No Slack here. Functions take a session, the acting employee, the settings and `now`; they
enforce who may do what (bot/permissions.py, bot/oneonone/rules.py), raise Invalid / Refused /
NotFound / PermissionDenied, and write outbox messages in the caller's transaction. The
scheduled work is in bot/oneonone/tasks.py; other cycles read `counts` (digests), `evidence`
(reviews) and `erasure` (personal data).

This package's face is light on purpose (only its errors): Block Kit modules import pure
helpers of its submodules, and a face that imported the notify modules would load them in a
circle. Import what you need from the submodule that defines it.
"""

from bot.oneonone.errors import Invalid, NotFound, OneOnOneError, Refused

__all__ = ["Invalid", "NotFound", "OneOnOneError", "Refused"]
