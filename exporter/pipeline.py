"""One input through the stages: read -> prepare (provenance, alt-text rules) -> render each format -> write.

Every format is rendered before anything is written, so a failure leaves no output for that input.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from exporter.anchors import fragment, heading_targets
from exporter.confine import Confinement
from exporter.errors import ExitCode, ExportError, Place, Warnings
from exporter.model import (
    Article,
    Figure,
    Heading,
    InlineImage,
    Link,
    Packet,
    Table,
    Text,
    make_regular,
    plain_text,
    walk_blocks,
    without,
    xml_text,
)
from exporter.options import BuildOptions
from exporter.provenance import effective_source
from exporter.readers import ReadResult, read_document
from exporter.writers.base import RenderContext, Rendered

WRITERS: dict[str, str] = {
    "html": "exporter.writers.html",
    "pdf": "exporter.writers.pdf",
    "epub": "exporter.writers.epub",
    "docx": "exporter.writers.docx",
}


@dataclass
class InputResult:
    source: Path | str
    code: ExitCode = ExitCode.OK
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    checks: list = field(default_factory=list)  # CheckResult items with --check
    # What the build depended on, for incremental builds: every local file it read (the input, a packet's
    # entries, images), and every file it looked for and did not find (adding one must rebuild the input).
    files_used: list[Path] = field(default_factory=list)
    files_missing: list[Path] = field(default_factory=list)
    seconds: float = 0.0  # time spent building it, wherever it was built


def prepare(result: ReadResult, source: Path, options: BuildOptions, warnings: Warnings) -> Article | Packet:
    """Apply the command-line provenance overrides, and the alt-text rules, link text, table captions and table
    grid every writer relies on."""
    document = apply_overrides(result.document, options)
    for message in result.warnings:
        warnings.warn(message)
    articles = articles_of(document)
    for article in articles:
        if not article.body:
            # What the reader left out is often why nothing is left (an equation object, a chart): say it.
            reasons = [re.sub(rf"\A{re.escape(str(source))}(?::\d+)?: ", "", message) for message in result.warnings]
            said = f" (reading it: {'; '.join(reasons)})" if reasons else ""
            raise ExportError(f"the article {article.title!r} has no body: nothing to export{said}", file=source)
    figures = all_figures(document)
    for number, alt in options.alt_text.items():
        if not 1 <= number <= len(figures):
            raise ExportError(f"alt text given for figure {number}, but the document has {len(figures)}", file=source)
        figures[number - 1].alt = xml_text(alt)  # typed into the web app's form: set, not validated
        figures[number - 1].decorative = False
    places = picture_places(document, result, source)
    # A packet's entry is its own kind of source, whatever --from says of the packet.
    entry_options = replace(options, input_format=None)
    for number, figure in enumerate(figures, start=1):
        file, line = places.get(id(figure), Place(source))
        check_alt(figure, number, file, line, options if file == source else entry_options, warnings)
    for article in articles:
        for image in article.inline_images():
            file, line = places.get(id(image), Place(source))
            check_inline_alt(image, file, options if file == source else entry_options, warnings, line)
        unwrap_unusable_links(article, source, warnings, in_packet=len(articles) > 1)
    drop_table_labels(articles, source, warnings)
    for article in articles:
        for block in walk_blocks(article.body):
            if isinstance(block, Table):
                make_regular(block)
    return document


def articles_of(document: Article | Packet) -> list[Article]:
    return document.articles if isinstance(document, Packet) else [document]


def all_figures(document: Article | Packet) -> list[Figure]:
    """Every figure of every article, in the order readers number them (`ReadResult.figure_lines`)."""
    return [figure for article in articles_of(document) for figure in article.figures()]


def picture_places(document: Article | Packet, result: ReadResult, source: Path) -> dict[int, Place]:
    """Where each figure and picture inside running text was read, by `id()`: its file (a packet's entry, or
    `source`) and its line there when the reader knew it."""
    places: dict[int, Place] = {}
    figure_lines, inline_lines = iter(result.figure_lines), iter(result.inline_image_lines)
    for index, article in enumerate(articles_of(document)):
        file = (result.article_files[index] if index < len(result.article_files) else None) or source
        for picture in article.figures():
            places[id(picture)] = Place(file, next(figure_lines, None))
        for picture in article.inline_images():
            places[id(picture)] = Place(file, next(inline_lines, None))
    return places


def drop_table_labels(articles: list[Article], source: Path, warnings: Warnings) -> None:
    """A caption's own "Table 2:" is left out: every output prints its "Table N." before the caption. A caption
    that is only its label ("Table 2", as Word's Insert Caption leaves it when nothing is typed after) becomes
    one empty text: the table keeps its number, and nothing follows it. One warning per article."""
    from exporter.i18n import CAPTION_NUMBER, labels

    for article in articles:
        names = "|".join(re.escape(name) for name in labels(article.language, "Table"))
        # "Table 2:", "Table 3-1." and "Table 2.1 -" (chapter numbers) before the text, or alone in their run.
        label = re.compile(
            rf"^\s*(?:{names})\s*{CAPTION_NUMBER}\s*(?:[.:\u2013\u2014-]\s*(?=\S)|[.:\u2013\u2014-]?\s*$)",
            re.IGNORECASE,
        )
        dropped = 0
        for block in walk_blocks(article.body):
            if isinstance(block, Table) and block.caption and isinstance(block.caption[0], Text):
                first = block.caption[0]
                match = label.match(first.text)
                if match:
                    first.text = first.text[match.end() :]
                    dropped += 1
        if dropped:
            where = f"article {article.title!r}: " if len(articles) > 1 else ""
            warnings.warn(f"{where}{dropped} table caption number(s) such as \"Table 1:\" left out of the caption "
                          "text: every output numbers tables itself", file=source)


def alt_text_advice(source: Path, options: BuildOptions, *, inline: bool = False) -> str:
    """How the author of this kind of source gives a picture alt text: in Word, in Markdown's brackets (a
    picture inside a sentence) or its attributes, or as a key."""
    from exporter.readers import EXTENSIONS

    kind = options.input_format or EXTENSIONS.get(source.suffix.lower())
    if kind == "docx":
        return "add alt text in Word (right-click the picture, View Alt Text) or mark it decorative there"
    if inline and kind == "markdown":
        return "write what it shows in the brackets: ![what it shows](...)"
    return 'add alt="..."' if inline else 'add alt="..." (or decorative=true)'


def check_inline_alt(
    image: InlineImage, source: Path, options: BuildOptions, warnings: Warnings, line: int | None = None
) -> None:
    """A picture inside a sentence is read as its alt text: without one it is decorative, which may be meant
    (an ornament) or not, so it is said; poor alt text is reviewed as a figure's is."""
    from exporter.alt_text import review

    if not image.alt.strip():
        warnings.warn(
            f"the image {image.image} inside running text has no alt text: it is treated as decorative"
            f" ({alt_text_advice(source, options, inline=True)})",
            file=source,
            line=line,
            strict_error=True,
        )
        return
    for problem in review(image.alt, ""):
        warnings.warn(f"the image {image.image} inside running text: {problem.message}", file=source, line=line,
                      strict_error=True)


