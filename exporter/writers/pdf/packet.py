"""A press packet as one tagged PDF, without laying out the whole packet at once: WeasyPrint holds one article
at a time (per process), and the memory that grows with the packet is the finished file's objects in the merge.

1. Each article is rendered as a tagged PDF of its own (`render_part`, in parallel processes with --jobs); the
   rendered parts wait on disk, not in memory. Beside them, the front (cover and contents) is rendered once to
   learn how many pages it takes: the contents' number column has a fixed width, so that count does not
   depend on the numbers.
2. The page counts give every page its number: the page furniture of the article pages (page numbers and
   running titles, `render_furniture`, in runs of pages) is submitted as soon as a run's articles are rendered,
   so that workers take it up beside the last articles (a pool runs jobs in the order they came); then the
   front, with the number of each article's first page.
3. merge.py joins front, furniture and parts into one document.

`render_part`, `render_front` and `render_furniture` are plain functions of picklable jobs that hold all they
need (for an article: its position, the figures numbered before it, the packet's language, the options, where
its files may be read from), so they run in any process: this module's process pool, or any executor with
`submit` (a Dask client). The merge is a function of the results alone. The output does not depend on how many
processes made it.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from exporter.confine import Confinement
from exporter.errors import ExportError, Place, Warnings
from exporter.model import Article, Packet
from exporter.options import BuildOptions
from exporter.writers.base import RenderContext

# Article pages per furniture run: a fixed number, so that the output does not depend on --jobs.
FURNITURE_RUN_PAGES = 60
# The front's page count should not change once the numbers are in (fixed-width column); if it ever does, the
# numbers are made again from the new count, this many times at most.
FRONT_ATTEMPTS = 3


@dataclass(frozen=True)
class PartJob:
    """One article of a packet and what it needs to be rendered on its own, in any process."""

    article: Article
    index: int  # 1-based position in the packet
    figures_before: int  # figures and media numbered in the articles before it
    tables_before: int  # captioned tables numbered in the articles before it
    packet_language: str
    options: BuildOptions
    source_path: Path  # the packet file: relative image paths start from its folder
    confinement: Confinement
    embedded_images: dict[str, bytes] = field(default_factory=dict)  # this article's pictures from a DOCX
    # Where each of its pictures was read, in `[*figures(), *inline_images()]` order (ids do not cross processes).
    picture_places: list[Place] = field(default_factory=list)


@dataclass
class RenderedPart:
    data: bytes  # the article as a repaired, tagged PDF of its own
    pages: int
    warnings: list[str]
    files_read: list[Path]  # its images: inputs of the build, which no output may replace
    files_missing: list[Path] = field(default_factory=list)  # images looked for and not found


@dataclass(frozen=True)
class FrontJob:
    """The packet's cover and contents; `first_pages`, the number of each article's first page (None: any
    numbers, to learn how many pages the front takes)."""

    packet: Packet
    first_pages: tuple[int, ...] | None
    options: BuildOptions
    source_path: Path
    confinement: Confinement


@dataclass
class RenderedFront:
    data: bytes
    pages: int
    warnings: list[str]
    files_read: list[Path] = field(default_factory=list)  # the cover's logo


@dataclass(frozen=True)
class FurnitureJob:
    """The page numbers and running titles of a run of article pages."""

    first_page: int  # the number printed on its first page
    articles: tuple[tuple[str, str, int], ...]  # per article: element id, running title, pages
    language: str  # the packet's
    title: str  # the packet's
    options: BuildOptions


def part_jobs(context: RenderContext) -> list[PartJob]:
    packet = _packet(context)
    jobs: list[PartJob] = []
    figures = tables = 0
    for index, article in enumerate(packet.articles, start=1):
        images = {
            picture.image: context.embedded_images[picture.image]
            for picture in [*article.figures(), *article.inline_images()]
            if picture.image in context.embedded_images
        }
        places = [context.place_of(picture) for picture in [*article.figures(), *article.inline_images()]]
        jobs.append(PartJob(article, index, figures, tables, packet.language, context.options,
                            context.source_path, context.confinement, images, places))
        figures += max(article.figure_numbers().values(), default=0)
        tables += len(article.table_numbers())
    return jobs


def render_part(job: PartJob) -> RenderedPart:
    from exporter.writers.pdf.render import packet_part_css, packet_part_html, print_image_links, render_pdf
    from exporter.writers.pdf.repair import repair

    warnings = Warnings(strict=job.options.strict)
    pictures = [*job.article.figures(), *job.article.inline_images()]
    places = {id(picture): place for picture, place in zip(pictures, job.picture_places, strict=False)}
    context = RenderContext(job.article, job.options, job.source_path, job.confinement, warnings,
                            job.source_path.stem, job.embedded_images, picture_places=places)
    try:
        links = print_image_links(context)
        html = packet_part_html(context, job.article, index=job.index, figures_before=job.figures_before,
                                tables_before=job.tables_before, packet_language=job.packet_language, links=links)
        rendered = render_pdf(html, context, job.article,
                              stylesheet=packet_part_css(job.options, job.packet_language), images=links.served)
    except ExportError as error:  # the article is rendered on its own: say which of the packet's it is
        raise error.in_article(job.index, job.article.title) from None
    data = repair(rendered.data, rendered.recording, job.article, job.options, language=job.packet_language)
    return RenderedPart(data, rendered.pages, warnings.messages, context.files_read, context.files_missing)


def render_front(job: FrontJob) -> RenderedFront:
    from exporter.writers.pdf.render import packet_front_html, print_image_links, render_pdf
    from exporter.writers.pdf.repair import repair

    packet = job.packet
    warnings = Warnings(strict=job.options.strict)
    context = RenderContext(packet, job.options, job.source_path, job.confinement, warnings, job.source_path.stem)
    first_pages = list(job.first_pages or [0] * len(packet.articles))
    links = print_image_links(context)
    logo_src = links.src(packet.logo) if packet.logo else None
    rendered = render_pdf(packet_front_html(job.options, packet, first_pages, logo_src), context, packet,
                          images=links.served)
    return RenderedFront(repair(rendered.data, rendered.recording, packet, job.options), rendered.pages,
                         warnings.messages, context.files_read)


def front_job(context: RenderContext, page_counts: list[int] | None, front_pages: int = 0) -> FrontJob:
    """The front for articles of `page_counts` pages after `front_pages` pages of front (None: to count those)."""
    packet = _packet(context)
    first_pages = tuple(accumulate([front_pages + 1, *page_counts[:-1]])) if page_counts is not None else None
    return FrontJob(packet, first_pages, context.options, context.source_path, context.confinement)


def furniture_jobs(context: RenderContext, page_counts: Iterable[int], first_page: int) -> Iterator[FurnitureJob]:
    """Runs of whole articles of about FURNITURE_RUN_PAGES pages, numbered from `first_page`. Each run is
    yielded as soon as `page_counts` (the articles' in order, perhaps as they are rendered) has given its own."""
    from exporter.writers.pdf.render import packet_entry

    packet = _packet(context)
    run: list[tuple[str, str, int]] = []
    start = first_page
    for index, (article, pages) in enumerate(zip(packet.articles, page_counts, strict=True), start=1):
        entry = packet_entry(article, index, packet.language)
        run.append((entry.element_id, entry.running_title, pages))
        if sum(count for *_, count in run) >= FURNITURE_RUN_PAGES or index == len(packet.articles):
            yield FurnitureJob(start, tuple(run), packet.language, packet.title, context.options)
            start += sum(count for *_, count in run)
            run = []


def render_furniture(job: FurnitureJob) -> bytes:
    from exporter.writers.pdf.render import packet_furniture_html, render_untagged_pdf

    html = packet_furniture_html(job.options, job.language, job.title, job.first_page, list(job.articles))
    return render_untagged_pdf(html, job.options)


def write_packet(context: RenderContext, executor: Executor | None = None) -> bytes:
    """The packet's PDF. Parts render on `executor` when given, else in context.options.jobs processes."""
    from exporter.writers.pdf.merge import merge_packet

    jobs = part_jobs(context)
    workers = min(context.options.jobs, len(jobs))
    with tempfile.TemporaryDirectory(prefix="exporter-packet-") as folder, _runner(workers, executor) as run:
        counting = run(render_front, [front_job(context, None)])
        rendered = run(render_part, jobs)
        parts: list[Path] = []
        page_counts: list[int] = []

        def rendered_page_counts() -> Iterator[int]:
            # Each part is kept (on disk) as its count is read: reading the counts is what collects the parts.
            for job, part in zip(jobs, rendered, strict=True):
                context.warnings.extend(part.warnings)
                context.files_read.extend(part.files_read)
                context.files_missing.extend(part.files_missing)
                parts.append(Path(folder) / f"article-{job.index}.pdf")
                parts[-1].write_bytes(part.data)
                page_counts.append(part.pages)
                yield part.pages

        def furniture_runs(counts: Iterable[int], first_page: int) -> list[Iterator[bytes]]:
            # Each run is submitted as soon as its articles are rendered, not after the front: workers take the
            # runs up beside the last articles, and fewer are left to render beside the front.
            return [run(render_furniture, [job]) for job in furniture_jobs(context, counts, first_page)]

        front_pages = next(counting).pages
        furniture = furniture_runs(rendered_page_counts(), front_pages + 1)
        for _ in range(FRONT_ATTEMPTS):
            front = next(run(render_front, [front_job(context, page_counts, front_pages)]))
            if front.pages == front_pages:
                context.warnings.extend(front.warnings)
                context.files_read.extend(front.files_read)
                # The DOCX writer, when it runs in the same build, numbers its contents from these pages.
                context.article_pages = list(accumulate([front_pages + 1, *page_counts[:-1]]))
                return merge_packet(front.data, [next(result) for result in furniture], parts)
            front_pages = front.pages
            furniture = furniture_runs(page_counts, front_pages + 1)
        raise ExportError("internal error: the packet's contents do not settle on a number of pages")


Run = Callable[[Callable[[Any], Any], list[Any]], Iterator[Any]]


@contextlib.contextmanager
def _runner(workers: int, executor: Executor | None) -> Iterator[Run]:
    """Something that maps a function over jobs and yields the results in order: on `executor` or on a pool of
    `workers` processes (the jobs are submitted at once, so that jobs of two calls run side by side), or in
    this process when the results are read."""
    if executor is not None:
        yield lambda function, jobs: _in_order(executor, function, jobs)
    elif workers > 1:
        _warm_up()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield lambda function, jobs: _in_order(pool, function, jobs)
    else:
        yield lambda function, jobs: map(function, jobs)


def _in_order(executor: Executor, function: Callable[[Any], Any], jobs: list[Any]) -> Iterator[Any]:
    pending = deque(executor.submit(function, job) for job in jobs)

    def results() -> Iterator[Any]:
        try:
            while pending:
                # Popped as it is read: a part's bytes are held only until they are on disk.
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    return results()


def _warm_up() -> None:
    """Import WeasyPrint and wrap its tagger before the pool forks: each worker starts with them loaded."""
    from exporter.writers.pdf.tagging import install

    install()


def _packet(context: RenderContext) -> Packet:
    packet = context.document
    if not isinstance(packet, Packet):
        raise TypeError("a packet's PDF needs a packet")
    return packet
