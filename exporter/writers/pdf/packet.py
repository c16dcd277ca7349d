"""A press packet as one tagged PDF, in memory bounded by its largest article rather than by its length.

Each article is rendered as a tagged PDF of its own (`render_part`, in parallel processes with --jobs) and
waits on disk; then the packet's front: the cover, the contents and, now that every article's page count is
known, a stand-in page for every article page, which carries the page number and running title and which
the contents' page numbers and links point at; then merge.py joins them into one document.

`render_part` is a plain function of a `PartJob`, which holds the article and the packet-wide facts it needs
(its position, the figures numbered before it, the packet's language, the options, where its files may be
read from). Both pickle, so a part renders in any process: this module's process pool, or any executor with
`submit` (a Dask client). The merge is a function of the results alone.
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from exporter.confine import Confinement
from exporter.errors import Warnings
from exporter.model import Article, Packet
from exporter.options import BuildOptions
from exporter.writers.base import RenderContext
from exporter.writers.templating import is_numbered, walk_blocks


@dataclass(frozen=True)
class PartJob:
    """One article of a packet and what it needs to be rendered on its own, in any process."""

    article: Article
    index: int  # 1-based position in the packet
    figures_before: int  # figures and media numbered in the articles before it
    packet_language: str
    options: BuildOptions
    source_path: Path  # the packet file: relative image paths start from its folder
    confinement: Confinement
    embedded_images: dict[str, bytes] = field(default_factory=dict)  # this article's pictures from a DOCX


@dataclass
class RenderedPart:
    data: bytes  # the article as a repaired, tagged PDF of its own
    pages: int
    warnings: list[str]


def part_jobs(context: RenderContext) -> list[PartJob]:
    packet = context.document
    assert isinstance(packet, Packet)
    jobs: list[PartJob] = []
    figures = 0
    for index, article in enumerate(packet.articles, start=1):
        images = {
            figure.image: context.embedded_images[figure.image]
            for figure in article.figures()
            if figure.image in context.embedded_images
        }
        jobs.append(PartJob(article, index, figures, packet.language, context.options, context.source_path,
                            context.confinement, images))
        figures += sum(1 for block in walk_blocks(article.body) if is_numbered(block))
    return jobs


def render_part(job: PartJob) -> RenderedPart:
    from exporter.writers.html import ImageLinks
    from exporter.writers.pdf.render import MAX_IMAGE_EDGE, packet_part_html, render_pdf
    from exporter.writers.pdf.repair import repair

    warnings = Warnings(strict=job.options.strict)
    context = RenderContext(job.article, job.options, job.source_path, job.confinement, warnings,
                            job.source_path.stem, job.embedded_images)
    links = ImageLinks(context, "", embed=True, max_edge=MAX_IMAGE_EDGE)
    html = packet_part_html(context, job.article, index=job.index, figures_before=job.figures_before,
                            packet_language=job.packet_language, links=links)
    rendered = render_pdf(html, context, job.article)
    data = repair(rendered.data, rendered.recording, job.article, job.options, language=job.packet_language)
    return RenderedPart(data, rendered.pages, warnings.messages)


def render_front(context: RenderContext, page_counts: list[int]) -> bytes:
    """Cover, contents and the stand-in pages of the packet, for articles of `page_counts` pages."""
    from exporter.writers.pdf.render import packet_front_html, render_pdf
    from exporter.writers.pdf.repair import repair

    packet = context.document
    assert isinstance(packet, Packet)
    rendered = render_pdf(packet_front_html(context, packet, page_counts), context, packet)
    return repair(rendered.data, rendered.recording, packet, context.options)


def write_packet(context: RenderContext, executor: Executor | None = None) -> bytes:
    """The packet's PDF. Parts render on `executor` when given, else in context.options.jobs processes."""
    from exporter.writers.pdf.merge import merge_packet

    jobs = part_jobs(context)
    with tempfile.TemporaryDirectory(prefix="exporter-packet-") as folder:
        files: list[Path] = []
        page_counts: list[int] = []
        for job, part in zip(jobs, rendered_parts(jobs, context.options.jobs, executor), strict=True):
            context.warnings.messages.extend(part.warnings)
            files.append(Path(folder) / f"article-{job.index}.pdf")
            files[-1].write_bytes(part.data)
            page_counts.append(part.pages)
        return merge_packet(render_front(context, page_counts), files)


def rendered_parts(jobs: list[PartJob], workers: int, executor: Executor | None = None) -> Iterator[RenderedPart]:
    """The parts, rendered, in packet order: on `executor`, in a pool of `workers` processes, or here."""
    if executor is not None:
        yield from _in_order(executor, jobs)
    elif workers > 1 and len(jobs) > 1:
        _warm_up()
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            yield from _in_order(pool, jobs)
    else:
        yield from map(render_part, jobs)


def _in_order(executor: Executor, jobs: list[PartJob]) -> Iterator[RenderedPart]:
    pending = deque(executor.submit(render_part, job) for job in jobs)
    try:
        while pending:
            # Popped as it is read: a part's bytes are held only until they are on disk.
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def _warm_up() -> None:
    """Import WeasyPrint and wrap its tagger before the pool forks: each worker starts with them loaded."""
    from exporter.writers.pdf.tagging import install

    install()
