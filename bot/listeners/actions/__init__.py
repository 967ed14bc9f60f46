from slack_bolt import App

from ...blocks import FIX, RIGHT
from .feedback_right import feedback_right_callback
from .fix_tags import fix_tags_callback


def register(app: App) -> None:
    app.action(RIGHT)(feedback_right_callback)
    app.action(FIX)(fix_tags_callback)
