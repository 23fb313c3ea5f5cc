"""Everything the listeners and the tests call in the 1:1 cycle, in one place (the package's
own face stays light: see bot/oneonone/__init__.py)."""


from bot.oneonone.errors import Invalid, NotFound, OneOnOneError, Refused
from bot.oneonone.meetings import (
    add_action_item,
    add_talking_point,
    complete_action_item,
    get_meeting,
    item_form,
    mark_held,
    meeting_for_points,
    notes_form,
    save_notes,
    skip_meeting,
)
from bot.oneonone.rules import Side, manages
from bot.oneonone.series import (
    SeriesInput,
    answer_proposal,
    end,
    get_series,
    pause,
    propose,
    report_of,
    resume,
    series_between,
    series_form,
    set_up,
    skip_next,
)

__all__ = [
    "Invalid",
    "NotFound",
    "OneOnOneError",
    "Refused",
    "SeriesInput",
    "Side",
    "add_action_item",
    "add_talking_point",
    "answer_proposal",
    "complete_action_item",
    "end",
    "get_meeting",
    "get_series",
    "item_form",
    "manages",
    "mark_held",
    "meeting_for_points",
    "notes_form",
    "pause",
    "propose",
    "report_of",
    "resume",
    "save_notes",
    "series_between",
    "series_form",
    "set_up",
    "skip_meeting",
    "skip_next",
]
