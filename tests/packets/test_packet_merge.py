"""The packet PDF is merged from per-article tagged PDFs (writers/pdf/packet.py, merge.py): these tests read the
merged structure back and compare it with the parts it was made from. Every structure element, its text,
/Alt, /Lang and link annotations survive; the ParentTree maps every marked-content sequence and every link
annotation of the result to the element that owns it; IDs stay unique and /Headers still resolve; figures
are numbered once through the packet; page labels say what the pages print; and the bytes do not depend on
how many processes (or which executor) rendered the parts.

The multilingual packet (an English packet holding a Spanish article and the torture sample, with its tables)
is built in this process through the writer's own functions, so the parts can be kept and compared.
"""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import re
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pikepdf
import pytest

from exporter.confine import Confinement
from exporter.errors import Warnings
from exporter.model import Packet
from exporter.options import BuildOptions
from exporter.pipeline import prepare
from exporter.readers import read_document
from exporter.writers.base import RenderContext
from exporter.writers.pdf import packet as packet_writer
from exporter.writers.pdf.merge import MergeError, merge_packet
from exporter.writers.pdf.packet import (
    front_job,
    furniture_jobs,
    part_jobs,
    render_front,
    render_furniture,
    render_part,
    write_packet,
)
from tests.conftest import run_exporter
from tests.packets.packet_pdf_support import SAMPLE_PACKET, articles, toc_entries, write_multilingual_packet
from tests.pdf.pdf_inspect import TaggedPdf, squash

# An English packet with a Spanish article and the torture sample (tables with header cells, figures, media).
PACKET = """title: Merge Test Packet
language: en
articles:
  - eileen-collins.md
  - archivo.md
  - torture-every-block.md
"""


@dataclass
class Merged:
    packet: Packet
    parts: list[TaggedPdf]  # each article's own PDF, as rendered before the merge
    pdf: TaggedPdf
    data: bytes
    context: RenderContext
    pieces: tuple[bytes, list[bytes], list[bytes]]  # what was merged: front, furniture, parts


def packet_context(source: Path, **options) -> RenderContext:
    build = BuildOptions(formats=("pdf",), **options)
    warnings = Warnings()
    document = prepare(read_document(source, build), source, build, warnings)
    confinement = Confinement.for_input(source.resolve().parent)
    return RenderContext(document, build, source, confinement, warnings, source.stem)


@pytest.fixture(scope="module")
def merged(tmp_path_factory) -> Merged:
    folder = tmp_path_factory.mktemp("packet-merge")
    source = write_multilingual_packet(folder / "input").with_name("merge.yaml")
    source.write_text(PACKET, encoding="utf-8")
    context = packet_context(source)
    rendered = [render_part(job) for job in part_jobs(context)]
    counts = [part.pages for part in rendered]
    front_pages = render_front(front_job(context, None)).pages
    front = render_front(front_job(context, counts, front_pages)).data
    furniture = [render_furniture(job) for job in furniture_jobs(context, counts, front_pages + 1)]
    data = merge_packet(front, furniture, [part.data for part in rendered])
    parts = []
    for index, part in enumerate(rendered, start=1):
        path = folder / f"part-{index}.pdf"
        path.write_bytes(part.data)
        parts.append(TaggedPdf(path))
    path = folder / "merged.pdf"
    path.write_bytes(data)
    assert isinstance(context.document, Packet)
    pieces = (front, furniture, [part.data for part in rendered])
    return Merged(context.document, parts, TaggedPdf(path), data, context, pieces)


def shape(pdf: TaggedPdf, element) -> list[tuple]:
    """An element's subtree in document order: type, language, alt text, its own text, its links' count."""
    found = [(element.type_raw, element.lang, element.alt, squash(pdf.own_text(element)), len(element.objrs))]
    for child in element.children:
        found += shape(pdf, child)
    return found


def test_every_articles_structure_text_alt_language_and_links_survive_the_merge(merged):
    parts = articles(merged.pdf)
    assert len(parts) == len(merged.parts) == len(merged.packet.articles)
    kept = []
    for part_pdf, in_packet in zip(merged.parts, parts, strict=True):
        [own] = articles(part_pdf)
        before, after = shape(part_pdf, own), shape(merged.pdf, in_packet)
        assert after == before
        kept += after
    assert len(kept) > 100
    assert sum(1 for *_, links in kept if links) >= 5 and sum(1 for _, _, alt, _, _ in kept if alt) >= 3
    # The Spanish article's Art says so, in the packet as in its own PDF.
    assert [part.lang for part in parts] == [None, "es", None]


