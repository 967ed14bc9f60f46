"""Reading the article out of a fetched page, so tags and summaries see only the article.

HTML goes through trafilatura, fed the bytes we fetched (never its own downloader): it
keeps the main text with title, author, date and site name, and drops menus, footers,
comment threads and related-article teasers. PDF reports, which think tanks publish
many of, go through pypdf; plain text through the pasted-page cleaner.

A stranger's PDF can be a bomb: a 35 KB file whose 200 pages all show one 1 MB content
stream kept pypdf busy for minutes. Reading is bounded by pages, by decoded page
content (a shared stream counts once per page that shows it, since each is read) and
by time, checked at every content operator, form XObjects' included.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

from .cleaning import main_text
from .errors import ExtractionError
from .fetch import Page

MIN_WORDS = 25  # fewer than this is a login form or an error page, not an article
MAX_PDF_PAGES = 1000
MAX_PDF_CONTENT = 16 * 1024 * 1024  # decoded page content; pypdf reads about 1.5 MB of it a second here
MAX_PDF_SECONDS = 15.0
# pypdf logs every repair it makes to a broken file ("EOF marker not found"); with no
# handler of its own Python prints that on stderr before our one-line error. An
# application's own logging still receives the records.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


class _PdfOverran(Exception):
    """Raised from inside pypdf's text extraction when the time budget is spent."""


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


def _content_size(pdf_page) -> int:
    """Decoded bytes of a page's content streams (pypdf keeps each decoded stream, so a
    stream shared by many pages is decoded once)."""
    contents = pdf_page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def pdf_text(reader) -> str:
    """Every page's text, within :data:`MAX_PDF_PAGES`, :data:`MAX_PDF_CONTENT` and
    :data:`MAX_PDF_SECONDS`; :class:`ExtractionError` past any of them."""
    pages = reader.pages
    if len(pages) > MAX_PDF_PAGES:
        raise ExtractionError(f"the PDF has {len(pages):,} pages; policytag reads at most {MAX_PDF_PAGES:,}")
    content = 0
    for pdf_page in pages:
        content += _content_size(pdf_page)
        if content > MAX_PDF_CONTENT:
            raise ExtractionError(
                f"the PDF's pages hold more than {MAX_PDF_CONTENT // (1024 * 1024)} MB of content; refused unread")
    deadline = time.monotonic() + MAX_PDF_SECONDS

    def in_time(*_) -> None:
        if time.monotonic() > deadline:
            raise _PdfOverran

    try:
        texts = [pdf_page.extract_text(visitor_operand_before=in_time) for pdf_page in pages]
    except _PdfOverran:
        raise ExtractionError(f"reading the PDF took longer than {MAX_PDF_SECONDS:g} s; gave up") from None
    return "\n\n".join(t.strip() for t in texts if t and t.strip())


def from_pdf(page: Page) -> Article:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(page.body))
        if reader.is_encrypted:
            raise ExtractionError("the PDF is encrypted, so its text cannot be read")
        text = pdf_text(reader)
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
