"""The policytag Slack bot: paste a link, get tags, summary and recommendations in the thread.

Importing this package is cheap and does not import slack-bolt: ``policytag train
--with-feedback`` and ``policytag feedback export`` read the bot's storage without it.
The Slack side starts in :mod:`policytag.bot.run`.
"""
