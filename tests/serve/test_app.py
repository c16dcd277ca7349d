"""The web app through its HTTP interface, builds in process: uploads, the job page, the fix form, refusals."""

from __future__ import annotations

import io
import re
import zipfile
from concurrent.futures import Future
from pathlib import Path

from exporter.serve.app import ServeConfig
from tests.serve.conftest import PNG_1X1, article, make_server, zip_bytes


def test_upload_page_labels_every_field(server):
    page = server.client.get("/")
    assert page.status_code == 200
    assert "script-src 'none'" in page.headers["content-security-policy"]
    for field in ("sources", "format-pdf", "format-epub", "format-docx", "format-html", "page-size-a4", "check"):
        assert f'for="{field}"' in page.text and f'id="{field}"' in page.text
    assert "<script" not in page.text


def test_upload_builds_and_the_job_page_shows_figures_and_provenance(server):
    response = server.upload([("story.md", article("Two sailors on a pier.").encode()), ("photo.png", PNG_1X1)])
    assert response.status_code == 303
    job = server.wait(response.headers["location"])
    (part,) = job["parts"]
    assert part["error"] is None and part["code"] == 0
    assert [output["name"] for output in part["outputs"]] == ["story.html"]
    figure = part["articles"][0]["figures"][0]
    assert (figure["alt"], figure["credit"], figure["title"]) == ("Two sailors on a pier.", "Test Desk", "Photo title")
    page = server.client.get(response.headers["location"])
    assert "Two sailors on a pier." in page.text and "refresh" not in {k.lower() for k in page.headers}
    download = server.client.get(part["outputs"][0]["url"])
    assert download.status_code == 200 and b"Two sailors on a pier." in download.content
    assert "sandbox" in download.headers["content-security-policy"]


def test_the_job_page_shows_the_whole_provenance(server):
    source = article("Two sailors on a pier.").replace(
        "language: en\n",
        "language: en\nsource:\n  url: https://www.navy.mil/Press-Office/News/1/\n  agency: U.S. Navy\n"
        "  retrieved: '2025-03-04'\n",
    )
    location = server.upload([("story.md", source.encode()), ("photo.png", PNG_1X1)]).headers["location"]
    (part,) = server.wait(location)["parts"]
    provenance = part["articles"][0]
    assert provenance["source_url"] == "https://www.navy.mil/Press-Office/News/1/"
    assert (provenance["agency"], provenance["retrieved"], provenance["official_notice"]) == (
        "U.S. Navy", "2025-03-04", True,
    )
    page = server.client.get(location).text
    assert "<dt>Agency</dt><dd>U.S. Navy</dd>" in page and "<dt>Retrieved</dt><dd>2025-03-04</dd>" in page


def test_missing_alt_is_fixed_through_the_form(server):
    location = server.upload([("story.md", article(None).encode()), ("photo.png", PNG_1X1)]).headers["location"]
    job = server.wait(location)
    (part,) = job["parts"]
    assert "has no alt text" in part["error"] and not part["outputs"]
    assert [figure["number"] for figure in part["missing_alt"]] == [1]
    assert str(server.root) not in part["error"]  # messages name the upload, not the server's folders
    page = server.client.get(location)
    assert 'id="alt-1-1"' in page.text and "A caption for the photo." in page.text

    empty = server.client.post(f"{location}/parts/1/alt", data={"figure": "1", "alt": "  "}, follow_redirects=False)
    assert empty.status_code == 400
    assert 'aria-invalid="true"' in empty.text and 'aria-describedby="alt-1-1-error alt-1-1-about"' in empty.text
    assert re.search(r'role="alert"[^>]*>\s*<p class="alert"><a href="#alt-1-1"', empty.text)

    fixed = server.client.post(
        f"{location}/parts/1/alt", data={"figure": "1", "alt": "A sailor coils a line."}, follow_redirects=False
    )
    assert fixed.status_code == 303
    job = server.wait(location)
    (part,) = job["parts"]
    assert part["error"] is None and part["builds"] == 2
    assert part["articles"][0]["figures"][0]["alt"] == "A sailor coils a line."


def test_control_characters_typed_as_alt_text_are_left_out_as_in_a_source(server):
    """Found probing the web app: alt text holding NUL or ESC was taken as typed, and the EPUB's XHTML then failed
    as not well-formed, a message that did not point to the field; in a source such characters are left out."""
    location = server.upload([("story.md", article(None).encode()), ("photo.png", PNG_1X1)],
                             formats=("html", "epub")).headers["location"]
    server.wait(location)
    fixed = server.client.post(f"{location}/parts/1/alt", data={"figure": "1", "alt": "A sailor\x00 coils\x1b a line."},
                               follow_redirects=False)
    assert fixed.status_code == 303
    (part,) = server.wait(location)["parts"]
    assert part["error"] is None and part["articles"][0]["figures"][0]["alt"] == "A sailor coils a line."


