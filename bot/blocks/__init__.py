"""Block Kit rendering: the one place messages, modals and App Home views are built.

Handlers and the scheduler both import from here; nothing here talks to Slack or the database.
"""
