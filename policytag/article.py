"""From a URL to a :class:`policytag.Document` ready to tag: fetch safely, then extract."""

from __future__ import annotations

from urllib.parse import urlsplit

from .extract import extract
from .fetch import fetch
from .schema import Document


def fetch_article(url: str) -> Document:
    """The article at ``url``; raises a :class:`policytag.errors.FetchError` subclass
    with a one-line reason when it cannot be fetched or holds no article."""
    page = fetch(url)
    article = extract(page)
    return Document(
        text=article.text,
        source=url,
        title=article.title,
        url=page.url,
        site=article.site or urlsplit(page.url).hostname,
        author=article.author,
        published=article.published,
        extracted=True,
    )
