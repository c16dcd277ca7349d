"""Benchmark: medians and CPU-time ratios against baselines measured in the same run, on this machine.

    python benchmarks/run.py [--repeat N] [--packet-runs N] [--write-readme]

Every ratio compares CPU time (user + system) of ours and of a baseline run alternately in the same run, which a
shared machine disturbs far less than wall time; the machine and its load are printed with them.

- Fresh processes (the exporter byte-compiled first, as an installed package is): `exporter build` of one
  article to PDF against plain WeasyPrint (`pdf/ua-1`) rendering the same print HTML in its own fresh process
  (the sample, which figure placement lays out several times, and an article laid out once, as WeasyPrint does);
  to DOCX and EPUB against the pandoc CLI on the same Markdown; `exporter --help` (aim: under 0.1 s). Beside
  each, the floor: a fresh process that only imports the libraries the build needs, against the same baseline.
- Warm, in-process (under the CLI's garbage-collector settings, as a batch runs; the baselines too), with the
  image cache cleared before each run (every run processes its photos) and, for the PDF, also with the cache
  kept; the share of the PDF's time spent in the structure repair pass.
- Images: the sample photos and a 6000 x 4000 JPEG (cold, then from the content-hash cache).
- Peak memory (max RSS) of a fresh process exporting the sample to every format.
- DOCX packets of 10 to 200 articles: cost per added article (aim: flat within 20%); a 2,000-row table to DOCX
  (aim: under 5 s) against the same table to HTML.

`--write-readme` replaces the table between the benchmark markers in README.md with this run's.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import io
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "samples" / "eileen-collins.md"
# An article whose figures all fit where they stand: laid out once, where SAMPLE's placement takes several
# layouts (exporter/writers/pdf/placement.py), so the PDF rows show both costs.
ONE_LAYOUT_SAMPLE = ROOT / "samples" / "community-newsletter.md"
README_BEGIN = "<!-- benchmarks/run.py table: begin -->"
README_END = "<!-- benchmarks/run.py table: end -->"
PACKET_SIZES = (10, 50, 100, 200)


@dataclass
class Row:
    name: str
    ours: float  # CPU seconds (median)
    baseline: float | None
    label: str
    target: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs after a warm-up run (used by benchmarks/hardening.py)."""
    action()
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def print_rows(rows: list[tuple[str, float, float | None, str]], repeat: int) -> None:
    """(measurement, ours, baseline or None, what the baseline is) as a table, ratios against the baseline."""
    print(f"machine: {machine()}, load average {load()}, {repeat} repeats, medians")
    print(f"{'measurement':44} {'ours (s)':>9} {'baseline (s)':>13} {'ratio':>7}  baseline")
    for name, ours, baseline, label in rows:
        ratio = f"{ours / baseline:7.2f}" if baseline else "      -"
        base = f"{baseline:13.3f}" if baseline else " " * 13
        print(f"{name:44} {ours:9.3f} {base} {ratio}  {label}")


def cpu_seconds(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def paired(ours: Callable[[], object], baseline: Callable[[], object] | None, repeat: int,
           measure: Callable[[Callable[[], object]], float] = cpu_seconds) -> tuple[float, float | None]:
    """Medians of `repeat` alternating runs of ours and the baseline, after one warm-up run of each."""
    ours()
    if baseline:
        baseline()
    mine, theirs = [], []
    for _ in range(repeat):
        mine.append(measure(ours))
        if baseline:
            theirs.append(measure(baseline))
    return statistics.median(mine), statistics.median(theirs) if theirs else None


def process_cpu(command: list[str]) -> Callable[[], float]:
    """A fresh process; returns its CPU seconds (user + system, from wait4)."""

    def run() -> float:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}: {process.stderr.read().decode()[-500:]}")
        process.stderr.close()
        return usage.ru_utime + usage.ru_stime

    return run


