"""Article pages written for the tests, as a site would serve them, plus a PDF builder.

Each page holds one article inside the noise real pages carry: a menu, a cookie
banner, a newsletter box, a comment thread, teasers of articles about other regions
and a footer. The ``NOISE`` strings must never reach extracted text.
"""

from __future__ import annotations

import zlib

TITLE = "Tokyo and Manila Should Turn Coast Guard Drills into a Standing Partnership"
AUTHOR = "Mariko Tanabe"
PUBLISHED = "2024-03-18"
SITE = "The Meridian Review"

PARAGRAPHS = [
    "When Philippine and Japanese coast guard cutters sailed together past Scarborough Shoal in February, "
    "the exercise lasted four days and produced a handful of photographs. It should have produced a plan. "
    "Chinese coast guard vessels have used water cannon against Philippine resupply boats at Second Thomas Shoal "
    "six times since last August, and each incident has been met with statements rather than a sustained response.",
    "Japan has more at stake in these waters than its diplomacy admits. Roughly a third of its seaborne energy "
    "imports pass through the South China Sea, and the same Chinese maritime militia that crowds Philippine "
    "fishermen also shadows Japanese vessels near the Senkaku Islands. Tokyo signed a reciprocal access agreement "
    "with Manila in July, but the agreement is a framework, not a presence.",
    "Tokyo should turn the annual drills into a standing coast guard partnership, with Japanese patrol vessels "
    "rotating through Subic Bay and joint boarding teams trained to the same procedures. "
    "Manila must also open its own maritime domain awareness data to Japanese analysts, because a partnership "
    "that cannot see the same picture cannot act on it.",
    "The United States ought to support this arrangement without leading it. Washington's treaty commitment to "
    "the Philippines is the backstop, but a visible American role would let Beijing describe a law-enforcement "
    "partnership as military encirclement, and it would make the arrangement hostage to the next change of "
    "administration in Washington.",
    "None of this requires new money on the scale of a defence budget. Japan's official security assistance "
    "programme already funds radar systems and patrol boats for the Philippine coast guard; what is missing is "
    "the habit of working side by side every week rather than once a year.",
]

NOISE = [
    "Accept all cookies",
    "We use cookies",
    "Regions",
    "Latin America",
    "Subscribe to our newsletter",
    "Sahel juntas",
    "Mercosur",
    "Ukraine's grain corridor",
    "Great piece, but",
    "All rights reserved",
    "Privacy policy",
    "Keep reading",
]


