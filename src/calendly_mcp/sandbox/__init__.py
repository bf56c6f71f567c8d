"""An embedded Calendly: the Calendly API v2, the Maton gateway and its controls, over loopback HTTP."""

from .assembly import SandboxApp, create_app
from .config import SANDBOX_MATON_KEY, SANDBOX_TOKEN, SandboxConfig
from .runner import RunningSandbox, running_sandbox, serve, serve_app

__all__ = [
    "SANDBOX_MATON_KEY",
    "SANDBOX_TOKEN",
    "RunningSandbox",
    "SandboxApp",
    "SandboxConfig",
    "create_app",
    "running_sandbox",
    "serve",
    "serve_app",
]
