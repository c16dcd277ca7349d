"""Published web pages (a saved file, or a URL fetched with --allow-network) -> the canonical article.

The page is decoded (BOM, declared charset, UTF-8, then Windows-1252, mojibake repaired with ftfy), parsed by
lxml without network access, stripped of scripts, styles and event handlers, and handed to the first platform
profile that recognises it (DoD DNN, NASA, Drupal, else the generic <article>/<main> reader). Profiles say
where a platform keeps each field; `profiles.base.Converter` turns markup into model blocks the same way
for all.

Safety: the page cannot run code or make the exporter fetch anything: only http(s)/mailto links survive, image
references resolve against the declared page URL (never against <base>), and the page's own claim to be an
official site is recorded in `Source.page_claims_official`, never trusted.
"""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree, html
from pydantic import ValidationError

from exporter.confine import read_regular_file
from exporter.errors import ExportError
from exporter.model import Article, Figure, Source, inline_lists, plain_text, walk_figure_blocks
from exporter.options import BuildOptions
from exporter.readers import ReadResult
from exporter.readers.data_uri import is_data_uri
from exporter.readers.profiles import choose_profile
from exporter.readers.profiles.base import Converter, Page, clean_text, image_source, is_chrome
from exporter.readers.saved_url import saved_page_url

# Real article pages are well under 1 MB (the corpus tops out at 240 KB); anything bigger is refused before
# parsing so a hostile page cannot exhaust memory.
MAX_PAGE_BYTES = 16 * 1024 * 1024

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTTRACK = re.compile(r"<!--\s*Mirrored from \S+ by HTTrack", re.IGNORECASE)
_OFFICIAL_BANNER = re.compile(r"an official website of the united states government", re.IGNORECASE)
# libxml2's HTML parser (without XML_PARSE_HUGE) builds at most 256 levels: a tree that deep was cut short.
PARSER_DEPTH_LIMIT = 255
_EVENT_ATTRIBUTE = re.compile(r"^on", re.IGNORECASE)


def read(path: Path, options: BuildOptions) -> ReadResult:
    return read_bytes(read_regular_file(path, MAX_PAGE_BYTES, "web pages"), options, name=str(path))


def read_url(url: str, options: BuildOptions) -> ReadResult:
    """Fetch a page (https only, --allow-network required, size and time limits) and import it.

    The retrieval date is known here, so it is recorded (unless --retrieved says otherwise)."""
    from exporter.confine import Confinement

    confinement = Confinement(roots=(), allow_network=options.allow_network)
    data = confinement.fetch(url)
    if len(data) > MAX_PAGE_BYTES:
        raise ExportError(f"{url}: larger than the {MAX_PAGE_BYTES // (1024 * 1024)} MB limit for web pages")
    result = read_bytes(data, options, name=url, fetched_from=url)
    article = result.document
    if isinstance(article, Article) and article.source.retrieved is None:
        article.source = article.source.model_copy(update={"retrieved": datetime.now(UTC).date().isoformat()})
    return result


def url_stem(url: str) -> str:
    """An output stem for a fetched page: its last path segment as a slug ("page" when there is none)."""
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    last = re.sub(r"\.(?:html?|aspx?|php)$", "", last, flags=re.IGNORECASE)
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", last).strip("-.")[:80]
    return slug or "page"


