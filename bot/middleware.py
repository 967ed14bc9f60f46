"""Global middleware and the error handler: what runs around every listener.

They run after Bolt's own signature check, so an unsigned request can neither
reach a listener nor mark an event id as seen.
"""

from __future__ import annotations

from slack_bolt import BoltResponse
from slack_bolt.error import BoltUnhandledRequestError

from .services import Services


def provide(services: Services):
    """Hand the shared services to listeners as ``context["services"]``."""

    def provide_services(context, next):
        context["services"] = services
        next()

    return provide_services


def skip_duplicates(services: Services):
    """Answer a redelivered event (a Slack retry, ``X-Slack-Retry-Num``) or a replayed request 200 and do nothing more.

    Events carry an id. Slash commands and button clicks carry none, and Slack never
    sends one twice, so the same signed request again (its signature covers its
    timestamp and body) is a replay: it is acted on once, even within the five minutes
    its timestamp is accepted. Both are claimed in SQLite, so this holds across
    restarts and across bots sharing the file.
    """

    def skip_duplicate_requests(body, request, logger, next):
        event_id = body.get("event_id")
        signature = request.headers.get("x-slack-signature", [None])[0]
        if event_id and not services.store.claim(f"event:{event_id}"):
            logger.info("event %s already received; ignored", event_id)
            return BoltResponse(status=200, body="")
        if not event_id and signature and not services.store.claim(f"request:{signature}", done=True):
            logger.warning("a signed request was sent again (a replay?); ignored")
            return BoltResponse(status=200, body="")
        next()

    return skip_duplicate_requests


def handle_errors(error, logger):
    """Unhandled events get 200 (Bolt's 404 invites retries); listener failures are logged with their traceback."""
    if isinstance(error, BoltUnhandledRequestError):
        return BoltResponse(status=200, body="")
    logger.exception("listener failed: %s", error)
