"""Modals of the reward cycle: giving kudos and the recognition settings (their outcome is the
shared notice modal, bot/blocks/modals.py).

Block and action ids are constants here because the handlers read the submitted state by them
and map the core's error fields back to them (`response_action: errors`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.modals import modal
from bot.blocks.reward import quote, safe_label
from bot.blocks.text import context, plain, section
from bot.i18n import Translator
from bot.reward.kudos import MAX_MESSAGE, MAX_RECIPIENTS
from bot.reward.settings import MAX_DAILY_CAP, RecognitionSettings
from bot.reward.values import value_name
from storage.kudos import CompanyValue

GIVE_CALLBACK = "reward_give"
SETTINGS_CALLBACK = "reward_settings"
# What the person was doing, also the title of the notice that answers them.
GIVE_TITLE = "reward.modal.title"
SETTINGS_TITLE = "reward.settings.title"

RECIPIENTS_BLOCK, RECIPIENTS_ACTION = "kudos_recipients", "recipients"
VALUE_BLOCK, VALUE_ACTION = "kudos_value", "value"
MESSAGE_BLOCK, MESSAGE_ACTION = "kudos_message", "message"
GIVE_FIELDS = {"recipients": RECIPIENTS_BLOCK, "value": VALUE_BLOCK, "message": MESSAGE_BLOCK}

CHANNEL_BLOCK, CHANNEL_ACTION = "reward_channel", "channel"
CAP_BLOCK, CAP_ACTION = "reward_cap", "cap"
MONTHLY_BLOCK, MONTHLY_ACTION = "reward_monthly", "monthly"
VALUES_BLOCK, VALUES_ACTION = "reward_values", "values"
TYPES_BLOCK, TYPES_ACTION = "reward_types", "types"  # reward nominations (reward_types.py)
SETTINGS_FIELDS = {
    "channel": CHANNEL_BLOCK,
    "daily_cap": CAP_BLOCK,
    "monthly_summary": MONTHLY_BLOCK,
    "values": VALUES_BLOCK,
    "reward_types": TYPES_BLOCK,
}
ABOUT_LIMIT = 300
OPTION_LIMIT = 75


def _option(value: CompanyValue, locale: str) -> dict[str, Any]:
    name = value_name(value, locale)
    text = f"{value.emoji} {name}" if value.emoji else name
    return {"text": plain(text, OPTION_LIMIT), "value": value.key}


def give_modal(
    tr: Translator,
    values: Sequence[CompanyValue],
    *,
    source: str,
    channel: str | None,
    left_today: int,
    recipients: Sequence[str] = (),
    value_key: str | None = None,
    about: str | None = None,
) -> dict[str, Any]:
    """The kudos form; `recipients`/`value_key` pre-fill it, `about` quotes the message a
    shortcut was used on (escaped: someone else typed it)."""
    blocks: list[dict[str, Any]] = []
    if about:
        blocks.append(section(tr("reward.modal.about") + "\n" + quote(about, ABOUT_LIMIT)))
    users: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": RECIPIENTS_ACTION,
        "placeholder": plain(tr("reward.modal.recipients_placeholder"), 150),
        "max_selected_items": MAX_RECIPIENTS,
    }
    if recipients:
        users["initial_users"] = list(recipients)[:MAX_RECIPIENTS]
    blocks.append(
        {
            "type": "input",
            "block_id": RECIPIENTS_BLOCK,
            "label": plain(tr("reward.modal.recipients")),
            "element": users,
        }
    )
    options = [_option(value, tr.locale) for value in values[:100]]
    if options:
        select: dict[str, Any] = {
            "type": "static_select",
            "action_id": VALUE_ACTION,
            "placeholder": plain(tr("reward.modal.value_placeholder"), 150),
            "options": options,
        }
        chosen = next((o for o in options if o["value"] == value_key), None)
        if chosen is not None:
            select["initial_option"] = chosen
        blocks.append(
            {
                "type": "input",
                "block_id": VALUE_BLOCK,
                "label": plain(tr("reward.modal.value")),
                "optional": True,
                "element": select,
            }
        )
    blocks.append(
        {
            "type": "input",
            "block_id": MESSAGE_BLOCK,
            "label": plain(tr("reward.modal.message")),
            "hint": plain(tr("reward.modal.message_hint", max=MAX_MESSAGE)),
            "element": {
                "type": "plain_text_input",
                "action_id": MESSAGE_ACTION,
                "multiline": True,
                "max_length": MAX_MESSAGE,
                "placeholder": plain(tr("reward.modal.message_placeholder"), 150),
            },
        }
    )
    where = (
        tr("reward.modal.channel_note", channel=f"<#{channel}>")
        if channel
        else tr("reward.modal.no_channel_note")
    )
    blocks.append(context(where, tr("reward.usage.left", count=left_today)))
    return modal(
        tr,
        GIVE_TITLE,
        blocks,
        callback_id=GIVE_CALLBACK,
        submit_key="reward.modal.submit",
        metadata={"source": source},
    )


def _lines_input(block_id: str, action_id: str, label: str, hint: str, text: str) -> dict[str, Any]:
    """A list an admin edits one line at a time (company values, reward types)."""
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "hint": plain(hint),
        "element": {
            "type": "plain_text_input",
            "action_id": action_id,
            "multiline": True,
            "max_length": 3000,
            "initial_value": text[:3000],
        },
    }


def settings_modal(
    tr: Translator,
    settings: RecognitionSettings,
    values_text: str,
    values: Sequence[CompanyValue],
    types_text: str | None = None,
) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "type": "channels_select",
        "action_id": CHANNEL_ACTION,
        "placeholder": plain(tr("reward.settings.channel_placeholder"), 150),
    }
    if settings.channel:
        channel["initial_channel"] = settings.channel
    monthly_option = {"text": plain(tr("reward.settings.monthly_option"), 75), "value": "on"}
    monthly: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": MONTHLY_ACTION,
        "options": [monthly_option],
    }
    if settings.monthly_summary:
        monthly["initial_options"] = [monthly_option]
    current = " · ".join(f"`#{v.key}` {safe_label(v, tr.locale)}" for v in values if v.active)
    blocks: list[dict[str, Any]] = [
        section(tr("reward.settings.intro")),
        {
            "type": "input",
            "block_id": CHANNEL_BLOCK,
            "optional": True,
            "label": plain(tr("reward.settings.channel")),
            "hint": plain(tr("reward.settings.channel_hint")),
            "element": channel,
        },
        {
            "type": "input",
            "block_id": CAP_BLOCK,
            "label": plain(tr("reward.settings.cap")),
            "element": {
                "type": "number_input",
                "action_id": CAP_ACTION,
                "is_decimal_allowed": False,
                "min_value": "1",
                "max_value": str(MAX_DAILY_CAP),
                "initial_value": str(settings.daily_cap),
            },
        },
        {
            "type": "input",
            "block_id": MONTHLY_BLOCK,
            "optional": True,
            "label": plain(tr("reward.settings.monthly")),
            "element": monthly,
        },
        _lines_input(
            VALUES_BLOCK,
            VALUES_ACTION,
            tr("reward.settings.values"),
            tr("reward.settings.values_hint"),
            values_text,
        ),
        context(tr("reward.settings.values_now", values=current)),
    ]
    if types_text is not None:  # the reward types of nominations, `key | English | Indonesia`
        blocks.append(
            _lines_input(
                TYPES_BLOCK,
                TYPES_ACTION,
                tr("nominations.settings.types"),
                tr("nominations.settings.types_hint"),
                types_text,
            )
        )
    return modal(
        tr,
        SETTINGS_TITLE,
        blocks,
        callback_id=SETTINGS_CALLBACK,
        submit_key="reward.settings.submit",
    )
