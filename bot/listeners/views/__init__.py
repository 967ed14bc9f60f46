from slack_bolt import App

from ...blocks import FIX_VIEW
from .fix_tags import fix_tags_submission


def register(app: App) -> None:
    app.view(FIX_VIEW)(fix_tags_submission)
