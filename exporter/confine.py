"""Confinement: what readers and renderers may read. Files only under the allowed folders; the network
only with --allow-network, https only, with size and time limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from exporter.errors import ExportError

MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 20


def is_remote(reference: str) -> bool:
    return urlsplit(reference).scheme.lower() in ("http", "https", "ftp")


@dataclass(frozen=True)
class Confinement:
    roots: tuple[Path, ...]
    allow_network: bool = False

    @classmethod
    def for_input(
        cls, input_dir: Path, images_dir: Path | None = None, *, allow_network: bool = False
    ) -> Confinement:
        from exporter.resources import fonts_dir, templates_dir

        roots = [input_dir, templates_dir(), fonts_dir()]
        if images_dir is not None:
            roots.append(images_dir)
        return cls(tuple(root.resolve() for root in roots), allow_network)

    def allows(self, path: Path) -> bool:
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

    def local_path(self, reference: str, base: Path) -> Path:
        """The file a relative path or file: URL names, refused when it leaves the allowed folders."""
        parts = urlsplit(reference)
        scheme = parts.scheme.lower()
        if scheme == "file" or scheme == "":
            candidate = Path(unquote(parts.path))
        else:
            raise ExportError(f"{reference!r}: {scheme}: references are not allowed")
        if not candidate.is_absolute():
            candidate = base / candidate
        if not self.allows(candidate):
            raise ExportError(
                f"{reference!r} is outside the allowed folders (the input's folder and --images); refused"
            )
        return candidate.resolve()

    def fetch(self, url: str) -> bytes:
        """Download with limits; only https, only with --allow-network."""
        if not self.allow_network:
            raise ExportError("network access is off (use --allow-network to fetch it)", file=url)
        if urlsplit(url).scheme.lower() != "https":
            raise ExportError("only https URLs are fetched", file=url)
        import time
        import urllib.request

        class HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
            """Refuse a redirect to anything but https before it is followed (nothing goes out in clear)."""

            def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
                if urlsplit(newurl).scheme.lower() != "https":
                    raise ExportError(f"redirected to {newurl[:80]}: only https is followed; refused", file=url)
                return super().redirect_request(req, fp, code, msg, headers, newurl)

        opener = urllib.request.build_opener(HttpsOnlyRedirects)
        request = urllib.request.Request(url, headers={"User-Agent": "gov-article-exporter/0.1"})
        deadline = time.monotonic() + DOWNLOAD_TIMEOUT_SECONDS
        chunks: list[bytes] = []
        received = 0
        try:
            with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                # The socket timeout bounds each read; the deadline bounds the whole download.
                while chunk := response.read(64 * 1024):
                    chunks.append(chunk)
                    received += len(chunk)
                    if received > MAX_DOWNLOAD_BYTES:
                        break
                    if time.monotonic() > deadline:
                        raise ExportError(f"took longer than {DOWNLOAD_TIMEOUT_SECONDS} s; refused", file=url)
        except OSError as error:
            raise ExportError(f"download failed ({error})", file=url) from None
        data = b"".join(chunks)
        if len(data) > MAX_DOWNLOAD_BYTES:
            raise ExportError(f"larger than {MAX_DOWNLOAD_BYTES // (1024 * 1024)} MB; refused", file=url)
        return data
