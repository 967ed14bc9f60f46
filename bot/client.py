"""The Slack Web API client: base URL overridable, and patient with rate limits and dropped connections."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from .config import Settings

RATE_LIMIT_RETRIES = 10  # each waits Retry-After seconds: a burst is delayed, not dropped
CONNECTION_RETRIES = 3


def api_base_url(settings: Settings) -> str:
    """``POLICYTAG_SLACK_API_URL`` (so tests can point at a local server), else Slack's."""
    url = settings.api_url or WebClient.BASE_URL
    return url if url.endswith("/") else url + "/"


def web_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=api_base_url(settings),
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        ],
    )