def decode_page(data: bytes) -> str:
    """Bytes -> text: a BOM wins, then a declared charset, then UTF-8, then Windows-1252 (the default)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _META_CHARSET.search(data[:4096])
    candidates = []
    if declared:
        candidates.append(declared.group(1).decode("ascii", "ignore").lower())
    candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            codecs.lookup(encoding)
        except LookupError:
            continue
        if encoding in ("iso-8859-1", "latin-1", "us-ascii", "ascii"):
            encoding = "cp1252"  # what browsers do with these labels
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def parse(text: str) -> html.HtmlElement:
    """Parse without touching the network; drop scripts, styles, comments and every inline event handler."""
    parser = html.HTMLParser(
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        recover=True,
        huge_tree=False,
        remove_blank_text=False,
    )
    text = _CONTROL.sub("", text)
    try:
        root = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise ExportError(f"cannot parse the page as HTML ({error})") from None
    if max_depth(root) >= PARSER_DEPTH_LIMIT:
        # libxml2 stops building the tree at this depth and silently drops the rest of the page: refuse rather
        # than import a truncated article.
        raise ExportError(
            f"markup nested {PARSER_DEPTH_LIMIT} or more levels deep: the page cannot be read completely; "
            "refused"
        )
    return root


def max_depth(root: html.HtmlElement) -> int:
    depth = deepest = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def sanitize(root: html.HtmlElement) -> None:
    """Remove everything that could run or load something. (JSON-LD is read before this, and so are the images
    lazy loaders keep in <noscript>: restore_lazy_images.)"""
    restore_lazy_images(root)
    for element in list(root.iter("script", "style", "noscript", "template", "base")):
        if element.getparent() is not None:
            element.drop_tree()
    # libxml2 does not know <embed> is void and nests the rest of the page inside it (and <object>/<applet>
    # hold fallback content): remove the element itself but keep what it wrapped.
    for element in list(root.iter("embed", "object", "applet", "frame", "frameset", "param")):
        if element.getparent() is not None:
            element.drop_tag()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in list(element.attrib):
            if _EVENT_ATTRIBUTE.match(attribute) or attribute.lower() in (
                "style-src",
                "formaction",
                "srcdoc",
            ):
                del element.attrib[attribute]


def restore_lazy_images(root: html.HtmlElement) -> None:
    """Lazy loaders (WordPress's among them) show a placeholder <img> (a data: URI, or no source) and keep the real
    one in a <noscript> right beside it, for browsers without scripts. <noscript> is removed with the scripts, so
    the real image's source (and alt text, where the placeholder has none) moves onto the placeholder first. Only
    those attributes move; a <noscript> with no placeholder beside it (a tracking pixel) goes with the rest."""
    for noscript in list(root.iter("noscript")):
        images = _noscript_images(noscript)
        placeholder = _placeholder_beside(noscript)
        if not images or placeholder is None:
            continue
        real = images[0]
        for attribute in ("src", "srcset"):
            if (real.get(attribute) or "").strip():
                placeholder.set(attribute, real.get(attribute))
        for attribute in ("alt", "title"):
            if placeholder.get(attribute) is None and real.get(attribute) is not None:
                placeholder.set(attribute, real.get(attribute))


def _noscript_images(noscript: html.HtmlElement) -> list[html.HtmlElement]:
    """The <img> elements inside a <noscript>: libxml2 parses its content as markup; a parser that reads it as
    text (HTML5's, with scripting on) leaves markup to parse here, without network access and never attached."""
    images = list(noscript.iter("img"))
    if images or "<img" not in (noscript.text or "").lower():
        return images
    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        fragments = html.fragments_fromstring(noscript.text, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    return [image for fragment in fragments if isinstance(fragment, html.HtmlElement) for image in fragment.iter("img")]


def _placeholder_beside(noscript: html.HtmlElement) -> html.HtmlElement | None:
    """The image right before or after a <noscript> (alone, or alone in a <picture> or link) when it shows no real
    image: a lazy loader's placeholder."""
    for sibling in (noscript.getprevious(), noscript.getnext()):
        if sibling is None or not isinstance(sibling.tag, str):
            continue
        if sibling.tag == "img":
            images = [sibling]
        else:
            images = list(sibling.iter("img")) if sibling.tag in ("picture", "a") else []
        source = image_source(images[0]) if len(images) == 1 else ""
        if source is None or is_data_uri(source):
            return images[0]
    return None


def json_ld_texts(root: html.HtmlElement) -> list[str]:
    return [
        script.text or ""
        for script in root.iter("script")
        if (script.get("type") or "").strip().lower() == "application/ld+json"
    ][:20]


def claims_official(root: html.HtmlElement) -> bool:
    """Whether the page shows the US-government banner. Recorded only: the notice follows the URL rule."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        classes = (element.get("class") or "").lower()
        if "header_banner_container" in classes or "usa-banner" in classes.split():
            return True
    body = root.find("body")
    text = " ".join((body if body is not None else root).itertext())[:200_000]
    return bool(_OFFICIAL_BANNER.search(" ".join(text.split())))


def read_bytes(
    data: bytes, options: BuildOptions, *, name: str, fetched_from: str | None = None
) -> ReadResult:
    if len(data) > MAX_PAGE_BYTES:
        raise ExportError(
            f"larger than the {MAX_PAGE_BYTES // (1024 * 1024)} MB limit for web pages", file=name
        )
    text = decode_page(data)
    if not text.strip():
        raise ExportError("the page is empty", file=name)
    mirrored = bool(_HTTRACK.search(text[:20_000]) or _HTTRACK.search(text[-20_000:]))
    root = parse(text)
    structured = json_ld_texts(root)
    sanitize(root)
    page = Page(root=root, url=options.source_url or fetched_from, mirrored=mirrored, json_ld_texts=structured)
    profile = choose_profile(page)
    url_from = "given" if options.source_url else "fetched" if fetched_from else None
    if page.url is None:
        # The profile knows where its platform keeps a relative post-back form; HTTrack's note is a comment,
        # which the parser dropped, so it is read from the text.
        page.url = saved_page_url(root, text, folder=profile.form_folder, own_paths=profile.own_paths)
        url_from = "saved page" if page.url else None
    official_claim = claims_official(root)

    headline = profile.headline()
    if not headline:
        raise ExportError("no headline found (no <h1>, og:title or <title>): not an article page", file=name)
    dek = profile.dek()
    byline = profile.byline()
    published = profile.published()
    # Before the body: a related-stories block inside the article is the article's `related`, not its text.
    related = profile.related()
    converter = Converter(page, profile)
    body = list(profile.extra_blocks())
    for container in profile.body_containers():
        claimed = profile.special(container, converter)
        body.extend(claimed if claimed is not None else converter.blocks(container))
    body = [block for block in body if block is not None]

    source = Source(
        url=page.url,
        url_from=url_from,
        agency=profile.agency(),
        site_name=profile.site_name(),
        page_claims_official=official_claim,
    )
    try:
        article = Article(
            title=headline,
            dek=dek or None,
            byline=byline if byline and (byline.people or byline.organization) else None,
            published=published,
            language=profile.language,
            source=source,
            body=body,
            related=related,
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise ExportError(f"the page gave an invalid article: {first['msg']}", file=name) from None

    warnings = [f"{name}: {message}" for message in dict.fromkeys(page.warnings)]
    left_out = unread_paragraphs(profile.article_root(), article, converter.dropped | set(profile.site_text()))
    if left_out:
        more = f" and {len(left_out) - 1} more" if len(left_out) > 1 else ""
        warnings.append(
            f"{name}: paragraphs of the page's text are not in the article ({left_out[0][:60]!r}{more}): "
            "the page's layout was not fully recognised; check the imported text"
        )
    missing = [stand_in for stand_in, picture in page.embedded_images.items() if picture is None]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        warnings.append(
            f"{name}: {len(missing)} figure(s) have only a lazy-loading placeholder for their image (a data: URI "
            f"that holds no photo): kept with their alt text and caption, they show 'photo not included' unless "
            f"--images DIR supplies {missing[0]}{more}"
        )
    warnings += alt_warnings(article, name)
    pictures = {stand_in: picture for stand_in, picture in page.embedded_images.items() if picture is not None}
    return ReadResult(article, figure_lines=[None] * len(article.figures()), warnings=warnings, images=pictures)


# A paragraph this long is a story's prose, not a label, a teaser's line or a caption fragment.
PROSE_PARAGRAPH_WORDS = 25
# Words at a paragraph's start or end that the article's text must hold for the paragraph to count as read.
PARAGRAPH_PROBE_WORDS = 8
# Scripts written without spaces between words count a character as a word.
_UNSPACED = "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _article_text(article: Article) -> str:
    parts = [article.title, article.dek or "", article.byline.text() if article.byline else ""]
    parts += [plain_text(inlines) for inlines in inline_lists(article.body)]
    for block in walk_figure_blocks(article.body):
        parts += [block.title or "", block.credit or ""]
        if isinstance(block, Figure):
            parts.append(block.alt or "")
    return " ".join(parts)


def _visible_text(element: html.HtmlElement) -> str:
    """An element's text as the converter reads it: chrome inside it left out, a line break a space, cleaned.
    (A walk with its own stack: a hostile page may nest spans deeper than Python recurses.)"""
    pieces: list[str] = []
    stack: list[html.HtmlElement | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        pieces.append(item.text or "")
        for child in reversed(item):
            stack.append(child.tail or "")
            if child.tag == "br":
                stack.append(" ")
            elif isinstance(child.tag, str) and not is_chrome(child):
                stack.append(child)
    return clean_text("".join(pieces))


def _prose_paragraphs(root: html.HtmlElement, dropped: set[html.HtmlElement]) -> list[tuple[str, list[str]]]:
    """The <p> elements of `root` that are prose, outside chrome below `root` and what the profile `dropped` on
    purpose, with their words, in one walk down the tree."""
    found: list[tuple[str, list[str]]] = []
    stack = [child for child in reversed(root) if isinstance(child.tag, str)]
    while stack:
        element = stack.pop()
        if element in dropped or is_chrome(element):
            continue
        if element.tag == "p":
            text = _visible_text(element)
            words = _tokens(text)
            if len(words) >= PROSE_PARAGRAPH_WORDS:
                found.append((text, words))
            continue
        stack.extend(child for child in reversed(element) if isinstance(child.tag, str))
    return found


def unread_paragraphs(root: html.HtmlElement, article: Article, dropped: set[html.HtmlElement]) -> list[str]:
    """The paragraphs of prose in the article's part of the page (`root`, outside its chrome and what the profile
    `dropped`) that the article does not hold: a layout a profile does not know (a field in a pane of its own)
    loses text without a word otherwise. A paragraph counts as read when the article holds its first or its last
    words."""
    paragraphs = [(text, tuple(words[:PARAGRAPH_PROBE_WORDS]), tuple(words[-PARAGRAPH_PROBE_WORDS:]))
                  for text, words in _prose_paragraphs(root, dropped)]
    wanted = {probe for _, head, tail in paragraphs for probe in (head, tail)}
    words = _tokens(_article_text(article))
    read = {probe for i in range(len(words)) if (probe := tuple(words[i : i + PARAGRAPH_PROBE_WORDS])) in wanted}
    return [text for text, head, tail in paragraphs if head not in read and tail not in read]


def alt_warnings(article: Article, name: str) -> list[str]:
    """Figures without alt text: building needs alt or --alt-from-caption. (Alt text that merely repeats the
    caption is reported by the pipeline's review, for every reader.)"""
    messages: list[str] = []
    figures: list[Figure] = article.figures()
    for number, figure in enumerate(figures, start=1):
        label = figure.title or figure.virin or figure.image
        if not figure.alt:
            messages.append(
                f"{name}: figure {number} ({label}) has no alt text on the page: add it to the imported file "
                "or build with --alt-from-caption"
            )
    return messages


__all__ = ["MAX_PAGE_BYTES", "read", "read_bytes", "read_url", "url_stem"]
