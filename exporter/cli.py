"""Command line: `exporter build`, `exporter import`, `exporter check`, `exporter schema`, `exporter serve`.

Start-up stays light: argparse only; readers, writers and their engines are imported when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from exporter import __version__
from exporter.errors import ExitCode, ExportError, one_line
from exporter.formats import FORMATS
from exporter.run.process import prepare_build_process

if TYPE_CHECKING:
    from exporter.options import BuildOptions
    from exporter.run.executors import Builds
    from exporter.run.manifest import Manifest


def _formats(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown format {unknown[0] if unknown else value!r} (known: {', '.join(FORMATS)})"
        )
    return names


def _iso_date(value: str) -> str:
    from exporter.model import check_iso8601

    try:
        return check_iso8601(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive number")
    return number


def _duration(value: str) -> float:
    """`90s`, `30m`, `1h`, `2d` or plain seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    text = value.strip().lower()
    number, unit = (text[:-1], units[text[-1]]) if text and text[-1] in units else (text, 1)
    try:
        seconds = float(number) * unit
    except ValueError:
        raise argparse.ArgumentTypeError("a duration such as 90s, 30m, 1h or 2d") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("must be longer than nothing")
    return seconds


def _byte_size(value: str) -> int:
    """`50MB`, `500kB` or plain bytes."""
    units = {"kb": 1024, "mb": 1024**2, "gb": 1024**3}
    text = value.strip().lower()
    unit = next((name for name in units if text.endswith(name)), None)
    try:
        size = int(float(text[: -len(unit)] if unit else text) * (units[unit] if unit else 1))
    except ValueError:
        raise argparse.ArgumentTypeError("a size such as 50MB, 500kB or 1000000") from None
    if size <= 0:
        raise argparse.ArgumentTypeError("must be a positive size")
    return size


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="input_format",
        metavar="KIND",
        help="input kind instead of detection by extension: markdown, json, yaml, packet, html, "
        "text, dvids, docx",
    )
    parser.add_argument(
        "--source-url", metavar="URL", help="the article's source URL (overrides the input's)"
    )
    parser.add_argument(
        "--retrieved",
        metavar="DATE",
        type=_iso_date,
        help="when the source was retrieved (ISO 8601); recorded only when given or fetched",
    )
    parser.add_argument(
        "--images",
        dest="images_dir",
        metavar="DIR",
        type=Path,
        help="folder with photos for figures whose image is not at hand (found by VIRIN or file name)",
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="allow fetching remote pages and images (https only, with size and time limits)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exporter",
        description="Export articles to accessible PDF/UA-1, EPUB 3, DOCX and HTML, keeping every image's alt text, "
        "caption, credit and VIRIN and each article's provenance.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="export inputs to one or more formats",
        description="Write DIR/<input stem>.<format> for every input and format.",
    )
    build.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, or page URLs (with --allow-network)")
    build.add_argument(
        "--to",
        dest="formats",
        type=_formats,
        default=("html",),
        help=f"comma-separated formats: {','.join(FORMATS)} (default: html)",
    )
    build.add_argument(
        "-o",
        "--out",
        dest="out_dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="output folder (default: the current folder)",
    )
    build.add_argument(
        "--alt-from-caption",
        action="store_true",
        help="use the caption as alt text for figures that have none (reported as a warning)",
    )
    build.add_argument(
        "--strict",
        action="store_true",
        help="errors instead of warnings: missing images, poor alt text, Markdown read leniently",
    )
    build.add_argument("--embed-images", action="store_true", help="HTML: embed images as data URIs")
    build.add_argument("--embed-fonts", action="store_true", help="EPUB: embed the bundled fonts")
    build.add_argument(
        "--page-size",
        choices=("letter", "a4"),
        type=str.lower,
        default="letter",
        help="PDF page size (default: letter)",
    )
    build.add_argument(
        "--pdf-profile",
        choices=("ua", "archive"),
        default="ua",
        help="PDF: ua = PDF/UA-1; archive = PDF/A-3a and PDF/UA-1",
    )
    build.add_argument(
        "--a11y-certifier",
        metavar="NAME",
        help="EPUB: who certifies conformance (adds dcterms:conformsTo and a11y:certifiedBy)",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="validate the outputs right after writing (as `exporter check`); exit 1 when they fail",
    )
    build.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        metavar="N",
        help="processes: inputs built in parallel, or a single packet's PDF articles rendered in parallel "
        "(default: the number of cores)",
    )
    build.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=os.environ.get("EXPORTER_SCHEDULER") or None,
        help="build on a Dask cluster: tcp://HOST:8786 (a running scheduler), or local:N (N worker processes "
        "on this machine); default: $EXPORTER_SCHEDULER, else --jobs processes here",
    )
    build.add_argument(
        "--force", action="store_true", help="rebuild every input, even those the manifest in DIR shows current"
    )
    build.add_argument(
        "--prune",
        action="store_true",
        help="remove the outputs of inputs that no longer exist (without it they are only reported)",
    )
    build.add_argument(
        "--max-image-edge",
        type=_positive,
        metavar="PX",
        help="resize images so the long edge is at most PX (default per format)",
    )
    _add_input_options(build)

    importer = commands.add_parser("import", help="convert a source into canonical Markdown, JSON or YAML")
    importer.add_argument("source", metavar="SOURCE", help="a file, or a page URL (with --allow-network)")
    importer.add_argument(
        "-o", "--output", type=Path, required=True, metavar="OUT", help="OUT.md, OUT.json or OUT.yaml"
    )
    importer.add_argument(
        "--strict", action="store_true", help="errors instead of warnings: poor alt text, Markdown read leniently"
    )
    _add_input_options(importer)

    check = commands.add_parser(
        "check",
        help="validate outputs and prove the formats made from one source agree",
        description="Validate each file by its type (PDF, EPUB, DOCX, HTML); files sharing a stem are compared "
        "with each other (title, language, provenance, each figure's alt text, caption, credit and VIRIN).",
    )
    check.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="a PDF, EPUB, DOCX or HTML file, or a folder of them"
    )
    check.add_argument("--against", type=Path, metavar="SOURCE", help="also compare with this source's model")
    check.add_argument(
        "--json", action="store_true", help="print a machine-readable report (schema: `exporter schema --check`)"
    )
    check.add_argument("--debug", action="store_true", help="show tracebacks")

    serve = commands.add_parser(
        "serve",
        help="a web page to upload drafts and download the four formats with their check report",
        description="Start the web app (needs the serve extra). Loopback only unless --token is given.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--workers", type=_positive, metavar="N", help="warm worker processes building at once (default: the cores)"
    )
    serve.add_argument(
        "--token",
        default=os.environ.get("EXPORTER_TOKEN") or None,
        help="access token every request must carry (default: $EXPORTER_TOKEN); required off loopback",
    )
    serve.add_argument(
        "--keep", type=_duration, default=3600.0, metavar="TIME",
        help="delete jobs and their files this long after their last build (default: 1h)",
    )
    serve.add_argument(
        "--max-upload", type=_byte_size, default=50 * 1024 * 1024, metavar="SIZE",
        help="largest upload, unpacked zips included; larger ones get 413 (default: 50MB)",
    )
    serve.add_argument(
        "--per-client", type=_positive, default=4, metavar="N", help="unfinished jobs per client address (default: 4)"
    )
    serve.add_argument(
        "--data", type=Path, metavar="DIR", help="folder for jobs (default: a new temporary folder, removed on exit)"
    )
    serve.add_argument(
        "--allow-network", action="store_true", help="let people paste a page address (https, public addresses only)"
    )
    serve.add_argument("--debug", action="store_true", help="show tracebacks")

    schema = commands.add_parser("schema", help="print the JSON Schema of the article model")
    schema.add_argument(
        "--check", action="store_true", help="print the JSON Schema of `exporter check --json` (every finding code)"
    )
    return parser