def test_parent_tree_maps_every_marked_content_and_link_annotation_to_its_element(merged):
    pdf = merged.pdf
    tree = pikepdf.NumberTree(pdf.pdf.Root.StructTreeRoot.ParentTree)
    entries = dict(tree.items())
    owners = {}  # (page, mcid) -> element objgen, from the structure tree
    links = {}  # annotation objgen -> Link element objgen
    for element in pdf.elements:
        for ref in element.mcrefs:
            owners[(ref.page, ref.mcid)] = element.objgen
        for annotation in element.objrs:
            links[annotation] = element.objgen
    mapped = {}
    annotations = []
    for index, page in enumerate(pdf.pdf.pages):
        assert int(page.obj.StructParents) == index
        for mcid, element in enumerate(entries.get(index, [])):
            if isinstance(element, pikepdf.Dictionary):
                mapped[(index, mcid)] = element.objgen
        annotations += [a for a in page.obj.get("/Annots", []) if a.get("/Subtype") == "/Link"]
    assert mapped == owners and len(owners) > 100
    keys = [int(annotation.StructParent) for annotation in annotations]
    assert len(keys) == len(set(keys)) == len(links) >= 5
    assert all(entries[int(a.StructParent)].objgen == links[a.objgen] for a in annotations)
    assert int(pdf.pdf.Root.StructTreeRoot.ParentTreeNextKey) > max(entries)
    # One key per page and one per link annotation, nothing else.
    assert set(entries) == set(range(len(pdf.pdf.pages))) | set(keys)


def test_structure_ids_stay_unique_and_header_references_resolve(merged):
    pdf = merged.pdf.pdf
    id_tree = dict(pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items())
    elements = {element.objgen: element for element in merged.pdf.elements}
    with_id = [element for element in merged.pdf.elements if element.id]
    assert sorted(element.id for element in with_id) == sorted(id_tree)
    assert all(id_tree[element.id].objgen == element.objgen for element in with_id)
    # The torture sample's tables: each data cell names header cells of its own table.
    headers = [(element, name) for element in merged.pdf.elements
               for name in (element.attr("Headers", "Table") or [])]
    assert len(headers) > 5
    for cell, name in headers:
        header = elements[id_tree[str(name)].objgen]
        assert header.type_raw == "TH"
        assert _ancestor(header, "Table") is _ancestor(cell, "Table")
    prefixes = {element.id.split("-", 2)[1] for element in with_id}
    assert prefixes == {"3"}, "the torture sample is the third article"


def _ancestor(element, role: str):
    while element is not None and element.type_raw != role:
        element = element.parent
    return element


def test_figures_are_numbered_once_through_the_packet(merged):
    """Each figure's element id (figure-N, media-N: named destinations in the PDF) continues the numbering of
    the articles before it, in page order."""
    names = dict(pikepdf.NameTree(merged.pdf.pdf.Root.Names.Dests).items())
    pages = {page.obj.objgen: index for index, page in enumerate(merged.pdf.pdf.pages)}
    numbered = sorted((int(match[2]), pages[names[name][0].objgen]) for name in names
                      if (match := re.fullmatch(r"(figure|media)-(\d+)", name)))
    expected = sum(max(a.figure_numbers().values(), default=0) for a in merged.packet.articles)
    assert [number for number, _ in numbered] == list(range(1, expected + 1)) and expected >= 4
    assert [page for _, page in numbered] == sorted(page for _, page in numbered)


def test_contents_longer_than_a_page_count_their_own_pages(merged, tmp_path):
    """The contents' page numbers are printed as text, counting the cover and the contents' own pages, which
    are counted first with any numbers: with 60 articles the contents take more than one page, and the numbers
    say where each article starts."""
    context = merged.context
    articles = merged.packet.articles * 20
    context = dataclasses.replace(context, document=merged.packet.model_copy(update={"articles": articles}))
    counts = [index % 3 + 1 for index in range(len(articles))]
    front_pages = render_front(front_job(context, None)).pages
    path = tmp_path / "front.pdf"
    path.write_bytes(render_front(front_job(context, counts, front_pages)).data)
    pdf = TaggedPdf(path)
    assert pdf.page_count() == front_pages >= 3
    expected = [front_pages + 1 + sum(counts[:index]) for index in range(len(articles))]
    assert [entry.page_label for entry in toc_entries(pdf)] == [str(number) for number in expected]


def test_page_labels_are_the_printed_page_numbers(merged):
    pdf = merged.pdf
    labels = pdf.pdf.Root.PageLabels.Nums
    assert list(labels) == [0, pikepdf.Dictionary(S=pikepdf.Name.D)]
    for page in range(1, pdf.page_count()):
        assert f"Page {page + 1}" in squash(pdf.artifact_text(page))


