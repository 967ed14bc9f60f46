"""The Bolt app: the Slack client, the shared services and every listener (Bolt's sample-app shape)."""

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

from .client import web_client
from .config import Settings
from .listeners import register_listeners
from .middleware import handle_errors, provide, skip_duplicates
from .services import Services


def build_app(settings: Settings, services: Services) -> App:
    app = App(
        client=web_client(settings),
        signing_secret=settings.signing_secret or "",
        raise_error_for_unhandled_request=True,  # lets handle_errors answer 200 where Bolt would say 404
        listener_executor=ThreadPoolExecutor(16, thread_name_prefix="policytag-ack"),
    )
    app.use(provide(services))
    app.use(skip_duplicates(services))
    app.error(handle_errors)
    register_listeners(app)
    return app