def test_a_packet_in_a_zip_builds_as_one_document(server):
    packet = b"title: Packet\nlanguage: en\narticles:\n  - one.md\n  - two.md\n"
    bundle = zip_bytes({
        "drafts/packet.yaml": packet,
        "drafts/one.md": article("First photo.", "One").encode(),
        "drafts/two.md": article("Second photo.", "Two").encode(),
        "drafts/photo.png": PNG_1X1,
    })
    job = server.wait(server.upload([("drafts.zip", bundle)]).headers["location"])
    (part,) = job["parts"]
    assert part["label"] == "drafts/packet.yaml" and part["error"] is None
    assert [a["figures"][0]["alt"] for a in part["articles"]] == ["First photo.", "Second photo."]


def _damaged_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("news.md", article("x"))
    data = bytearray(buffer.getvalue())
    data[data.index(b"title") + 1] ^= 0x20  # one byte of the stored text changed: its CRC no longer matches
    return bytes(data)


def test_hostile_names_are_refused_and_nothing_is_kept(server, tmp_path):
    for name, body in [
        ("../escape.md", article("x").encode()),
        ("..", b""),
        (".hidden.md", article("x").encode()),
        ("run.sh", b"#!/bin/sh\n"),
        ("evil.zip", zip_bytes({"../../escape.md": b"x"})),
        ("evil.zip", zip_bytes({"ok/.git/config": b"x"})),
        # Found probing the web app: a bare 500 (the first three), or a build whose file could not be fetched.
        ("clash.zip", zip_bytes({"a": b"x", "a/b.md": article("x").encode()})),
        ("long.zip", zip_bytes({"n" * 300 + ".md": article("x").encode()})),
        ("deep.zip", zip_bytes({"d/" * 2000 + "a.md": article("x").encode()})),
        ("control.zip", zip_bytes({"bad\nname\x1b[31m.md": article("x").encode()})),
        ("drawing.svg", b"<svg/>"),
        ("crc.zip", _damaged_zip()),  # found in review: a bad CRC, found while reading, was a bare 500 too
    ]:
        response = server.upload([(name, body)])
        assert response.status_code == 400, name
        assert 'aria-invalid="true"' in response.text and "sources-error" in response.text
    assert list(server.root.iterdir()) == []
    assert not (tmp_path / "escape.md").exists()


