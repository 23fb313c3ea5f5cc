"""The Feedback cycle's core: feedback given between reviews, requests for feedback, peer
feedback (360) in review cycles, and anonymous upward rounds about managers.

No Slack here. Functions take a session, the acting employee and `now`; they check who may do
what (bot/permissions.py for the role, bot/feedback/rules.py for the relation), raise
FeedbackRejected / FeedbackConflict / FeedbackNotFound / PermissionDenied, and write the
messages a change causes to the outbox in the caller's transaction (bot/feedback/notify.py).
Scheduled work (expiry, reminders, 360 invitations, closing rounds) is in bot/feedback/tasks.py.

This package imports none of its modules here, so a module of another cycle that needs one
piece (review evidence: bot/feedback/evidence.py) loads only that piece.
"""
