"""Settings from the environment (and a `.env` file): every variable the server reads, in one model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal, cast

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Mode = Literal["gateway", "direct", "unconfigured"]


class Settings(BaseSettings):
    """Every variable is optional: without credentials the server still starts and says what to set."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    maton_api_key: SecretStr | None = Field(None, description="Maton gateway key")
    maton_connection: str | None = Field(None, description="Maton-Connection id; default: the oldest active")
    maton_gateway_url: str = "https://gateway.maton.ai"
    maton_ctrl_url: str = "https://ctrl.maton.ai"
    calendly_api_token: SecretStr | None = Field(None, description="Calendly personal access token")
    calendly_api_url: str = "https://api.calendly.com"
    calendly_mcp_read_only: bool = False
    # Toolset names as given; the tool registry knows which exist (and what `default` and `all` mean).
    calendly_mcp_toolsets: Annotated[tuple[str, ...], NoDecode] = ("default",)
    calendly_mcp_auth_token: SecretStr | None = None
    calendly_mcp_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    calendly_availability_max_days: int = Field(7, ge=1, le=31)
    calendly_mcp_timeout: float = Field(20.0, gt=0, le=300, description="seconds per upstream request")
    # The booking record; None: the default file in the user's data directory (calendly_mcp.database).
    calendly_mcp_database_url: str | None = Field(None, description="sqlite:///path of the booking record")

    @field_validator("calendly_mcp_toolsets", "calendly_mcp_allowed_hosts", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, tuple | list):
            return tuple(str(n).strip() for n in cast(Iterable[object], value))
        raise ValueError("give a comma-separated list")

    @field_validator("maton_gateway_url", "maton_ctrl_url", "calendly_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("calendly_mcp_database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        # The value is never echoed back: a database URL may carry a password.
        value = (value or "").strip()
        if not value:
            return None
        scheme = value.split(":", 1)[0].split("+", 1)[0].lower()
        if scheme in ("postgresql", "postgres"):
            raise ValueError(
                "PostgreSQL is not supported yet; use sqlite:///path/to/file.sqlite3, or unset it for the default file"
            )
        rest = value[len(scheme) :]
        # sqlite:///relative, sqlite:////absolute, or sqlite:// (in memory): a host part means nothing here.
        if scheme != "sqlite" or not rest.startswith("://") or rest[3:4] not in ("", "/"):
            raise ValueError("give a sqlite:///path/to/file.sqlite3 URL, or unset it for the default file")
        return value

    @property
    def mode(self) -> Mode:
        # With both credentials set, the Calendly token wins: it is the more specific choice.
        if self.calendly_api_token is not None and self.calendly_api_token.get_secret_value():
            return "direct"
        if self.maton_api_key is not None and self.maton_api_key.get_secret_value():
            return "gateway"
        return "unconfigured"
