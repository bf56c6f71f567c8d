"""Settings from the environment (and a `.env` file): every variable the server reads, in one model."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal, cast, get_args

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Mode = Literal["gateway", "direct", "unconfigured"]
UNFILLED = re.compile(r"\$\{user_config\.[\w.-]+\}")


class Settings(BaseSettings):
    """Every variable is optional: without credentials the server still starts and says what to set."""

    # env_ignore_empty: a variable set to "" is unset (a desktop host writes "" for an optional field).
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=False, env_ignore_empty=True
    )

    # Each description is what `calendly-mcp --help`, server.json and the .mcpb manifest say of the variable.
    maton_api_key: SecretStr | None = Field(None, description="Maton gateway key (gateway mode)")
    maton_connection: str | None = Field(
        None, description="Maton connection id sent as Maton-Connection; default: the oldest active one"
    )
    maton_gateway_url: str = Field("https://gateway.maton.ai", description="Maton gateway base URL")
    maton_ctrl_url: str = Field("https://ctrl.maton.ai", description="Maton connection-management base URL")
    calendly_api_token: SecretStr | None = Field(
        None, description="Calendly personal access token (direct mode; wins over MATON_API_KEY)"
    )
    calendly_api_url: str = Field(
        "https://api.calendly.com", description="Calendly API base URL (direct mode)"
    )
    calendly_mcp_read_only: bool = Field(False, description="expose only tools that change nothing")
    # Toolset names as given; the tool registry knows which exist (and what `default` and `all` mean).
    calendly_mcp_toolsets: Annotated[tuple[str, ...], NoDecode] = Field(
        ("default",), description="comma list of toolsets to expose: names, default, all"
    )
    calendly_mcp_auth_token: SecretStr | None = Field(
        None, description="bearer token every HTTP-transport request must carry"
    )
    calendly_mcp_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        (), description="comma list of Host names HTTP clients use, off loopback"
    )
    calendly_mcp_max_sessions: int = Field(
        100, ge=1, le=10000, description="HTTP sessions of older-protocol clients open at once, at most"
    )
    calendly_mcp_session_idle_seconds: float = Field(
        120.0, gt=0, le=86400, description="seconds an idle older-protocol HTTP session is kept"
    )
    calendly_mcp_slow_request_seconds: float = Field(
        15.0, gt=0, le=600, description="seconds an HTTP request's headers, and then its body, may take"
    )
    calendly_availability_max_days: int = Field(
        7, ge=1, le=31, description="days per available-times call (1-31)"
    )
    calendly_mcp_timeout: float = Field(
        20.0, gt=0, le=300, description="seconds to wait for each upstream answer"
    )
    calendly_mcp_confirm: Literal["elicit", "off"] = Field(
        "elicit",
        description="elicit: bookings, cancellations and deletions ask the user first where the client can; off: never ask",
    )
    # The booking record and the webhook inbox; None: the default file in the user's data directory
    # (calendly_mcp.database).
    calendly_mcp_database_url: str | None = Field(
        None,
        description="where the inbox and booking records live: sqlite:///path or postgresql://; "
        "default: a file in the user's data directory",
    )
    calendly_mcp_public_url: str | None = Field(
        None,
        description="the address Calendly reaches this server's webhook inbox at (https://mcp.example.com)",
    )

    @model_validator(mode="before")
    @classmethod
    def _drop_unfilled_placeholders(cls, data: object) -> object:
        """A value that is still a desktop host's placeholder (`${user_config.maton_api_key}`, what an
        .mcpb host may pass through for an optional field left empty) is no value."""
        if isinstance(data, dict):
            items = cast(dict[str, object], data).items()
            return {k: v for k, v in items if not (isinstance(v, str) and UNFILLED.fullmatch(v.strip()))}
        return data

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
        scheme = value.split(":", 1)[0].lower()
        rest = value[len(scheme) :]
        if scheme in ("postgresql", "postgres"):
            if not rest.startswith("://"):
                raise ValueError("give a postgresql://user:password@host:port/database URL")
            import importlib.util

            if importlib.util.find_spec("psycopg") is None:
                raise ValueError(
                    "a PostgreSQL database needs the psycopg driver: pip install 'calendly-mcp-server[postgres]'"
                )
            return value
        # sqlite:///relative, sqlite:////absolute, or sqlite:// (in memory): a host part means nothing here.
        if scheme != "sqlite" or not rest.startswith("://") or rest[3:4] not in ("", "/"):
            raise ValueError(
                "give a sqlite:///path/to/file.sqlite3 or postgresql://user:password@host/database URL, "
                "or unset it for the default file"
            )
        return value

    @field_validator("calendly_mcp_public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        value = (value or "").strip().rstrip("/")
        if not value:
            return None
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("give the server's public base URL, e.g. https://mcp.example.com")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("give the server's public base URL alone: no query, fragment or user")
        return value

    @property
    def mode(self) -> Mode:
        # With both credentials set, the Calendly token wins: it is the more specific choice.
        if self.calendly_api_token is not None and self.calendly_api_token.get_secret_value():
            return "direct"
        if self.maton_api_key is not None and self.maton_api_key.get_secret_value():
            return "gateway"
        return "unconfigured"


@dataclass(frozen=True)
class Variable:
    """One environment variable as the outside world is told of it (--help, server.json, the .mcpb)."""

    name: str  # as set in the environment, e.g. MATON_API_KEY
    description: str
    default: str | None  # as it would be written in the environment; None: unset
    secret: bool
    kind: Literal["string", "number", "boolean"]


def variables() -> list[Variable]:
    """Every variable `Settings` reads, in the model's order."""
    found: list[Variable] = []
    for name, field in Settings.model_fields.items():
        default: object = field.default
        kinds: tuple[object, ...] = (field.annotation, *get_args(field.annotation))
        secret = SecretStr in kinds
        kind: Literal["string", "number", "boolean"] = (
            "boolean" if bool in kinds else "number" if int in kinds or float in kinds else "string"
        )
        found.append(Variable(name.upper(), field.description or "", _as_text(default), secret, kind))
    return found


def _as_text(value: object) -> str | None:
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple):
        return ",".join(str(part) for part in cast(tuple[object, ...], value))
    return str(value)