def unwrap_unusable_links(article: Article, source: Path, warnings: Warnings, *, in_packet: bool = False) -> None:
    """A link nobody can read or name (no text) is kept as its content: screen readers would announce an
    empty link, and PDF/UA and WCAG fail it. A link inside a link (invalid in every format) becomes its text, and
    so does an in-page link that names no heading of the article (`anchors`): it would go nowhere."""
    nowhere: Counter[str] = Counter()
    _unwrap_links(article, heading_targets(article), nowhere, source, warnings)
    where = f"article {article.title!r}: " if in_packet else ""
    for href, count in nowhere.items():
        times = f" ({count} links)" if count > 1 else ""
        warnings.warn(f"{where}link to {href[:60]!r}{times} names no heading of the article: its text stays",
                      file=source)


def _unwrap_links(
    node: BaseModel, targets: dict[str, Heading], nowhere: Counter[str], source: Path, warnings: Warnings
) -> None:
    for name in type(node).model_fields:
        value = getattr(node, name)
        if isinstance(value, list):
            if any(isinstance(item, Link) for item in value):
                setattr(node, name, _unwrapped(value, targets, nowhere, source, warnings))
            for item in getattr(node, name):
                for child in item if isinstance(item, list) else [item]:
                    if isinstance(child, BaseModel):
                        _unwrap_links(child, targets, nowhere, source, warnings)
        elif isinstance(value, BaseModel):
            _unwrap_links(value, targets, nowhere, source, warnings)


