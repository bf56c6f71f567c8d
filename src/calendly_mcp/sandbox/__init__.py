"""An embedded Calendly: the Calendly API v2, the Maton gateway and its controls, over loopback HTTP."""

from .app import SandboxApp, create_app
from .config import SANDBOX_MATON_KEY, SANDBOX_TOKEN, SandboxConfig
from .server import RunningSandbox, running_sandbox, serve

__all__ = [
    "SANDBOX_MATON_KEY",
    "SANDBOX_TOKEN",
    "RunningSandbox",
    "SandboxApp",
    "SandboxConfig",
    "create_app",
    "running_sandbox",
    "serve",
]
