from slack_bolt import App

from .policytag import policytag_callback


def register(app: App) -> None:
    app.command("/policytag")(policytag_callback)