def _unwrapped(
    inlines: list, targets: dict[str, Heading], nowhere: Counter[str], source: Path, warnings: Warnings
) -> list:
    result = []
    for item in inlines:
        if isinstance(item, Link) and not plain_text(item.children).strip():
            warnings.warn(f"link to {item.href[:60]} has no text: kept as plain content", file=source)
            result.extend(_unwrapped(item.children, targets, nowhere, source, warnings))
        elif isinstance(item, Link) and (name := fragment(item)) is not None and name not in targets:
            nowhere[item.href.strip()] += 1
            result.extend(_unwrapped(item.children, targets, nowhere, source, warnings))
        elif isinstance(item, Link):
            item.children = without(Link, item.children)
            result.append(item)
        else:
            result.append(item)
    return result


def apply_overrides(document: Article | Packet, options: BuildOptions) -> Article | Packet:
    """`--source-url` (single articles only) and `--retrieved` replace what the input says."""
    if options.source_url is not None and isinstance(document, Packet):
        raise ExportError("--source-url names the source of one article; a packet's articles keep their own")
    for article in articles_of(document):
        if options.source_url is not None and isinstance(document, Article):
            article.source = effective_source(article.source, options.source_url)
        if options.retrieved is not None:
            article.source = article.source.model_copy(update={"retrieved": options.retrieved})
    return document


def describe_figure(figure: Figure, number: int) -> str:
    label = figure.title or figure.virin or figure.image
    return f"figure {number} ({label})"


def check_alt(
    figure: Figure, number: int, source: Path, line: int | None, options: BuildOptions, warnings: Warnings
) -> None:
    where = f"{source}:{line}" if line else str(source)
    if figure.decorative:
        return
    caption = plain_text(figure.caption).strip()
    if not (figure.alt or "").strip():
        if options.alt_from_caption and (caption or figure.title):
            figure.alt = caption or figure.title
            warnings.warn(
                f"{describe_figure(figure, number)}: alt text taken from the caption (--alt-from-caption)",
                file=where,
            )
            return
        fallback = (
            "it has no caption for --alt-from-caption to use" if options.alt_from_caption
            else "or build with --alt-from-caption"
        )
        raise ExportError(
            f"{describe_figure(figure, number)} has no alt text: {alt_text_advice(source, options)}, {fallback}",
            file=source,
            line=line,
        )
    review_alt(figure, number, where, warnings, caption_as_alt_expected=options.alt_from_caption)


def review_alt(
    figure: Figure, number: int, where: str, warnings: Warnings, *, caption_as_alt_expected: bool = False
) -> None:
    """Warn about alt text that does not describe (the shared rules of `exporter.alt_text`); each is an error
    with --strict. Build and `exporter import` both run this."""
    from exporter.alt_text import review

    if figure.decorative or not (figure.alt or "").strip():
        return
    for problem in review(figure.alt, plain_text(figure.caption)):
        if problem.code == "ALT-CAPTION" and caption_as_alt_expected:
            continue
        warnings.warn(f"{describe_figure(figure, number)}: {problem.message}", file=where, strict_error=True)


