"""Slack listeners, one package per cycle; handlers/cycles.py composes them."""
