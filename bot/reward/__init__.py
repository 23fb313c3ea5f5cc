"""The reward cycle (penghargaan): kudos tied to the organisation's values, all year long.

Other cycles read recognition through these modules (import them directly; this package file
stays empty so the Block Kit renderers can import `bot.reward.values` without a cycle):

- `bot.reward.kudos`: `give_kudos`, `kudos_received` (review evidence, App Home),
  `kudos_counts_by_value` (the digest), `received_by_value`;
- `bot.reward.summary`: `monthly_summary`, `MonthlySummary` and the monthly tick task;
- `bot.reward.values`, `bot.reward.settings`: the organisation's values and settings;
- `bot.reward.errors`: `KudosRejected`, `SettingsRejected`.

- `bot.reward.nominations`: reward nominations after an approved review, decided by HR
  (`nominate`, `decide_nomination`, `announce_nomination`, `pending_nominations` for the digest,
  `nominations_of`); `bot.reward.reward_types`: the configurable reward types.
"""
