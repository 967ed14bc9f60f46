"""The bot's settings, read from the environment only, so secrets never sit in files or argv."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from policytag.errors import PolicytagError

SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
DEFAULT_CACHE_TTL = 24 * 3600
DEFAULT_MIN_TEXT = 300
DEFAULT_WORKERS = 4  # worker processes reading links and texts (each holds a page in memory at a time)
DEFAULT_JOB_TIMEOUT = 30.0  # seconds for fetching and tagging one link: the 15 s fetch, then extraction and tagging


class BotSetupError(PolicytagError):
    """The environment does not say enough, or says something wrong, to start the bot."""


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BotSetupError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise BotSetupError(f"{name} must not be negative")
    return value


def _positive(environ: Mapping[str, str], name: str, default: float) -> float:
    value = _number(environ, name, default)
    if value <= 0 or (isinstance(default, int) and value != int(value)):
        raise BotSetupError(f"{name} must be a positive {'whole ' if isinstance(default, int) else ''}number")
    return value


@dataclass(frozen=True)
class Settings:
    """What the bot needs to run; the secrets are left out of ``repr`` so they never reach a log."""

    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str | None = None
    cache_ttl: float = DEFAULT_CACHE_TTL
    min_text: int = DEFAULT_MIN_TEXT
    workers: int = DEFAULT_WORKERS
    job_timeout: float = DEFAULT_JOB_TIMEOUT

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            bot_token=environ.get("SLACK_BOT_TOKEN") or None,
            signing_secret=environ.get("SLACK_SIGNING_SECRET") or None,
            app_token=environ.get("SLACK_APP_TOKEN") or None,
            api_url=environ.get("POLICYTAG_SLACK_API_URL") or None,
            cache_ttl=_number(environ, "POLICYTAG_CACHE_TTL", DEFAULT_CACHE_TTL),
            min_text=int(_number(environ, "POLICYTAG_MIN_TEXT", DEFAULT_MIN_TEXT)),
            workers=int(_positive(environ, "POLICYTAG_BOT_WORKERS", DEFAULT_WORKERS)),
            job_timeout=_positive(environ, "POLICYTAG_JOB_TIMEOUT", DEFAULT_JOB_TIMEOUT),
        )
