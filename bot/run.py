"""Starting the bot: Socket Mode, HTTP behind a real threaded server, or a console chat.

``policytag bot`` picks Socket Mode when ``SLACK_APP_TOKEN`` is set and the console
when no Slack token is, so trying it needs no setup at all.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

from .config import SECRETS, BotSetupError, Settings

HTTP_THREADS = 8
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def choose_mode(settings: Settings, *, http: bool, console: bool) -> str:
    if console:
        return "console"
    if http:
        if not (settings.bot_token and settings.signing_secret):
            raise BotSetupError("HTTP mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment")
        return "http"
    if settings.app_token:
        if not settings.bot_token:
            raise BotSetupError("Socket Mode needs SLACK_BOT_TOKEN as well as SLACK_APP_TOKEN")
        return "socket"
    if settings.bot_token or settings.signing_secret:
        raise BotSetupError("set SLACK_APP_TOKEN for Socket Mode, or use --http (or --console to try the bot locally)")
    return "console"


def make_services(settings: Settings, pool=None):
    """The answerer (reading in ``pool``'s processes, else with a tagger of its own), the store and the job threads."""
    from .answer import Answerer
    from .services import Services
    from .storage import Store

    if pool is None:
        from policytag.tagger import Tagger

        answerer = Answerer(Tagger(), Store(), settings.cache_ttl)
    else:
        answerer = Answerer(None, Store(), settings.cache_ttl, pool=pool)
    return Services(answerer=answerer, min_text=settings.min_text)


def stop_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl-C, so queued replies are still posted before exit."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def connect(settings: Settings, services):
    """The Bolt app; Bolt checks the token with auth.test here, so say plainly when that fails."""
    from slack_bolt.error import BoltError

    from .app import build_app
    from .client import api_base_url

    try:
        return build_app(settings, services)
    except BoltError as exc:
        raise BotSetupError(f"Slack refused SLACK_BOT_TOKEN: {exc}") from None
    except OSError as exc:
        raise BotSetupError(f"could not reach the Slack API at {api_base_url(settings)}: {exc}") from None


def serve(settings: Settings, mode: str, host: str, port: int) -> None:
    from .workers import Pool

    pool = Pool(settings.workers, settings.job_timeout)  # its zygote loads the models while we connect
    try:
        services = make_services(settings, pool)
        app = connect(settings, services)
        start, close = front_door(app, settings, mode, host, port)
        pool.start()
        run_until_stopped(start, close, services)
    finally:
        pool.close()


def front_door(app, settings: Settings, mode: str, host: str, port: int):
    """How Slack's requests come in, ready to start: the HTTP server (listening) or a Socket Mode
    handler (its app token checked); returned as its ``start`` and ``close``."""
    if mode == "http":
        from .http import PATH, make_server

        try:
            server = make_server(app, settings.signing_secret, host=host, port=port, threads=HTTP_THREADS)
        except OSError as exc:
            raise BotSetupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

        def start() -> None:
            print(f"policytag bot listening on http://{host}:{server.effective_port}{PATH}", flush=True)
            server.run()

        return start, server.close
    from slack_sdk.errors import SlackApiError

    from .socket_mode import SocketModeHandler

    try:
        url = app.client.apps_connections_open(app_token=settings.app_token)["url"]
    except SlackApiError as exc:
        raise BotSetupError(f"Slack refused SLACK_APP_TOKEN: {exc.response.get('error')}") from None
    except OSError as exc:
        raise BotSetupError(f"could not reach the Slack API: {exc}") from None
    handler = SocketModeHandler(app, settings.app_token, url)
    return handler.start, handler.close


def run_until_stopped(start, close, services) -> None:
    """Serve until Ctrl-C or SIGTERM; then take no more requests and post the replies still queued."""
    log = logging.getLogger("policytag.bot")
    stop_on_sigterm()
    try:
        start()
    except KeyboardInterrupt:
        log.info("stopping: finishing queued replies")
    finally:
        close()
        services.jobs.shutdown(wait=True)
        services.store.release()


def configure_logging(*, quiet: bool) -> None:
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format=LOG_FORMAT)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per fetched page would drown the rest


def main(*, http: bool = False, console: bool = False, host: str = "127.0.0.1", port: int = 3000) -> int:
    settings = Settings.from_env()
    for name in SECRETS:  # read once: nothing the bot starts (its workers, Bolt's defaults) finds them there
        os.environ.pop(name, None)
    mode = choose_mode(settings, http=http, console=console)
    configure_logging(quiet=mode == "console")  # the terminal is the chat there
    if mode == "console":
        from .console import converse

        converse(make_services(settings).answerer, settings.min_text, sys.stdin, sys.stdout)
    else:
        serve(settings, mode, host, port)
    return 0
