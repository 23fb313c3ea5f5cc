"""Kinerja: performance management that runs inside Slack."""

__version__ = "0.1.0"
