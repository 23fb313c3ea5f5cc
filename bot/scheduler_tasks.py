"""Imports each cycle's scheduled work so it registers in bot.scheduler.TICK_TASKS.

`tick` imports this module before its first pass; a cycle adds one import line here.
"""