def test_a_part_fonts_subsets_are_tagged_apart(merged):
    """Each part embeds its own subset of a font: subsets that differ have different tags (ISO 32000-1 9.6.4)."""
    programs: dict[str, set[bytes]] = {}
    for obj in merged.pdf.pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" and "/FontFile2" in obj:
            programs.setdefault(str(obj.FontName), set()).add(obj.FontFile2.read_raw_bytes())
    assert len(programs) > len(merged.parts)
    assert all(len(found) == 1 for found in programs.values())


class _InOrderOfUse(Executor):
    """Runs each job when it is submitted, and notes when a job is submitted and when its result is read."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        events, name = self.events, fn.__name__
        events.append(f"submit {name}")

        class Noted(Future):
            def result(self, timeout=None):
                events.append(f"read {name}")
                return super().result(timeout)

        future = Noted()
        future.set_result(fn(*args, **kwargs))
        return future


def test_furniture_is_rendered_beside_the_articles_still_rendering(merged, monkeypatch):
    """Each run of page furniture is submitted once its articles' page counts are read, before the later
    articles' are; only the front waits for all of them."""
    monkeypatch.setattr(packet_writer, "FURNITURE_RUN_PAGES", 1)  # a run per article
    executor = _InOrderOfUse()
    data = write_packet(dataclasses.replace(merged.context, files_read=[]), executor)
    events = executor.events
    reads = [index for index, event in enumerate(events) if event == "read render_part"]
    runs = [index for index, event in enumerate(events) if event == "submit render_furniture"]
    fronts = [index for index, event in enumerate(events) if event == "submit render_front"]
    assert len(reads) == len(runs) == len(merged.packet.articles) >= 3
    next_reads = [*reads[1:], len(events)]
    assert all(read < run < later for read, run, later in zip(reads, runs, next_reads, strict=True))
    assert len(fronts) == 2 and fronts[1] > runs[-1]
    assert len(pikepdf.open(io.BytesIO(data)).pages) == len(merged.pdf.pdf.pages)


def test_any_executor_renders_the_same_bytes(merged):
    """Parts and furniture are plain functions of picklable jobs: threads, or fresh processes that inherit
    nothing (spawn), give the bytes of the in-process build. The images the workers read come back as inputs
    of the build (no output may replace them)."""
    with ThreadPoolExecutor(2) as threads:
        assert write_packet(merged.context, threads) == merged.data
    context = dataclasses.replace(merged.context, files_read=[])
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as processes:
        assert write_packet(context, processes) == merged.data
    folder = context.source_path.parent
    at_hand = {(folder / figure.image).resolve() for article in merged.packet.articles
               for figure in article.figures() if (folder / figure.image).is_file()}
    assert len(at_hand) >= 2 and at_hand <= {path.resolve() for path in context.files_read}


NOTED_ARTICLE = """---
title: {title}
language: en
source:
  url: https://www.defense.gov/News/Article/1/
---

Fuel cells turn H~2~ into power.[^cell] A second claim.[^site]

## Results[^may]

Done.

[^cell]: A cell makes about 0.7 V.
[^site]: See [the energy site](https://www.energy.gov/).
[^may]: Measured in May.
"""


def test_notes_keep_their_reference_and_one_id_per_article(tmp_path):
    """Footnotes of two articles: each Note follows its Reference, which points at it, in the merged tree; the
    Note IDs (made from the HTML ids, which carry the article's prefix already) are unique and in the IDTree."""
    for name in ("first", "second"):
        (tmp_path / f"{name}.md").write_text(NOTED_ARTICLE.format(title=f"The {name} article"), encoding="utf-8")
    source = tmp_path / "notes.yaml"
    source.write_text("title: Notes\nlanguage: en\narticles:\n  - first.md\n  - second.md\n", encoding="utf-8")
    path = tmp_path / "notes.pdf"
    path.write_bytes(write_packet(packet_context(source)))
    pdf = TaggedPdf(path)
    notes = []
    for element in pdf.elements:
        for before, after in pairwise(element.children):
            if before.type_raw == "Reference":
                assert after.type_raw == "Note"
                assert before.obj.Ref[0].objgen == after.obj.objgen
                notes.append(after)
    assert [note.id for note in notes] == [f"article-{a}-fn-{n}" for a in (1, 2) for n in (1, 2, 3)]
    id_tree = dict(pikepdf.NameTree(pdf.pdf.Root.StructTreeRoot.IDTree).items())
    assert all(id_tree[note.id].objgen == note.obj.objgen for note in notes)
    assert [squash(pdf.text(note)) for note in notes[:3]] == [
        "1. A cell makes about 0.7 V.", "2. See the energy site.", "3. Measured in May."]


