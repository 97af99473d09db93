"""The fake portal's HTTP server reads a bounded request head, whatever a client sends."""

from __future__ import annotations

import socket

import pytest

from onestop.testing import FakePortal


def _exchange(port: int, head: bytes) -> bytes:
    """Send ``head`` on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def server():
    with FakePortal().serve() as running:
        yield running


def _head(n_headers: int, *, end: bool = True) -> bytes:
    lines = [b"GET /health HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [b"X-Filler-%d: %d" % (i, i) for i in range(n_headers - 2)]
    return b"\r\n".join(lines) + (b"\r\n\r\n" if end else b"\r\n")


def test_a_request_with_ordinary_headers_is_answered(server):
    answer = _exchange(server.port, _head(50))
    assert answer.startswith(b"HTTP/1.1 ") and not answer.startswith(b"HTTP/1.1 431")


def test_a_header_block_that_does_not_end_is_refused_with_431_and_closed(server):
    # 101 header lines and no end of the head: the server stops reading at its cap and answers
    # 431, instead of waiting (and storing) for ever; before the cap it read until the client
    # gave up (here: the socket's 10 s timeout).
    answer = _exchange(server.port, _head(101, end=False))
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert _exchange(server.port, _head(100)).startswith(b"HTTP/1.1 ")  # 100 is still fine