def test_a_zip_bomb_is_refused(tmp_path):
    bomb = zip_bytes({"big.md": b"a" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    for server in make_server(tmp_path, max_upload_bytes=4 * 1024 * 1024):
        response = server.upload([("bomb.zip", bomb)])
        assert response.status_code == 413 and "limit" in response.text
        assert list(server.root.iterdir()) == []


def test_a_zip_with_a_high_compression_ratio_is_refused(server):
    # Under the size limit, but 8 MB of one byte: no real folder of articles compresses like this.
    response = server.upload([("ratio.zip", zip_bytes({"big.txt": b"a" * (8 * 1024 * 1024)}))])
    assert response.status_code == 400 and "zip bomb" in response.text


def test_over_the_size_limit_is_413(tmp_path):
    for server in make_server(tmp_path, max_upload_bytes=10_000):
        response = server.upload([("story.md", b"x" * 20_000)])
        assert response.status_code == 413 and "larger than" in response.text
        assert list(server.root.iterdir()) == []


def test_a_token_is_required_and_compared(tmp_path):
    for server in make_server(tmp_path, host="0.0.0.0", token="s3cret-token"):
        assert server.client.get("/").status_code == 401
        assert server.client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert server.upload([("story.md", b"x")]).status_code == 401
        assert server.client.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        wrong = server.client.post("/signin", data={"token": "nope", "next": "/"}, follow_redirects=False)
        assert wrong.status_code == 401 and 'aria-invalid="true"' in wrong.text
        signed = server.client.post("/signin", data={"token": "s3cret-token", "next": "/"}, follow_redirects=False)
        assert signed.status_code == 303 and "s3cret-token" not in signed.headers["set-cookie"]
        assert server.client.get("/").status_code == 200  # the cookie now carries the session


def test_posts_from_another_site_are_refused(server):
    response = server.client.post(
        "/jobs", data={"formats": "html"}, files=[("sources", ("a.md", b"x"))], headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403


def test_a_loopback_server_answers_only_loopback_host_names(server):
    assert server.client.get("/", headers={"Host": "attacker.example"}).status_code == 400


class NeverFinishes:
    """Builds that stay running: the jobs of a client stay unfinished."""

    def submit(self, source, options) -> Future:
        return Future()

    def close(self) -> None:
        pass


def test_at_most_n_unfinished_jobs_per_client_and_the_queue_is_visible(tmp_path):
    for server in make_server(tmp_path, per_client=2, builds=NeverFinishes()):
        files = [("story.md", article("x").encode())]
        first, second = server.upload(files), server.upload(files)
        assert first.status_code == second.status_code == 303
        refused = server.upload(files)
        assert refused.status_code == 429 and "at most 2" in refused.text
        running = server.client.get(first.headers["location"], params={"format": "json"}).json()
        waiting = server.client.get(second.headers["location"], params={"format": "json"}).json()
        assert running["parts"][0]["state"] == "running"
        assert (waiting["parts"][0]["state"], waiting["parts"][0]["queue_position"]) == ("queued", 1)
        page = server.client.get(second.headers["location"])
        assert page.headers["refresh"] == "3" and "number 1 in the queue" in page.text
        assert "refresh" not in server.client.get(second.headers["location"] + "?refresh=off").headers


class FailsOnce:
    """Builds whose first submit raises (a pool that cannot start a build), then build in this process."""

    def __init__(self) -> None:
        from exporter.run.executors import InProcess

        self.calls, self.inner = 0, InProcess()

    def submit(self, source, options) -> Future:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("no worker")
        return self.inner.submit(source, options)

    def close(self) -> None:
        pass


def test_a_build_that_cannot_start_fails_and_the_next_one_builds(tmp_path):
    """Found probing the web app: the dispatcher died on one failed submit, and every later job waited for good."""
    for server in make_server(tmp_path, builds=FailsOnce()):
        files = [("story.md", article("Two sailors on a pier.").encode()), ("photo.png", PNG_1X1)]
        first = server.wait(server.upload(files).headers["location"])
        assert "the build could not start (no worker)" in str(first)
        second = server.wait(server.upload(files).headers["location"])
        assert "could not start" not in str(second) and second["parts"][0]["state"] == "done"


def test_two_sources_that_would_make_the_same_outputs_are_refused(server):
    """Found probing the web app: a/news.md and b/news.md (or news.md beside news.docx) both said "Built." and
    linked to one news.html, which held the second article alone: the first was lost. The CLI refuses it too."""
    archive = zip_bytes({"a/news.md": article("Two sailors on a pier.", "Article A").encode(),
                         "b/news.md": article("Two sailors on a pier.", "Article B").encode(), "a/photo.png": PNG_1X1,
                         "b/photo.png": PNG_1X1})
    for files in ([("stories.zip", archive)],
                  [("news.md", article("x").encode()), ("news.txt", b"Headline\n\nBy Jane Doe\n\nBody.\n")]):
        response = server.upload(files)
        assert response.status_code == 400 and "would both make news.*" in response.text
    assert not any(server.root.iterdir())  # nothing kept


def test_jobs_expire_with_their_files(server):
    location = server.upload([("story.md", article("x").encode()), ("photo.png", PNG_1X1)]).headers["location"]
    server.wait(location)
    folder = next(server.root.iterdir())
    assert server.store.expire() == 0 and folder.exists()
    import time

    assert server.store.expire(now=time.monotonic() + server.store.keep_seconds + 1) == 1
    assert not folder.exists()
    assert server.client.get(location).status_code == 404


def test_downloads_stay_in_the_job_folder(server):
    location = server.upload([("story.md", article("x").encode()), ("photo.png", PNG_1X1)]).headers["location"]
    server.wait(location)
    for path in ("../input/story.md", "%2e%2e/input/story.md", ".story.exporter-lock", "nope.pdf"):
        assert server.client.get(f"{location}/files/{path}").status_code == 404, path


def test_serve_refuses_an_open_bind_without_a_token(tmp_path):
    from tests.conftest import run_exporter

    result = run_exporter("serve", "--host", "0.0.0.0", "--port", "1", env={"EXPORTER_TOKEN": ""})
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "--token" in result.stderr and "Traceback" not in result.stderr


def test_config_defaults_are_loopback():
    assert ServeConfig().host == "127.0.0.1"
    assert Path  # keeps the import used by type hints in helpers


def test_a_body_without_a_declared_size_is_cut_off_at_the_limit(tmp_path):
    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="sources"; filename="story.md"\r\n\r\n'
        for _ in range(40):
            yield b"x" * 1000
        yield b"\r\n--b--\r\n"

    for server in make_server(tmp_path, max_upload_bytes=10_000):
        response = server.client.post(
            "/jobs", content=body(), headers={"Content-Type": "multipart/form-data; boundary=b"}
        )
        assert response.status_code == 413 and "larger than" in response.text
        assert list(server.root.iterdir()) == []


def test_the_address_field_exists_only_with_allow_network(tmp_path, server):
    assert 'name="url"' not in server.client.get("/").text
    for other in make_server(tmp_path / "net", allow_network=True):
        assert 'name="url"' in other.client.get("/").text
        response = other.client.post("/jobs", data={"formats": "html", "url": "http://www.defense.gov/x"})
        assert response.status_code == 400 and 'id="url-error"' in response.text
        assert 'aria-describedby="url-hint url-error"' in response.text
