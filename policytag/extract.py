"""Reading the article out of a fetched page, so tags and summaries see only the article.

HTML goes through trafilatura, fed the bytes we fetched (never its own downloader): it
keeps the main text with title, author, date and site name, and drops menus, footers,
comment threads and related-article teasers. PDF reports, which think tanks publish
many of, go through pypdf; plain text through the pasted-page cleaner.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from .cleaning import main_text
from .errors import ExtractionError
from .fetch import Page

MIN_WORDS = 25  # fewer than this is a login form or an error page, not an article


@dataclass(frozen=True)
class Article:
    text: str  # paragraphs separated by blank lines
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site: str | None = None


def decode(page: Page) -> str | bytes:
    """The body as text when the server named a known charset, else the bytes as sent."""
    if page.charset:
        try:
            return page.body.decode(page.charset, errors="replace")
        except LookupError:
            pass
    return page.body


def from_html(page: Page) -> Article:
    import trafilatura

    found = trafilatura.bare_extraction(decode(page), url=page.url, with_metadata=True, include_comments=False)
    if found is None or not found.text:
        return Article("")
    # One paragraph per line, without the headline repeated above the article.
    paragraphs = [line.strip() for line in found.text.splitlines() if line.strip() and line.strip() != found.title]
    return Article("\n\n".join(paragraphs), found.title, found.author, found.date, found.sitename)


def from_pdf(page: Page) -> Article:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(page.body))
        if reader.is_encrypted:
            raise ExtractionError("the PDF is encrypted, so its text cannot be read")
        text = "\n\n".join(t.strip() for t in (p.extract_text() for p in reader.pages) if t and t.strip())
        info = reader.metadata
        created = info.creation_date if info else None
    except ExtractionError:
        raise
    except Exception as exc:  # a stranger's PDF can break a parser in any number of ways
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ExtractionError(f"the PDF could not be read: {reason}") from None
    return Article(
        text,
        title=(info.title or None) if info else None,
        author=(info.author or None) if info else None,
        published=created.date().isoformat() if created else None,
    )


def from_text(page: Page) -> Article:
    body = decode(page)
    text = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
    pasted = main_text(text)
    return Article(pasted.text, title=pasted.title)


READERS = {"html": from_html, "pdf": from_pdf, "text": from_text}


def extract(page: Page) -> Article:
    """The article in ``page``; :class:`ExtractionError` when it holds no article text."""
    article = READERS[page.kind](page)
    if len(article.text.split()) < MIN_WORDS:
        if page.kind == "pdf":
            raise ExtractionError("no article text found in the PDF (a scanned PDF holds only images)")
        raise ExtractionError("no article text found on the page")
    return article