def with_role_map(part: bytes, **roles: str) -> bytes:
    with pikepdf.open(io.BytesIO(part)) as pdf:
        pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary({f"/{k}": pikepdf.Name(f"/{v}") for k, v in roles.items()})
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_role_maps_of_the_parts_are_merged_and_must_agree(merged):
    """WeasyPrint writes no role map today; a part that has one keeps it in the packet."""
    front, furniture, parts = merged.pieces
    mapped = [with_role_map(parts[0], Byline="P"), with_role_map(parts[1], Byline="P", Dateline="P"), parts[2]]
    with pikepdf.open(io.BytesIO(merge_packet(front, furniture, mapped))) as pdf:
        assert dict(pdf.Root.StructTreeRoot.RoleMap.items()) == {"/Byline": "/P", "/Dateline": "/P"}
    clashing = [with_role_map(parts[0], Byline="P"), with_role_map(parts[1], Byline="Span"), parts[2]]
    with pytest.raises(MergeError, match="/Byline"):
        merge_packet(front, furniture, clashing)


def test_the_merge_refuses_furniture_that_does_not_fit(merged):
    front, furniture, parts = merged.pieces
    with pytest.raises(MergeError, match="furniture pages"):
        merge_packet(front, furniture, parts[:-1])


@pytest.mark.slow
def test_a_longer_packet_passes_the_checks_with_a_balanced_parent_tree(tmp_path):
    """Twelve articles: the ParentTree outgrows one flat array and becomes a balanced number tree (/Kids),
    which page-validation and `exporter check` read like the flat one."""
    folder = write_multilingual_packet(tmp_path / "input").parent
    names = ["eileen-collins.md", "archivo.md", "torture-every-block.md", "community-newsletter.md"] * 3
    source = folder / "twelve.yaml"
    source.write_text("title: Twelve Articles\nlanguage: en\narticles:\n" + "".join(f"  - {n}\n" for n in names),
                      encoding="utf-8")
    result = run_exporter("build", source, "--to", "pdf", "--check", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    with pikepdf.open(tmp_path / "out" / "twelve.pdf") as pdf:
        assert "/Kids" in pdf.Root.StructTreeRoot.ParentTree
        assert len(pdf.pages) > 30


@pytest.mark.slow
def test_jobs_do_not_change_the_bytes(tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        result = run_exporter("build", SAMPLE_PACKET, "--to", "pdf", "--out", out, "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        outputs.append((out / f"{SAMPLE_PACKET.stem}.pdf").read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_an_error_in_a_worker_is_one_line_and_writes_nothing(tmp_path):
    """--strict makes the sample packet's missing photo an error, raised in a worker process: it comes back
    with its article's file and line and exit code 2, without a traceback, and no PDF is written."""
    result = run_exporter("build", SAMPLE_PACKET, "--to", "pdf", "--strict", "--out", tmp_path, "--jobs", "2")
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    article = SAMPLE_PACKET.parent / "stoltenberg-ukraine-support.md"
    assert re.match(rf"error: {re.escape(str(article))}:\d+: article 1 \('[^']+'\): image \S+ was not found",
                    errors[0]), errors[0]
    assert list(tmp_path.iterdir()) == []


def test_a_headline_with_no_break_wraps_in_the_contents_beside_its_page_number(tmp_path):
    """The contents' title column breaks a headline with no place to break in it (a pasted identifier) anywhere,
    instead of running it over the page number and off the page."""
    headline = "Supercalifragilisticexpialidocious" * 5
    (tmp_path / "a.md").write_text(
        f'---\ntitle: "{headline}"\nlanguage: en\nsource:\n  url: https://example.org/a\n---\n\nText.\n',
        encoding="utf-8",
    )
    source = tmp_path / "packet.yaml"
    source.write_text('title: Long\ndate: "2025-01-01"\nlanguage: en\narticles:\n  - a.md\n', encoding="utf-8")
    result = run_exporter("build", source, "--to", "pdf", "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    with pikepdf.open(tmp_path / "out" / "packet.pdf") as pdf:
        contents = pdf.pages[1]
        width = float(contents.MediaBox[2])
        links = [annotation for annotation in contents.get("/Annots", []) if annotation.Subtype == "/Link"]
        assert len(links) >= 2  # one rectangle per line: the headline took more than one
        assert all(max(float(link.Rect[0]), float(link.Rect[2])) < width * 0.85 for link in links)
