"""Typed settings read from the environment (NOTES_*) by pydantic-settings."""
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


# region settings
class Settings(BaseSettings):
    """NOTES_MAX_NOTES=500 in the environment sets max_notes to 500."""

    model_config = SettingsConfigDict(env_prefix="NOTES_", frozen=True)

    app_name: str = "notes"
    max_notes: int = Field(default=1000, ge=1, le=100_000)
    # Bodies above this are refused with 413 before they are read whole.
    max_body_bytes: int = Field(default=128 * 1024, ge=1024, le=10 * 2**20)
    # Interactive docs only where someone asked for them (development).
    docs_enabled: bool = False
# endregion settings