def _options(args: argparse.Namespace) -> BuildOptions:
    from exporter.options import BuildOptions

    fields = BuildOptions.__dataclass_fields__
    values = {name: getattr(args, name) for name in fields if hasattr(args, name)}
    if values.get("images_dir") is not None and not values["images_dir"].is_dir():
        raise ExportError("--images: no such folder", file=values["images_dir"])
    return BuildOptions(**values)


def _say(prefix: str, message: object, *, stream=None) -> None:
    """Every line the commands print goes through here: control characters in a file name or title are shown
    escaped, so no message can forge another line or reach the terminal as an escape sequence."""
    print(f"{prefix}{one_line(str(message))}", file=stream or sys.stderr)


def _print_error(error: ExportError) -> None:
    _say("error: ", error)


def _print_warnings(messages: Sequence[str]) -> None:
    for message in messages:
        _say("warning: ", message)


def expand_inputs(inputs: Sequence[str]) -> tuple[list[Path | str], list[ExportError]]:
    """A folder stands for the article sources directly inside it (by extension), so `samples/*` works; a
    symbolic link in it that leads out of the folder is refused, as a packet refuses such an entry, and a page
    or document an earlier build wrote there (its manifest says so) is not a source. Page URLs stay text.
    Returns the inputs and the refusals."""
    from exporter.confine import inside_folder
    from exporter.pipeline import is_url
    from exporter.readers import EXTENSIONS
    from exporter.run.manifest import outputs_built_in, source_key

    expanded: list[Path | str] = []
    refused: list[ExportError] = []
    for text in inputs:
        if is_url(text):
            expanded.append(text)
            continue
        item = Path(text)
        if not item.is_dir():
            expanded.append(item)
            continue
        found = sorted(p for p in item.iterdir() if p.suffix.lower() in EXTENSIONS and not p.is_dir())
        built_here = outputs_built_in(item)
        ours = [path for path in found if built_here.get(path.name, source_key(path)) != source_key(path)]
        if ours:
            # Building them again would read our own pages back as articles, each clashing with its source.
            _say("note: ", f"{item}: {len(ours)} files an earlier build wrote here are not sources; skipped")
        found = [path for path in found if path not in ours]
        if not found and not ours:
            _say("note: ", f"{item}: a folder with no article sources; skipped")
        for path in found:
            if not inside_folder(path, item):
                refused.append(
                    ExportError(
                        f"a link to {path.resolve()}, outside the folder {item}; refused", file=path
                    )
                )
            else:
                expanded.append(path)
    return expanded, refused