def article_html(title: str = TITLE, paragraphs: list[str] = PARAGRAPHS) -> str:
    """A full article page: metadata in the head, the article among menus and teasers."""
    body = "\n".join(f"      <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} | {SITE}</title>
  <meta property="og:title" content="{title}">
  <meta property="og:site_name" content="{SITE}">
  <meta property="og:type" content="article">
  <meta name="author" content="{AUTHOR}">
  <meta property="article:published_time" content="{PUBLISHED}T07:30:00+00:00">
  <meta name="description" content="Four days of joint drills are not a strategy.">
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">
    <p>We use cookies to understand how you use our site and to improve your experience.</p>
    <button>Accept all cookies</button> <button>Manage preferences</button>
  </div>
  <header class="site-header">
    <a class="logo" href="/">{SITE}</a>
    <nav class="main-menu">
      <ul>
        <li><a href="/regions">Regions</a></li>
        <li><a href="/regions/africa">Africa</a></li>
        <li><a href="/regions/europe">Europe</a></li>
        <li><a href="/regions/latin-america">Latin America</a></li>
        <li><a href="/regions/middle-east">Middle East</a></li>
        <li><a href="/topics">Topics</a></li>
        <li><a href="/podcast">Podcast</a></li>
      </ul>
    </nav>
  </header>
  <main>
    <article class="post">
      <p class="section">Analysis | Asia-Pacific</p>
      <h1 class="entry-title">{title}</h1>
      <p class="byline">By <a rel="author" href="/authors/tanabe">{AUTHOR}</a> ·
        <time datetime="{PUBLISHED}T07:30:00+00:00">March 18, 2024</time></p>
      <div class="entry-content">
{body}
      </div>
      <aside class="newsletter-signup">
        <h3>Subscribe to our newsletter</h3>
        <p>Get the week's best analysis in your inbox every Friday. Sign up now.</p>
      </aside>
    </article>
    <section id="comments" class="comments-area">
      <h2>3 comments</h2>
      <div class="comment"><p class="comment-author">R. Delgado</p>
        <p>Great piece, but the author underestimates how much Manila depends on American surveillance flights.</p></div>
      <div class="comment"><p class="comment-author">K. Sato</p>
        <p>Japan's constitution makes joint boarding teams far harder than this suggests; someone should say so.</p></div>
    </section>
    <section class="related-posts">
      <h2>Keep reading</h2>
      <div class="teaser"><h3><a href="/sahel">Sahel juntas are rewriting the region's security map</a></h3>
        <p>Mali, Burkina Faso and Niger have left ECOWAS and invited Russian instructors; Europe should rethink its aid.</p></div>
      <div class="teaser"><h3><a href="/mercosur">Mercosur's trade deal with the EU is stuck again</a></h3>
        <p>French farmers and Brazilian deforestation rules have frozen a deal twenty-five years in the making.</p></div>
      <div class="teaser"><h3><a href="/grain">Ukraine's grain corridor survives without a deal</a></h3>
        <p>Ships keep sailing from Odesa despite Russian drone strikes on port infrastructure.</p></div>
    </section>
  </main>
  <footer class="site-footer">
    <p>© 2024 {SITE}. All rights reserved.</p>
    <ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/about">About us</a></li>
      <li><a href="/donate">Donate</a></li></ul>
  </footer>
</body>
</html>
"""


EMPTY_PAGE = """<!DOCTYPE html>
<html><head><title>Login | The Meridian Review</title></head>
<body><nav><a href="/">Home</a> <a href="/login">Log in</a></nav>
<form><input name="user"><input type="password" name="pw"><button>Log in</button></form>
<footer>© 2024 The Meridian Review</footer></body></html>
"""

PDF_TITLE = "Rebuilding Grain Security in the Horn of Africa"
PDF_AUTHOR = "Centre for Food Diplomacy"
PDF_LINES = [
    "Ethiopia and Somalia imported more wheat in 2023 than in any year on record.",
    "Donors should fund regional grain reserves instead of emergency shipments.",
    "The African Union must coordinate purchases so that reserves are not bid against each other.",
]


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def make_pdf(lines: list[str] = PDF_LINES, title: str = PDF_TITLE, author: str = PDF_AUTHOR) -> bytes:
    """A minimal one-page PDF whose text stream holds ``lines``, with an info dictionary."""
    text_ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        text_ops += [f"{_pdf_string(line)} Tj", "T*"]
    text_ops.append("ET")
    stream = zlib.compress("\n".join(text_ops).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        f"<< /Title {_pdf_string(title)} /Author {_pdf_string(author)} /CreationDate (D:20240205120000Z) >>".encode("latin-1"),
    ]
    return _pdf_file(objects, info=6)


PASTED_TEXT = "\n\n".join(["Follow us on social", "Analysis | Asia-Pacific", TITLE, *PARAGRAPHS,
                           "Keep reading", "Sahel juntas are rewriting the region's security map",
                           "Subscribe to our newsletter"]) + "\n"


def _pdf_file(objects: list[bytes], root: int = 1, info: int | None = None) -> bytes:
    """A PDF file of numbered ``objects``, its cross-reference table and trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    extra = b" /Info %d 0 R" % info if info else b""
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, extra, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"


def pdf_bomb(pages: int = 200, content_bytes: int = 1 << 20, form_calls: int = 0) -> bytes:
    """A PDF whose ``pages`` pages all show one content stream of ``content_bytes`` of text
    operators (the probe's: 200 pages, 1 MB, about 35 KB on disk). With ``form_calls``,
    the shared stream instead draws one such form XObject that many times."""
    text = b"BT /F1 11 Tf 72 720 Td " + b"(Sanctions on Russia were widened in Brussels.) Tj T* " * (content_bytes // 55) + b"ET"
    font = b"<< /Font << /F1 3 0 R >> >>"
    if form_calls:
        content = _stream(b"/Fm1 Do\n" * form_calls)
        form = _stream(text, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + font + b" ")
        resources = b"<< /Font << /F1 3 0 R >> /XObject << /Fm1 %d 0 R >> >>" % (5 + pages)
    else:
        content, form, resources = _stream(text), None, font
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        content,
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources " + resources + b" /Contents 4 0 R >>"] * pages,
        *([form] if form else []),
    ]
    return _pdf_file(objects)
