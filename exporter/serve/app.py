"""The web app: an upload page, a job page (status, outputs, figures, provenance, warnings, check report; JSON with
`?format=json`), and the alt-text fix form. A front end like the CLI: builds go through `exporter.run`'s
executor into the same pipeline, checks are the pipeline's `build --check`, and figures are read back from the
outputs with the checks' own fact readers. No JavaScript: the job page asks the browser to refresh it (the HTTP
`Refresh` header, which the person can turn off) until the job is done."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from exporter.errors import ExportError, one_line
from exporter.options import BuildOptions
from exporter.pipeline import clashing_stems
from exporter.resources import fonts_dir, templates_dir
from exporter.serve import security
from exporter.serve.jobs import Job, JobStore, Part, TooManyJobs
from exporter.serve.uploads import (
    ACCEPTED_EXTENSIONS,
    Upload,
    UploadError,
    UploadTooLarge,
    find_sources,
    save_uploads,
)

FORMAT_LABELS = {"pdf": "PDF (tagged, PDF/UA-1)", "epub": "EPUB 3", "docx": "Word document (DOCX)",
                 "html": "Web page (HTML)"}
FORMAT_NAMES = {".pdf": "PDF", ".epub": "EPUB", ".docx": "DOCX", ".html": "HTML"}
MAX_ALT = 1000
APP_POLICY = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# An output page is shown as a page of its own, with no script and no way to act as this app.
OUTPUT_POLICY = "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; " \
                "script-src 'none'; sandbox"


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    token: str | None = None
    keep_seconds: float = 3600
    max_upload_bytes: int = 50 * 1024 * 1024
    per_client: int = 4
    allow_network: bool = False
    root: Path | None = None  # where jobs live; a fresh temporary folder when None


def keep_text(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{int(seconds)} seconds"


def size_text(size: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def create_app(config: ServeConfig, store: JobStore) -> Starlette:
    environment = Environment(
        loader=FileSystemLoader(templates_dir() / "serve"), autoescape=select_autoescape(default=True)
    )
    common = {"keep_text": keep_text(config.keep_seconds), "max_upload_text": size_text(config.max_upload_bytes)}

    def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **values) -> HTMLResponse:
        html = environment.get_template(name).render(**common, **values)
        return HTMLResponse(html, status, headers={"Content-Security-Policy": APP_POLICY, **(headers or {})})

    def upload_page(form: dict, errors: dict[str, str], status: int = 200) -> HTMLResponse:
        return page(
            "upload.html.j2", status, form=form, errors=errors, formats=list(FORMAT_LABELS.items()),
            allow_network=config.allow_network, accept=",".join(sorted(ACCEPTED_EXTENSIONS)),
            field_ids={"formats": "format-pdf"},
        )

    default_form = {"formats": ["pdf", "epub", "docx", "html"], "page_size": "letter", "pdf_profile": "ua",
                    "check": True, "url": ""}

    async def home(request: Request) -> Response:
        return upload_page(default_form, {})

    async def create_job(request: Request) -> Response:
        try:
            form = await request.form(max_files=200, max_fields=50)
        except HTTPException as error:  # a malformed multipart body, too many files or fields
            return upload_page(default_form, {"sources": f"the form could not be read ({one_line(error.detail)})"}, 400)
        values = {
            "formats": [value for value in form.getlist("formats") if value in FORMAT_LABELS],
            "page_size": form.get("page_size") if form.get("page_size") in ("letter", "a4") else "letter",
            "pdf_profile": form.get("pdf_profile") if form.get("pdf_profile") in ("ua", "archive") else "ua",
            "check": form.get("check") == "1",
            "url": str(form.get("url") or "").strip() if config.allow_network else "",
        }
        files = [item for item in form.getlist("sources") if isinstance(item, UploadFile) and item.filename]
        errors: dict[str, str] = {}
        if not values["formats"]:
            errors["formats"] = "choose at least one format"
        if values["url"]:
            parts = urlsplit(values["url"])
            if parts.scheme != "https" or not parts.hostname:
                errors["url"] = "give an https address, such as https://www.defense.gov/News/..."
            elif files:
                errors["url"] = "give either files or an address, not both"
        elif not files:
            errors["sources"] = "choose at least one file to upload" + (
                " or give an address" if config.allow_network else ""
            )
        if errors:
            return upload_page(values, errors, 400)
        options = BuildOptions(
            formats=tuple(name for name in FORMAT_LABELS if name in values["formats"]),
            page_size=values["page_size"],
            pdf_profile=values["pdf_profile"],
            check=values["check"],
            allow_network=config.allow_network and bool(values["url"]),
        )
        client = request.client.host if request.client else "unknown"
        try:
            job = store.new_job(client, options)
        except TooManyJobs as error:
            return upload_page(values, {"sources": f"{error}; try again when one has finished"}, 429)
        try:
            if values["url"]:
                sources: list[tuple[Path | str, str]] = [(values["url"], values["url"])]
            else:
                uploads = [Upload(item.filename, item.file) for item in files]
                await run_in_threadpool(save_uploads, uploads, job.input_dir, config.max_upload_bytes)
                found = await run_in_threadpool(find_sources, job.input_dir)
                if not found:
                    raise UploadError("no article source among the uploads (only images?)")
                sources = [(path, str(path.relative_to(job.input_dir))) for path in found]
                if clash := clashing_stems(found):
                    first, second = (Path(path).relative_to(job.input_dir) for path in clash[:2])
                    raise UploadError(f"{first} and {second} would both make {clash[2]}.*: rename one, or upload "
                                      "them apart")
        except UploadError as error:
            store.discard(job)
            return upload_page(values, {"sources": str(error)}, 413 if isinstance(error, UploadTooLarge) else 400)
        except BaseException:
            store.discard(job)
            raise
        store.start(job, sources)
        return RedirectResponse(f"/jobs/{job.id}", 303)

    def find_job(request: Request) -> Job | None:
        return store.get(request.path_params["job_id"])

    async def show_job(request: Request, *, alt_error: dict | None = None, status: int = 200) -> Response:
        job = find_job(request)
        if job is None:
            return gone()
        parts = [await describe_part(job, part, index) for index, part in enumerate(job.parts, start=1)]
        if request.query_params.get("format") == "json":
            return JSONResponse(
                {"id": job.id, "state": job.state, "formats": list(job.options.formats), "parts": parts},
                headers={"Cache-Control": "no-store"},
            )
        refresh = job.state != "done" and request.query_params.get("refresh") != "off"
        done = [part for part in parts if part["state"] == "done"]
        failed = [part for part in done if part["error"]]
        if job.state != "done":
            heading, summary = "Working on it", f"{len(done)} of {len(parts)} built; " + (
                "building now." if job.state == "running" else "waiting for a free worker."
            )
        else:
            heading = "Your outputs" if not failed else "Some sources need attention"
            summary = f"Finished: {len(done) - len(failed)} of {len(parts)} built" + (
                f", {len(failed)} failed." if failed else "."
            )
        saved = request.query_params.get("saved")
        waiting = sum(len(part["missing_alt"] or []) for part in parts if part["missing_alt"])
        headers = {"Refresh": "3", "Cache-Control": "no-store"} if refresh else {"Cache-Control": "no-store"}
        return page(
            "job.html.j2", status, headers, job=job, parts=parts, heading=heading, summary=summary,
            refresh=refresh, alt_error=alt_error, saved=saved if saved and saved.isdigit() else None,
            waiting_figures=waiting, max_alt=MAX_ALT,
        )

    async def describe_part(job: Job, part: Part, index: int) -> dict:
        result = part.result if part.state == "done" else None
        described = {
            "index": index,
            "label": part.label,
            "state": part.state,
            "builds": part.builds,
            "queue_position": store.queue_position(part),
            "code": int(result.code) if result else None,
            "error": public(result.error, job) if result and result.error else None,
            "warnings": [public(message, job) for message in (result.warnings if result else [])],
            "outputs": [],
            "articles": [],
            "facts_from": None,
            "checks": [],
            "check_code": None,
            "verdict": None,
            "missing_alt": None,
        }
        described["status_text"] = status_text(part, described["queue_position"])
        if result is None:
            return described
        for path in result.outputs:
            if path.is_file():
                described["outputs"].append({
                    "name": path.name,
                    "format": FORMAT_NAMES.get(path.suffix.lower(), path.suffix),
                    "url": f"/jobs/{job.id}/files/{quote(path.name)}",
                    "size": size_text(path.stat().st_size),
                    "bytes": path.stat().st_size,
                })
        if part.facts is None and result.outputs:
            part.facts, part.facts_from = await run_in_threadpool(read_facts, result.outputs)
        if part.facts:
            described["facts_from"] = part.facts_from
            described["articles"] = [article_view(facts) for facts in part.facts]
            if part.provenance is None:
                part.provenance = await run_in_threadpool(source_provenance, part, job.options)
            for article, provenance in zip(described["articles"], part.provenance, strict=False):
                article.update(provenance)
        if result.checks:
            from exporter.checks.report import STATUS_LABEL, VERDICT, overall_exit_code

            code = overall_exit_code(result.checks)
            described["check_code"], described["verdict"] = int(code), VERDICT[code]
            described["checks"] = [
                {
                    "file": check.target.name,
                    "check": check.check,
                    "status": check.status,
                    "label": STATUS_LABEL[check.status] + (f" ({len(check.findings)})" if check.findings else ""),
                    "findings": [public(str(finding), job) for finding in check.findings],
                    "reason": public(check.reason, job) if check.status != "passed" else "",
                }
                for check in result.checks
            ]
        if result.error and not result.outputs and isinstance(part.source, Path):
            if part.missing_alt is None:
                part.missing_alt = await run_in_threadpool(figures_without_alt, part, job.options)
            described["missing_alt"] = [
                {**figure, "alt": part.alt_text.get(figure["number"], "")} for figure in part.missing_alt
            ]
        return described

    async def fix_alt(request: Request) -> Response:
        job = find_job(request)
        if job is None:
            return gone()
        index = request.path_params["index"]
        if not 1 <= index <= len(job.parts):
            return problem(404, "Not found", "This job has no such source.")
        part = job.parts[index - 1]
        form = await request.form(max_files=0, max_fields=5)
        number_text = str(form.get("figure") or "")
        alt = " ".join(str(form.get("alt") or "").split())
        known = {figure["number"] for figure in part.missing_alt or []}
        if part.state != "done" or not number_text.isdigit() or int(number_text) not in known:
            return problem(409, "Nothing to fix", "That figure has nothing to fix now; the job page shows what does.")
        number = int(number_text)
        message = None
        if not alt:
            message = "write the alt text: what the picture shows, for someone who cannot see it"
        elif len(alt) > MAX_ALT:
            message = f"keep the alt text under {MAX_ALT} characters (put the rest in the caption)"
        if message:
            return await show_job(request, alt_error={"part": index, "figure": number, "message": message}, status=400)
        part.alt_text[number] = alt
        if known <= set(part.alt_text):
            store.rebuild(job, part)
        return RedirectResponse(f"/jobs/{job.id}?saved={number}#part-{index}", 303)

    async def download(request: Request) -> Response:
        job = find_job(request)
        if job is None:
            return gone()
        relative = request.path_params["path"]
        out_dir = job.out_dir.resolve()
        target = (out_dir / relative).resolve()
        if (
            not target.is_relative_to(out_dir)
            or any(segment.startswith(".") for segment in Path(relative).parts)
            or not target.is_file()
        ):
            return problem(404, "Not found", "This job has no such file.")
        inline = target.suffix.lower() in (".html", ".css", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg",
                                           ".ttf", ".woff", ".woff2")
        return FileResponse(
            target,
            content_disposition_type="inline" if inline else "attachment",
            filename=target.name,
            headers={"Content-Security-Policy": OUTPUT_POLICY, "X-Content-Type-Options": "nosniff",
                     "Cache-Control": "no-store"},
        )

    async def signin_form(request: Request) -> Response:
        return page("signin.html.j2", 200, error=None, next=safe_next(request.query_params.get("next")))

    async def signin(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        offered = str(form.get("token") or "")
        target = safe_next(str(form.get("next") or "/"))
        if config.token is None:
            return RedirectResponse(target, 303)
        if not security.token_matches(config.token, offered):
            return page("signin.html.j2", 401, error="that token is not right", next=target)
        response = RedirectResponse(target, 303)
        response.set_cookie(security.COOKIE, security.session_value(config.token), httponly=True, samesite="strict",
                            max_age=int(config.keep_seconds))
        return response

    async def stylesheet(request: Request) -> Response:
        return FileResponse(templates_dir() / "serve" / "serve.css", media_type="text/css")

    async def font(request: Request) -> Response:
        name = request.path_params["name"]
        path = fonts_dir() / name
        if "/" in name or not name.endswith(".ttf") or not path.is_file():
            return problem(404, "Not found", "No such font.")
        return FileResponse(path, media_type="font/ttf")

    def problem(status: int, heading: str, message: str) -> HTMLResponse:
        return page("problem.html.j2", status, heading=heading, message=message)

    def gone() -> HTMLResponse:
        kept = common["keep_text"]
        return problem(404, "No such job", f"This job does not exist or has expired (jobs are kept {kept}).")

    async def too_large(request: Request, error: Exception) -> Response:
        """A body without a declared size that grows past the limit while a form is read."""
        limit = common["max_upload_text"]
        response = upload_page(default_form, {"sources": f"the upload is larger than the {limit} limit"}, 413)
        response.headers["Connection"] = "close"
        return response

    async def refuse(status: int, scope: Scope, receive: Receive, send: Send) -> None:
        """The pages for the guard's refusals: sign-in (401), the form with the size error (413), forbidden (403)."""
        if status == 401:
            response: Response = page("signin.html.j2", 401, error=None, next=safe_next(scope.get("path", "/")),
                                      headers={"WWW-Authenticate": 'Bearer realm="exporter"'})
        elif status == 413:
            limit = common["max_upload_text"]
            response = upload_page(default_form, {"sources": f"the upload is larger than the {limit} limit"}, 413)
        else:
            response = problem(403, "Forbidden", "This form was sent from another site; open this server's own page.")
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        async def expire_regularly() -> None:
            while True:
                await asyncio.sleep(max(1.0, min(60.0, config.keep_seconds / 4)))
                await run_in_threadpool(store.expire)

        task = asyncio.create_task(expire_regularly())
        try:
            yield
        finally:
            task.cancel()
            await run_in_threadpool(store.close)

    routes = [
        Route("/", home),
        Route("/jobs", create_job, methods=["POST"]),
        Route("/jobs/{job_id}", show_job),
        Route("/jobs/{job_id}/parts/{index:int}/alt", fix_alt, methods=["POST"]),
        Route("/jobs/{job_id}/files/{path:path}", download),
        Route("/signin", signin_form),
        Route("/signin", signin, methods=["POST"]),
        Route("/static/serve.css", stylesheet),
        Route("/static/fonts/{name}", font),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={security.TooLarge: too_large})
    guarded = security.Guard(
        app, token=config.token, max_body=config.max_upload_bytes, refuse=refuse,
        open_paths=frozenset({"/signin", "/static/serve.css"}),
    )
    if security.is_loopback(config.host):
        # A page elsewhere could rename its own host to 127.0.0.1 (DNS rebinding): only loopback names are served.
        return TrustedHostMiddleware(guarded, allowed_hosts=["127.0.0.1", "localhost", "[::1]", "::1"])
    return guarded


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this server only."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def status_text(part: Part, position: int | None) -> str:
    if part.state == "queued":
        return f"Waiting for a free worker (number {position} in the queue)." if position else "Waiting."
    if part.state == "running":
        return "Building now."
    result = part.result
    if result is None or result.error:
        return "Failed."
    return "Built." if result.code == 0 else f"Built, but checks did not pass (exit code {int(result.code)})."