def fresh_pair(ours: list[str], baseline: list[str] | None, repeat: int) -> tuple[float, float | None]:
    mine, theirs = process_cpu(ours), process_cpu(baseline) if baseline else None
    return paired(mine, theirs, repeat, measure=lambda run: run())


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        gib = int(memory.split()[1]) / 1024 / 1024
    except (OSError, StopIteration):
        gib = 0
    return f"{os.cpu_count()} cores ({cpu}), {gib:.0f} GiB, Python {sys.version.split()[0]}, {platform.system()}"


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--packet-runs", type=int, default=3)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    # Byte-compiled first, as `pip install` leaves a package: a shell with PYTHONDONTWRITEBYTECODE set would
    # otherwise make every fresh process recompile the exporter's own modules from source.
    compileall.compile_dir(ROOT / "exporter", quiet=1)
    # The in-process rows run as a batch of the CLI does, under its collector settings; the baselines they run
    # beside in this process are collected at the same pace.
    from exporter.run.process import prepare_build_process

    prepare_build_process()
    load_before = load()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        rows += fresh_process_rows(folder, args.repeat)
        rows += warm_rows(args.repeat)
        rows += image_rows(args.repeat)
        rows += docx_packet_rows(folder, args.packet_runs)
        rows += table_rows(folder, max(1, args.packet_runs))
        peak = peak_memory_mib(folder)
    header = (f"machine: {machine()}; load average {load_before} before, {load()} after "
              f"(1, 5, 15 min); medians of {args.repeat} runs ({args.packet_runs} for packets and the table); "
              f"peak memory exporting the sample to all four formats in one process: {peak:.0f} MiB")
    table = markdown_table(rows)
    print(header)
    print(table)
    if args.write_readme:
        write_readme(header, table)