Source = Path | str  # a file, or a web page's URL (kept as text: Path would mangle "https://")


def is_url(source: Source) -> bool:
    return isinstance(source, str) and urlsplit(source).scheme.lower() in ("http", "https")


def output_stem(source: Source) -> str:
    if is_url(source):
        from exporter.readers.html_page import url_stem

        return url_stem(str(source))
    return Path(source).stem


def clashing_stems(sources: Iterable[Source]) -> tuple[Source, Source, str] | None:
    """Two sources that would write the same outputs (`news.*`), with that stem: the second would replace the
    first's files. Compared without case, as case-insensitive file systems do."""
    seen: dict[str, Source] = {}
    for source in sources:
        stem = output_stem(source)
        if stem.casefold() in seen:
            return seen[stem.casefold()], source, stem
        seen[stem.casefold()] = source
    return None


def render_all(context: RenderContext, formats: tuple[str, ...]) -> dict[str, Rendered]:
    rendered: dict[str, Rendered] = {}
    # In WRITERS' order whatever the order asked: the PDF's layout gives the DOCX contents its page numbers.
    for name in sorted(formats, key=list(WRITERS).index):
        module = importlib.import_module(WRITERS[name])
        rendered[name] = module.write(context)
    return rendered


def export(source: Source, options: BuildOptions, parts: Executor | None = None) -> InputResult:
    """Build every requested format for one input. Raises ExportError for bad input."""
    if is_url(source):
        return _export_url(str(source), options)
    path = Path(source)
    result = read_document(path, options)
    confinement = Confinement.for_input(path.resolve().parent, options.images_dir, allow_network=options.allow_network)
    return _build(result, path, output_stem(path), confinement, options, parts)


def _export_url(url: str, options: BuildOptions) -> InputResult:
    """A page fetched with --allow-network: its relative references reach no local file (an empty folder
    stands for its input folder)."""
    import tempfile

    from exporter.readers.html_page import read_url

    result = read_url(url, options)
    with tempfile.TemporaryDirectory(prefix="exporter-url-") as empty:
        stem = output_stem(url)
        confinement = Confinement.for_input(Path(empty), options.images_dir, allow_network=options.allow_network)
        built = _build(result, Path(empty) / f"{stem}.html", stem, confinement, options)
    built.source = url
    return built


def _build(
    result: ReadResult,
    source: Path,
    stem: str,
    confinement: Confinement,
    options: BuildOptions,
    parts: Executor | None = None,
) -> InputResult:
    from exporter.output import write_outputs

    warnings = Warnings(strict=options.strict)
    document = prepare(result, source, options, warnings)
    context = RenderContext(document, options, source, confinement, warnings, stem, result.images, parts=parts,
                            picture_places=picture_places(document, result, source))
    try:
        rendered = render_all(context, options.formats)
    except ExportError as error:
        raise error.located(source) from None
    files = {f"{stem}.{fmt}": item.data for fmt, item in rendered.items()}
    assets: dict[str, bytes] = {}
    for item in rendered.values():
        assets.update(item.assets)
    used = list(dict.fromkeys([*result.inputs, *context.files_read]))
    outputs = write_outputs(
        options.out_dir, files, {f"{stem}_files": assets} if assets else {}, unit=stem, inputs=used
    )
    built = InputResult(source, ExitCode.OK, outputs, warnings.messages, files_used=used,
                        files_missing=list(dict.fromkeys(context.files_missing)))
    return check_outputs(built, document) if options.check else built


def check_outputs(result: InputResult, document: Article | Packet) -> InputResult:
    """`build --check`: the same checks as `exporter check`, against the model the outputs were made from."""
    from exporter.checks.facts import facts_of_model
    from exporter.checks.report import overall_exit_code
    from exporter.checks.run import check_files

    checks = check_files(result.outputs, expected=facts_of_model(document))
    result.code = max(result.code, overall_exit_code(checks))
    result.checks = checks
    return result