def public(text: str, job: Job) -> str:
    """Messages name files by their place in the upload, never by the server's folders."""
    for folder in {job.folder, job.folder.resolve()}:
        for inner in ("input", "out"):
            text = text.replace(f"{folder / inner}/", "")
        text = text.replace(str(folder), "job")
    return one_line(text)


def read_facts(outputs: list[Path]):
    """What the outputs say (alt text, caption, credit, VIRIN, provenance), read by the checks' own readers from
    the first output that has one, the HTML page first: cheap to read, and every check compares it with the rest."""
    import importlib

    order = [".html", ".epub", ".docx", ".pdf"]
    for path in sorted(outputs, key=lambda p: order.index(p.suffix.lower()) if p.suffix.lower() in order else 9):
        module = importlib.import_module(f"exporter.checks.{path.suffix.lower()[1:]}_format")
        try:
            return module.facts(path), FORMAT_NAMES.get(path.suffix.lower(), path.suffix)
        except Exception:  # noqa: BLE001 - an output the reader cannot read: try the next one
            continue
    return [], None


def article_view(facts) -> dict:
    from exporter.checks.facts import numbered_figures

    view = asdict(facts)
    view["figures"] = [{"number": number, **asdict(figure)} for number, _, figure in numbered_figures([facts])]
    return view