def _planned_outputs(stem: str, formats: Sequence[str]) -> list[str]:
    return [f"{stem}.{fmt}" for fmt in formats] + ([f"{stem}_files"] if "html" in formats else [])


def command_build(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from exporter.batch import default_jobs, run_batch
    from exporter.checks.report import STATUS_LABEL
    from exporter.output import InputFiles, recover_folder, refuse_replacing_inputs
    from exporter.pipeline import InputResult, clashing_stems, output_stem
    from exporter.run.manifest import Manifest, plan

    options = _options(args)
    if args.scheduler:
        from exporter.run.cluster import check_scheduler

        check_scheduler(args.scheduler)
    inputs, refused = expand_inputs(args.inputs)
    if not inputs and not refused:
        raise ExportError("no inputs to build")
    if clash := clashing_stems(inputs):
        first, second, stem = clash
        raise ExportError(f"{second} and {first} would both write {stem}.*: rename one or build them apart")
    recover_folder(options.out_dir)
    local_inputs = InputFiles(source for source in inputs if isinstance(source, Path))
    for source in list(inputs):
        try:
            refuse_replacing_inputs(
                options.out_dir, _planned_outputs(output_stem(source), options.formats), local_inputs
            )
        except ExportError as error:
            inputs.remove(source)
            refused.append(error)

    def report(result: InputResult) -> None:
        _print_warnings(result.warnings)
        if result.error:
            _say("error: ", result.error)
        for path in result.outputs:
            _say("wrote ", path, stream=sys.stdout)
        for check in result.checks:
            label = STATUS_LABEL[check.status]
            _say("check: ", f"{check.target}: {check.check}: {label}", stream=sys.stdout)
            for finding in check.findings:
                _say("check: ", f"{check.target}: {check.check}: {finding}", stream=sys.stdout)
            if check.reason and check.status != "passed":
                _say("check: ", f"{check.target}: {check.check}: {check.reason}", stream=sys.stdout)

    if options.source_url is not None and len(inputs) + len(refused) > 1:
        raise ExportError("--source-url names the source of one article: give it with a single input")
    results = [InputResult(error.file or "", error.code, error=str(error)) for error in refused]
    for result in results:
        report(result)
    # --debug builds in this process, so that a traceback shows where it failed.
    options.jobs = 1 if options.debug else (args.jobs or default_jobs())
    with Manifest(options.out_dir) as manifest:
        to_build, unchanged = plan(manifest, inputs, options, args.force)
        options_for = {source: replace(options, formats=formats) for source, formats in to_build}

        def report_and_record(result: InputResult) -> None:
            manifest.record(result, options_for.get(result.source, options))
            report(result)

        if to_build:
            builds = None if options.debug else _cluster_builds(args.scheduler)
            results += run_batch(
                list(options_for), options, options.jobs, report_and_record, builds=builds, options_for=options_for
            )
        gone = _report_deleted(manifest, args.prune, [source for source in inputs if isinstance(source, Path)])
    failures = [result for result in results if result.error]
    if unchanged or gone or len(results) > 1:
        counts = f"{len(unchanged)} unchanged, {len(results) - len(failures)} rebuilt, {len(failures)} failed"
        if gone:
            counts += f", {gone} deleted" + (" (outputs removed)" if args.prune else " (outputs kept: --prune)")
        _say("summary: ", counts)
    if len(results) > 1 and failures:
        _say("summary: ", f"{len(results) - len(failures)} of {len(results)} inputs built; failed:")
        for result in failures:
            _say("  ", result.error)
    return int(max((result.code for result in results), default=ExitCode.OK))


def _cluster_builds(address: str | None) -> Builds | None:
    """A Dask cluster's builds for --scheduler / EXPORTER_SCHEDULER, else None (this machine's processes)."""
    if not address:
        return None
    from exporter.run.cluster import DaskBuilds

    try:
        return DaskBuilds(address)
    except ImportError as error:
        raise ExportError(
            f"--scheduler needs Dask ({error.name} is missing): pip install 'gov-article-exporter[cluster]'"
        ) from None


def _report_deleted(manifest: Manifest, prune: bool, inputs: list[Path]) -> int:
    """Inputs recorded in the manifest that are gone: their outputs are named, and removed with --prune (never
    one that is an input of this run, or a folder holding one). Returns how many."""
    deleted = manifest.deleted(protected=inputs)
    for gone in deleted:
        if not prune:
            listed = ", ".join(str(path) for path in gone.outputs) or "none left"
            _say("note: ", f"{gone.source} no longer exists; its outputs are kept (--prune removes them): {listed}")
            continue
        kept = manifest.prune(gone)
        for path in gone.outputs:
            if path not in kept:
                _say("removed ", path, stream=sys.stdout)
        for path in kept:
            if path.is_dir():
                _say("note: ", f"{path} is kept with the page that shows it")
            else:
                _say("note: ", f"{path} was changed after it was built from {gone.source}, which is gone: kept")
    return len(deleted)


def command_import(args: argparse.Namespace) -> int:
    from exporter.errors import Warnings
    from exporter.model import Packet
    from exporter.output import recover_folder, write_outputs
    from exporter.pipeline import apply_overrides, is_url, review_alt
    from exporter.readers import read_document
    from exporter.serialize import serialize

    options = _options(args)
    output: Path = args.output
    if is_url(args.source):
        from exporter.readers.html_page import read_url

        result = read_url(args.source, options)
    else:
        result = read_document(Path(args.source), options)
    warnings = Warnings(strict=options.strict)
    for message in result.warnings:
        warnings.warn(message)
    # Import keeps what the source has (even figures without alt text): alt text is required at build time.
    document = apply_overrides(result.document, options)
    articles = document.articles if isinstance(document, Packet) else [document]
    for number, figure in enumerate((f for a in articles for f in a.figures()), start=1):
        review_alt(figure, number, str(args.source), warnings)
    assets: dict[str, dict[str, bytes]] = {}
    if result.images:
        from exporter.readers.docx import relocate_images

        folder = f"{output.stem}_files"
        assets[folder] = relocate_images(document, result.images, folder)
    data = serialize(document, output, warnings)
    out_dir = output.parent if str(output.parent) else Path(".")
    recover_folder(out_dir)
    write_outputs(out_dir, {output.name: data}, assets, unit=output.stem, inputs=result.inputs)
    _print_warnings(warnings.messages)
    _say("wrote ", output, stream=sys.stdout)
    return 0


def command_check(args: argparse.Namespace) -> int:
    from exporter.checks.report import as_json, overall_exit_code, print_report
    from exporter.checks.run import check_files

    if args.against is not None and not args.against.is_file():
        raise ExportError("--against: no such file", file=args.against)
    results = check_files(list(args.files), args.against)
    if args.json:
        print(as_json(results))
    else:
        print_report(results)
    return int(overall_exit_code(results))


def command_schema(args: argparse.Namespace) -> int:
    import json

    if args.check:
        from exporter.checks.codes import report_schema

        print(json.dumps(report_schema(), indent=2, ensure_ascii=False))
        return 0

    from pydantic import TypeAdapter

    from exporter.model import Article, Packet

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Exporter article model",
        "oneOf": [{"$ref": "#/$defs/Article"}, {"$ref": "#/$defs/Packet"}],
    }
    adapter = TypeAdapter(Article | Packet)
    generated = adapter.json_schema(ref_template="#/$defs/{model}")
    schema["$defs"] = generated.get("$defs", {})
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def command_serve(args: argparse.Namespace) -> int:
    from exporter.batch import default_jobs
    from exporter.serve import run

    try:
        from exporter.serve.app import ServeConfig
    except ImportError as error:
        raise ExportError(
            f"exporter serve needs the serve extra ({error.name} is missing): pip install 'gov-article-exporter[serve]'"
        ) from None
    config = ServeConfig(
        host=args.host, port=args.port, workers=args.workers or default_jobs(), token=args.token,
        keep_seconds=args.keep, max_upload_bytes=args.max_upload, per_client=args.per_client,
        allow_network=args.allow_network, root=args.data,
    )
    return run(config)


def main(argv: Sequence[str] | None = None) -> int:
    prepare_build_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return int(ExitCode.BAD_INPUT)
    debug = getattr(args, "debug", False) or os.environ.get("EXPORTER_DEBUG") == "1"
    try:
        if args.command == "build":
            return command_build(args)
        if args.command == "import":
            return command_import(args)
        if args.command == "check":
            return command_check(args)
        if args.command == "schema":
            return command_schema(args)
        if args.command == "serve":
            return command_serve(args)
    except ExportError as error:
        if debug:
            raise
        _print_error(error)
        return int(error.code)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if debug:
            raise
        _say("error: ", f"internal error: {type(error).__name__}: {error} (run with --debug for details)")
        return int(ExitCode.INCOMPLETE)
    parser.error(f"unknown command {args.command}")
    return int(ExitCode.BAD_INPUT)
