"""--allow-network fetches only public addresses (checked after DNS resolution and on every redirect, connecting to
the address that was checked), errors do not tell open ports from closed ones, and the deadline holds against a
peer that dribbles. The peers listen on 127.0.0.1: the exporter itself refuses them; tests that need a
reachable server relax the address rule for that one port only, as a public server would pass it."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from exporter.confine import Confinement
from exporter.errors import ExportError
from exporter.network import Fetcher, is_public
from tests.hardening.peers import HttpsPeer, Listener, answer, client_tls, closed_port, dribble, redirect

NOT_PUBLIC = [
    "127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "192.0.2.1", "198.18.0.1", "224.0.0.251", "255.255.255.255", "240.0.0.1",
    "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:db8::1",
]
PUBLIC = ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.fixture
def listener():
    peer = Listener()
    yield peer
    peer.close()


def only_port(port: int):
    """The address rule a public server passes, for one test port on this machine."""
    return lambda address, checked_port: checked_port == port


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "127.1", "2130706433", "0x7f.0.0.1", "0.0.0.0", "[::ffff:127.0.0.1]"]
)
def test_this_machine_is_refused_in_every_spelling(listener: Listener, host: str) -> None:
    url = f"https://{host}:{listener.port}/page.html"
    with pytest.raises(ExportError) as caught:
        Confinement(roots=(), allow_network=True).fetch(url)
    assert "not a public internet address" in caught.value.problem
    assert listener.accepted == 0


def test_a_page_url_and_an_image_on_this_machine_are_refused_by_the_cli(
    tmp_path: Path, exporter_cli, listener: Listener
) -> None:
    page = exporter_cli("build", f"https://localhost:{listener.port}/page.html", "--allow-network", "--out", tmp_path)
    source = tmp_path / "a.md"
    source.write_text(f'---\ntitle: T\n---\n\n![c](https://127.0.0.1:{listener.port}/p.jpg){{alt="x"}}\n')
    image = exporter_cli("build", source, "--allow-network", "--to", "html", "--out", tmp_path / "out")
    for result in (page, image):
        assert result.returncode == 2, result.stderr
        assert "not a public internet address" in result.stderr and "Traceback" not in result.stderr
    assert listener.accepted == 0


def test_open_and_closed_ports_give_the_same_error(listener: Listener) -> None:
    """Even where connecting is allowed (a public host), a listening port that does not speak https and a
    closed port fail with one message: nothing tells them apart."""
    messages = []
    for port in (listener.port, closed_port()):
        fetcher = Fetcher(timeout=10, address_allowed=only_port(port), tls=client_tls())
        with pytest.raises(ExportError) as caught:
            fetcher.fetch(f"https://127.0.0.1:{port}/x")
        messages.append(caught.value.problem)
    assert messages[0] == messages[1] == "download failed: no https answer from the server"
    assert listener.accepted == 1


def test_every_redirect_is_checked_again(listener: Listener) -> None:
    for location in (f"https://127.0.0.1:{listener.port}/inside", f"https://localhost:{listener.port}/",
                     f"http://127.0.0.1:{listener.port}/"):
        peer = HttpsPeer(redirect(location))
        try:
            fetcher = Fetcher(timeout=10, address_allowed=only_port(peer.port), tls=client_tls())
            with pytest.raises(ExportError) as caught:
                fetcher.fetch(peer.url())
        finally:
            peer.close()
        assert "not a public internet address" in caught.value.problem or "only https" in caught.value.problem
        assert peer.accepted == 1
    assert listener.accepted == 0


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name answers with the checked address once, then with another. The fetch must use the
    first answer (one lookup), not look the name up again when it connects."""
    peer = HttpsPeer(answer(b"<html><h1>Hello</h1></html>"))
    real_lookup = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding_lookup(host, port, *args, **kwargs):
        if host == "rebind.test":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]
        return real_lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_lookup)
    allowed = lambda address, port: str(address) == "127.0.0.1" and port == peer.port  # noqa: E731
    try:
        data = Fetcher(timeout=10, address_allowed=allowed, tls=client_tls()).fetch(peer.url(host="rebind.test"))
    finally:
        peer.close()
    assert data == b"<html><h1>Hello</h1></html>"
    assert lookups == ["rebind.test"]


@pytest.mark.parametrize("where", ["body", "headers", "handshake"])
def test_the_deadline_holds_against_a_peer_that_dribbles(where: str) -> None:
    """The peer would take 10 minutes (a byte every 0.2 s): the fetch ends at its 1 s deadline, with the
    peer still far from done. (Per-read socket timeouts never fire here: every read gets a byte.)"""
    respond = dribble(0.2, 3000, in_headers=where == "headers")
    peer = HttpsPeer(respond, handshake=where != "handshake")
    try:
        with pytest.raises(ExportError) as caught:
            Fetcher(timeout=1, address_allowed=only_port(peer.port), tls=client_tls()).fetch(peer.url())
        assert caught.value.problem == "took longer than 1 s; refused"
        assert not peer.answered_in_full
    finally:
        peer.close()


def test_downloads_are_capped_in_size() -> None:
    peer = HttpsPeer(answer(b"x" * 5000))
    try:
        with pytest.raises(ExportError) as caught:
            Fetcher(timeout=10, max_bytes=1000, address_allowed=only_port(peer.port), tls=client_tls()).fetch(
                peer.url()
            )
    finally:
        peer.close()
    assert "larger than" in caught.value.problem


def test_a_public_answer_is_fetched() -> None:
    peer = HttpsPeer(answer(b"<html><title>T</title></html>"))
    try:
        data = Fetcher(timeout=10, address_allowed=only_port(peer.port), tls=client_tls()).fetch(
            peer.url(host="localhost")
        )
    finally:
        peer.close()
    assert data == b"<html><title>T</title></html>"
