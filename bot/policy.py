"""Who may do what, where: which guilds may reindex which index, and what DMs may do.

* A guild mapped in ``CITEBOT_GUILD_DOCS`` has its own folder and collection; its admins
  reindex only that index.
* The shared default index (every other guild, and DMs when allowed) is reindexed only from
  the guilds the operator lists in ``CITEBOT_ADMIN_GUILD_IDS`` (or with ``citebot index`` on
  the host): an admin of some other guild the bot was invited to must not be able to empty it.
* /resetfeedback follows the same rule: the shared index's votes move answers in every guild.
* DMs are off by default (``CITEBOT_ALLOW_DMS``); when on, they may ask, list sources and see
  stats of the shared index, never reindex.
"""

from __future__ import annotations

from bot.settings import BotSettings as Settings

DMS_OFF = (
    "I only answer inside servers; direct messages are turned off by the bot's operator."
)
SHARED_INDEX_LOCKED = (
    "This server uses the shared index, which can only be reindexed from the servers the "
    "bot's operator lists in CITEBOT_ADMIN_GUILD_IDS (or with `citebot index` on the host)."
)


SHARED_FEEDBACK_LOCKED = (
    "This server uses the shared index, whose votes count in every server that uses it: they "
    "can only be reset from the servers the bot's operator lists in CITEBOT_ADMIN_GUILD_IDS "
    "(or with `citebot feedback reset` on the host)."
)


def dm_allowed(settings: Settings, guild_id: int | None) -> bool:
    return guild_id is not None or settings.allow_dms


def reindex_refusal(settings: Settings, guild_id: int | None) -> str | None:
    """None if an admin of `guild_id` may reindex the index that guild uses, else why not."""
    if guild_id is None:
        return DMS_OFF if not settings.allow_dms else SHARED_INDEX_LOCKED
    if guild_id in settings.guild_docs:
        return None  # its own folder and collection
    if guild_id in settings.admin_guild_ids:
        return None
    return SHARED_INDEX_LOCKED


def may_reindex(settings: Settings, guild_id: int | None) -> bool:
    """Whether /reindex can be run where `guild_id` is (None: a DM): what a failure's hint
    may suggest there (bot.errors.explain)."""
    return reindex_refusal(settings, guild_id) is None


def feedback_reset_refusal(settings: Settings, guild_id: int | None) -> str | None:
    """None if an admin of `guild_id` may forget the votes of the index that guild uses: the
    votes of the shared index move answers in every guild on it (the rule of /reindex)."""
    if reindex_refusal(settings, guild_id) is None:
        return None
    return SHARED_FEEDBACK_LOCKED if guild_id is not None else DMS_OFF
