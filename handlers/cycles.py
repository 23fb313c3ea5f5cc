"""The cycles Kinerja is made of. Their order is the order of help, of the App Home's
sections and of the scheduler's tasks; a new cycle is one more line here."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.services import Services
from bot.ticks import TickTask
from handlers import (
    commands,
    feedback,
    home,
    middleware,
    monitoring,
    oneonone,
    payload_guard,
    people,
    planning,
    prompt_ack,
    reporting,
    review,
    reward,
)
from handlers.commands import Catalog
from handlers.cycle import Cycle
from handlers.home import AppHome
from handlers.toolkit import provide_services

__all__ = ["CYCLES", "TICK_TASKS", "Cycle", "catalog", "app_home", "register_listeners"]

CYCLES: tuple[Cycle, ...] = (
    people.CYCLE,
    planning.CYCLE,
    monitoring.CYCLE,
    oneonone.CYCLE,
    review.CYCLE,
    reward.CYCLE,
    feedback.CYCLE,
    reporting.CYCLE,
)


def catalog(cycles: tuple[Cycle, ...] = CYCLES) -> Catalog:
    return Catalog(command for cycle in cycles for command in cycle.subcommands)


def app_home(cycles: tuple[Cycle, ...] = CYCLES) -> AppHome:
    return AppHome(cycle.home for cycle in cycles if cycle.home is not None)


def tick_tasks(cycles: tuple[Cycle, ...] = CYCLES) -> tuple[TickTask, ...]:
    return tuple(task for cycle in cycles for task in cycle.tick_tasks)


TICK_TASKS = tick_tasks()


def register_listeners(app: App, services: Services, cycles: tuple[Cycle, ...] = CYCLES) -> None:
    """The request-wide guards first (a fast ack, then no malformed id, no foreign workspace,
    no replay gets further), then the command router and the App Home, then each cycle's own
    listeners. The Home is built from the cycles' sections, so it goes on `services`."""
    routed = catalog(cycles)
    services.home = app_home(cycles)
    prompt_ack.register(app)
    provide_services(app, services)
    payload_guard.register(app)  # before anything looks an id up
    middleware.register(app, services, routed)
    commands.register(app, services, routed)
    home.register(app, services)
    for cycle in cycles:
        if cycle.listeners is not None:
            cycle.listeners(app, services)
