"""Every listener, registered by kind as in Bolt's sample apps."""

from slack_bolt import App

from . import actions, commands, events, shortcuts, views


def register_listeners(app: App) -> None:
    actions.register(app)
    commands.register(app)
    events.register(app)
    shortcuts.register(app)
    views.register(app)