def fresh_process_rows(folder: Path, repeat: int) -> list[Row]:
    import pypandoc

    python = sys.executable
    out = folder / "out"
    plain = (
        "import weasyprint, sys; weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2])"
        ".write_pdf(sys.argv[3], pdf_variant='pdf/ua-1')"
    )
    rows = []
    for sample in (SAMPLE, ONE_LAYOUT_SAMPLE):
        page = folder / f"{sample.stem}.print.html"
        page.write_text(print_html_with_files(sample, folder), encoding="utf-8")
        pdf = fresh_pair(
            [python, "-m", "exporter", "build", str(sample), "--to", "pdf", "--out", str(out), "--force"],
            [python, "-c", plain, str(page), sample.parent.as_uri() + "/", str(folder / "plain.pdf")], repeat)
        rows.append(Row(f"PDF, one article, fresh process, {layouts(sample)}", *pdf,
                        "plain WeasyPrint `pdf/ua-1`, same print HTML, fresh process", "≤ 1.25"))
    # The floor under the fresh-process rows: importing the libraries a build needs beyond the baseline's own
    # (pydantic for the model, markdown-it and PyYAML for the source), and nothing else; an exporter written on
    # these libraries cannot start faster. (langcodes is not among them: an "en" or "en-US" tag does not load it.)
    common = "pydantic.main, markdown_it, yaml, PIL.Image, jinja2"  # `import pydantic` alone loads no model code
    floor, plain_run = fresh_pair([python, "-c", f"import weasyprint, pikepdf, {common}"],
                                  [python, "-c", plain, str(folder / f"{ONE_LAYOUT_SAMPLE.stem}.print.html"),
                                   ONE_LAYOUT_SAMPLE.parent.as_uri() + "/", str(folder / "plain.pdf")], repeat)
    rows.append(Row("PDF: only importing the libraries, fresh process", floor, plain_run,
                    "plain WeasyPrint's whole run, as above (1 layout)"))
    pandoc = pypandoc.get_pandoc_path()
    libraries = {"docx": f"lxml.etree, docx, {common}", "epub": f"lxml.etree, ebooklib.epub, {common}"}
    for fmt in ("docx", "epub"):
        pandoc_run = [pandoc, str(SAMPLE), "-o", str(folder / f"pandoc.{fmt}"), f"--resource-path={SAMPLE.parent}"]
        ours, theirs = fresh_pair(
            [python, "-m", "exporter", "build", str(SAMPLE), "--to", fmt, "--out", str(out), "--force"],
            pandoc_run, repeat)
        rows.append(Row(f"{fmt.upper()}, one article, fresh process", ours, theirs, "pandoc CLI, same Markdown",
                        "≤ 2"))
        floor, theirs = fresh_pair([python, "-c", f"import {libraries[fmt]}"], pandoc_run, repeat)
        rows.append(Row(f"{fmt.upper()}: only importing the libraries, fresh process", floor, theirs,
                        "pandoc CLI's whole run, same Markdown"))
    help_cpu, _ = fresh_pair([python, "-m", "exporter", "--help"], None, repeat)
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([python, "-m", "exporter", "--help"], cwd=ROOT, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    rows.append(Row("`exporter --help` (CPU)", help_cpu, None, f"wall time {statistics.median(walls):.3f} s",
                    "< 0.1 s"))
    return rows


def context_for(source: Path, formats: tuple[str, ...] = ("pdf",)):
    from exporter.confine import Confinement
    from exporter.errors import Warnings
    from exporter.options import BuildOptions
    from exporter.pipeline import prepare
    from exporter.readers import read_document
    from exporter.writers.base import RenderContext

    options = BuildOptions(formats=formats)
    warnings = Warnings()
    document = prepare(read_document(source, options), source, options, warnings)
    return RenderContext(document, options, source, Confinement.for_input(source.resolve().parent), warnings,
                         source.stem)


def print_page(sample: Path = SAMPLE):
    """The print HTML and the image bytes its URLs stand for (served by the exporter's URL fetcher)."""
    from exporter.writers.pdf import print_page as page_of

    return page_of(context_for(sample))


def print_html_with_files(sample: Path, folder: Path) -> str:
    """The print HTML for plain WeasyPrint in a process of its own: its images written to `folder` as the files
    its URLs name, as WeasyPrint is used on its own."""
    html, images = print_page(sample)
    for url, image in images.items():
        path = folder / f"{image.digest}.{image.extension}"
        path.write_bytes(image.data)
        html = html.replace(f'"{url}"', f'"{path.resolve().as_uri()}"')
    return html


@functools.cache
def layouts(sample: Path) -> str:
    """How many times the PDF writer lays the sample out (figure placement), e.g. "4 layouts"."""
    from exporter.pipeline import render_all
    from exporter.writers.pdf import render

    count = 0
    real_placed = render.placed

    def counting(layout, root):
        def counted(extra_css: str):
            nonlocal count
            count += 1
            return layout(extra_css)

        return real_placed(counted, root)

    render.placed = counting
    try:
        render_all(context_for(sample), ("pdf",))
    finally:
        render.placed = real_placed
    return f"{count} layout{'s' if count != 1 else ''}"


def warm_rows(repeat: int) -> list[Row]:
    import pypandoc
    from weasyprint import HTML

    from exporter.images import clear_cache
    from exporter.pipeline import render_all
    from exporter.writers.pdf import repair as repair_module
    from exporter.writers.pdf.render import confined_fetcher, pdf_identifier

    def plain(sample: Path) -> Callable[[], object]:
        page, images = print_page(sample)
        context = context_for(sample)
        fetcher = confined_fetcher(context.confinement, images)
        base_url = sample.parent.resolve().as_uri() + "/"

        def run() -> None:
            HTML(string=page, base_url=base_url, url_fetcher=fetcher).write_pdf(
                pdf_variant="pdf/ua-1", pdf_identifier=pdf_identifier(context.document))

        return run

    def ours(fmt: str, cold: bool, sample: Path = SAMPLE) -> Callable[[], object]:
        def run() -> None:
            if cold:
                clear_cache()
            render_all(context_for(sample, (fmt,)), (fmt,))

        return run

    rows = []
    for sample in (SAMPLE, ONE_LAYOUT_SAMPLE):
        rows.append(Row(f"PDF, warm, image cache cleared, {layouts(sample)}",
                        *paired(ours("pdf", True, sample), plain(sample), repeat),
                        "plain WeasyPrint, same print HTML (one layout)", "≤ 1.10"))
    rows.append(Row(f"PDF, warm, images cached, {layouts(SAMPLE)}", *paired(ours("pdf", False), plain(SAMPLE), repeat),
                    "same"))
    # The structure repair pass's share of a warm PDF export.
    spent: list[float] = []
    real_repair = repair_module.repair

    def timed_repair(*args, **kwargs):
        start = time.process_time()
        try:
            return real_repair(*args, **kwargs)
        finally:
            spent.append(time.process_time() - start)

    repair_module.repair = timed_repair
    try:
        total, _ = paired(ours("pdf", True), None, repeat)
    finally:
        repair_module.repair = real_repair
    rows.append(Row("PDF structure repair pass", statistics.median(spent), total, "the whole warm PDF export"))
    pandoc_format = {"html": "html5", "epub": "epub3", "docx": "docx"}
    with tempfile.TemporaryDirectory() as scratch:
        for fmt, target in pandoc_format.items():
            output = str(Path(scratch) / f"pandoc.{fmt}")
            extra = ["--standalone"] if fmt == "html" else []

            def run_pandoc(target: str = target, output: str = output, extra: list[str] = extra) -> None:
                pypandoc.convert_file(str(SAMPLE), target, format="markdown", outputfile=output,
                                      extra_args=[f"--resource-path={SAMPLE.parent}", *extra])

            # pandoc runs as a child process: its CPU time is the children's.
            rows.append(Row(f"{fmt.upper()}, warm, image cache cleared", *paired(ours(fmt, True), run_pandoc, repeat,
                                                                                   measure=all_cpu_seconds),
                            "pandoc (its process start included)"))
    return rows


def all_cpu_seconds(action: Callable[[], object]) -> float:
    """CPU seconds of this process and of the child processes it waited for."""

    def now() -> float:
        own, children = os.times()[:2], os.times()[2:4]
        return sum(own) + sum(children)

    start = now()
    action()
    return now() - start


def image_rows(repeat: int) -> list[Row]:
    from PIL import Image

    from exporter.images import clear_cache, process_image

    photos = sorted((ROOT / "samples" / "images").glob("*.[jp][pn]g"))
    rows = []
    for photo in photos:
        data = photo.read_bytes()

        def cold(data: bytes = data, name: str = photo.name) -> None:
            clear_cache()
            process_image(data, max_edge=2000, name=name, other_edges=[1600])

        def cached(data: bytes = data, name: str = photo.name) -> None:
            process_image(data, max_edge=2000, name=name, other_edges=[1600])

        with Image.open(photo) as opened:
            size = f"{opened.width} x {opened.height} {opened.format}"
        rows.append(Row(f"{photo.name} ({size}) for 2000 and 1600 px, cold", *paired(cold, None, repeat), ""))
        rows.append(Row("  the same from the content-hash cache", *paired(cached, None, repeat), ""))
    big = io.BytesIO()
    Image.effect_noise((6000, 4000), 60).convert("RGB").save(big, "JPEG", quality=90)
    data = big.getvalue()

    def big_cold() -> None:
        clear_cache()
        process_image(data, max_edge=2000, name="big.jpg", other_edges=[1600])

    rows.append(Row("6000 x 4000 JPEG for 2000 and 1600 px, cold", *paired(big_cold, None, repeat), ""))
    return rows


def docx_packet_rows(folder: Path, runs: int) -> list[Row]:
    from benchmarks.packet import copy_samples, write_packet
    from exporter.images import clear_cache
    from exporter.pipeline import render_all

    articles = copy_samples(folder / "packet")
    packets = {size: write_packet(folder / "packet", articles, size) for size in PACKET_SIZES}

    def build(size: int) -> float:
        clear_cache()
        return cpu_seconds(lambda: render_all(context_for(packets[size], ("docx",)), ("docx",)))

    # The sizes take turns, run after run, so that the machine's drift falls on all of them alike (run one size
    # after another, the per-article differences swung by a third from run to run).
    times: dict[int, list[float]] = {size: [] for size in PACKET_SIZES}
    for size in PACKET_SIZES:
        build(size)  # warm-up
    for _ in range(runs):
        for size in PACKET_SIZES:
            times[size].append(build(size))
    seconds = {size: statistics.median(values) for size, values in times.items()}
    steps = list(itertools.pairwise(PACKET_SIZES))
    per_article = {(a, b): (seconds[b] - seconds[a]) / (b - a) for a, b in steps}
    first = per_article[steps[0]]
    rows = [Row(f"DOCX packet of {size} articles", seconds[size], None, "") for size in PACKET_SIZES]
    rows += [Row(f"DOCX packet, per added article, {a} -> {b}", cost, first,
                 f"per added article, {steps[0][0]} -> {steps[0][1]}", "flat: within 0.8-1.2")
             for (a, b), cost in per_article.items()]
    return rows


def table_rows(folder: Path, runs: int) -> list[Row]:
    from benchmarks.hardening import table_article
    from exporter.pipeline import render_all

    source = folder / "table-2000.json"
    source.write_text(json.dumps(table_article(2000)), encoding="utf-8")
    docx_seconds, html_seconds = paired(lambda: render_all(context_for(source, ("docx",)), ("docx",)),
                                        lambda: render_all(context_for(source, ("html",)), ("html",)), runs)
    return [Row("2,000-row table to DOCX, warm", docx_seconds, html_seconds, "the same table to HTML", "< 5 s")]


def peak_memory_mib(folder: Path) -> float:
    """Max RSS of a fresh process exporting the sample to every format."""
    command = [sys.executable, "-m", "exporter", "build", str(SAMPLE), "--to", "html,pdf,epub,docx", "--out",
               str(folder / "all")]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss / 1024  # Linux reports KiB


def markdown_table(rows: list[Row]) -> str:
    lines = ["| measurement | ours (CPU s) | baseline (CPU s) | ratio | target | baseline |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    for row in rows:
        baseline = f"{row.baseline:.3f}" if row.baseline else ""
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        lines.append(f"| {row.name} | {row.ours:.3f} | {baseline} | {ratio} | {row.target} | {row.label} |")
    return "\n".join(lines)


def write_readme(header: str, table: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    before, found, rest = text.partition(README_BEGIN)
    _, found_end, after = rest.partition(README_END)
    if not (found and found_end):
        raise SystemExit(f"README.md has no {README_BEGIN} ... {README_END} markers")
    readme.write_text(f"{before}{README_BEGIN}\n{header}\n\n{table}\n{README_END}{after}", encoding="utf-8")


if __name__ == "__main__":
    main()
