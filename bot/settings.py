"""Discord settings: the library settings plus what only the bot needs (same environment and
`.env`, prefix CITEBOT_, except DISCORD_TOKEN)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator

from retrieval.settings import Settings


class BotSettings(Settings):
    discord_token: SecretStr | None = Field(
        None, validation_alias="DISCORD_TOKEN", description="Bot token (secret)"
    )
    dev_guild_id: int | None = Field(None, description="Sync slash commands to this guild only")
    admin_role_ids: list[int] = Field(default_factory=list, description="Roles allowed /reindex")
    admin_guild_ids: list[int] = Field(
        default_factory=list,
        description="Guilds whose admins may /reindex the shared default index",
    )
    allow_dms: bool = Field(
        False, description="Answer /ask, /sources, /stats and buttons in DMs (shared index)"
    )
    answer_channel_ids: list[int] = Field(
        default_factory=list, description="Channels where every message is answered"
    )
    answer_in_thread: bool = Field(False, description="Answer mentions in a new thread")
    help_forum_ids: list[int] = Field(
        default_factory=list,
        description="Forum channels whose new posts are answered from their title and text",
    )
    help_forum_no_answer: str = Field(
        "", max_length=2000,
        description="Note posted in a help-forum post the documents don't cover ('' = none)",
    )
    help_forum_answered_tag: str = Field(
        "", max_length=20,
        description="Forum tag applied to a help-forum post when its author (or a member "
        "with Manage Threads) votes its answer 👍 ('' = none; the bot needs Manage Threads)",
    )
    cooldown_seconds: float = Field(
        5.0, ge=0, description="Per-user cooldown on /ask and mentions"
    )
    button_cooldown_seconds: float = Field(
        2.0, ge=0, description="Per-user cooldown on each kind of answer button"
    )
    max_concurrent_searches: int = Field(
        0, ge=0, description="Answer workers (questions computed at once); 0 = one per CPU core"
    )
    answer_queue: int = Field(
        500, ge=1, description="Questions that may wait for a worker; more are asked to retry"
    )
    guild_docs: dict[int, Path] = Field(
        default_factory=dict, description="JSON map guild id -> its own docs folder"
    )
    guild_source_urls: dict[int, str] = Field(
        default_factory=dict,
        description="JSON map guild id -> link template for that guild's own docs folder",
    )
    shard_count: int | None = Field(None, ge=0, description="Set to shard; 0 = auto-shard")
    message_content_intent: bool = Field(
        True, description="Request the privileged message-content intent (mention answers)"
    )

    @field_validator("guild_source_urls")
    @classmethod
    def _check_guild_source_urls(cls, v: dict[int, str]) -> dict[int, str]:
        from retrieval.links import check_template

        return {g: check_template(t) for g, t in v.items()}

    def has_token(self) -> bool:
        return bool(self.discord_token and self.discord_token.get_secret_value().strip())

    def for_guild(self, guild_id: int | None) -> BotSettings:
        """Settings for one guild: its own docs folder and collection when mapped."""
        if guild_id is None or guild_id not in self.guild_docs:
            return self
        return self.model_copy(
            update={
                "docs_dir": self.guild_docs[guild_id],
                "collection": f"{self.collection}-g{guild_id}",
                # the default template points into the default folder: never reuse it here
                "source_url": self.guild_source_urls.get(guild_id),
            }
        )


@lru_cache(maxsize=1)
def get_bot_settings() -> BotSettings:
    return BotSettings()
