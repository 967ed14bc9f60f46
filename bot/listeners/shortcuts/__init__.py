from slack_bolt import App

from .tag_message import TAG_MESSAGE, tag_message_callback


def register(app: App) -> None:
    app.message_shortcut(TAG_MESSAGE)(tag_message_callback)