def source_provenance(part: Part, options: BuildOptions) -> list[dict]:
    """Per article, the rest of its provenance as every output prints it (agency, retrieval date, rights):
    read from the source with the options of the build, as the pipeline read it."""
    from exporter.model import Packet
    from exporter.pipeline import apply_overrides
    from exporter.provenance import provenance_view
    from exporter.readers import read_document

    try:
        document = apply_overrides(read_document(Path(part.source), options).document, options)
    except ExportError:
        return []
    articles = document.articles if isinstance(document, Packet) else [document]
    views = [provenance_view(article) for article in articles]
    return [{"agency": view.agency, "retrieved": view.retrieved, "rights": view.rights} for view in views]


def figures_without_alt(part: Part, options: BuildOptions) -> list[dict]:
    """The figures the build refuses for want of alt text, numbered as the pipeline numbers them."""
    from exporter.model import Packet, plain_text
    from exporter.readers import read_document

    try:
        document = read_document(Path(part.source), options).document
    except ExportError:
        return []
    articles = document.articles if isinstance(document, Packet) else [document]
    figures = [figure for article in articles for figure in article.figures()]
    return [
        {
            "number": number,
            "title": figure.title,
            "caption": plain_text(figure.caption).strip() or None,
            "credit": figure.credit,
            "virin": figure.virin,
            "image": Path(figure.image).name if figure.image else "",
        }
        for number, figure in enumerate(figures, start=1)
        if not figure.decorative and not (figure.alt or "").strip()
    ]


def new_root(config: ServeConfig) -> Path:
    import tempfile

    if config.root is not None:
        config.root.mkdir(parents=True, exist_ok=True)
        return config.root
    return Path(tempfile.mkdtemp(prefix="exporter-serve-"))
