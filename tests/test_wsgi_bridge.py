"""The WSGI bridge of the ASGI app (`kosovo_kg.web.wsgi_bridge`): answers, streaming, errors."""

from __future__ import annotations

import asyncio

import pytest

from kosovo_kg.web.wsgi_bridge import BATCH_BYTES, QUEUED_BATCHES, WsgiBridge, wsgi_environ


def _scope(method="GET", path="/", query=b"", headers=()):
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": list(headers),
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5000),
    }


def _call(app, scope, body=b"", max_body=1000, threads=2):
    sent = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    async def run():
        await WsgiBridge(app, threads, max_body)(scope, receive, send)

    asyncio.run(run())
    return sent


def test_a_small_answer_is_one_start_and_one_body():
    def app(environ, start_response):
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-A", "b")])
        return [b"hello ", b"world"]

    sent = _call(app, _scope())
    assert sent[0] == {
        "type": "http.response.start",
        "status": 201,
        "headers": [(b"content-type", b"text/plain"), (b"x-a", b"b")],
    }
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"hello world"
    assert sent[-1]["more_body"] is False


def test_a_large_answer_streams_in_order():
    chunk = bytes(range(256)) * 64  # 16 KiB
    count = (QUEUED_BATCHES + 4) * BATCH_BYTES // len(chunk)

    def app(environ, start_response):
        start_response("200 OK", [])
        for i in range(count):
            yield i.to_bytes(4, "big") + chunk

    sent = _call(app, _scope())
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert len(body) == count * (len(chunk) + 4)
    assert [int.from_bytes(body[i : i + 4], "big") for i in range(0, len(body), 16388)] == list(
        range(count)
    )


def test_an_app_error_reaches_the_server():
    def app(environ, start_response):
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        _call(app, _scope())


def test_exc_info_replaces_the_status_until_the_body_starts():
    def app(environ, start_response):
        start_response("200 OK", [])
        try:
            raise ValueError("late")
        except ValueError as exc:
            start_response("500 Internal Server Error", [], (type(exc), exc, exc.__traceback__))
        return [b"oops"]

    sent = _call(app, _scope())
    assert sent[0]["status"] == 500


def test_the_environ_keeps_raw_bytes_and_the_body_is_capped():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        seen["body"] = environ["wsgi.input"].read()
        start_response("200 OK", [])
        return []

    scope = _scope(
        "POST",
        "/sparql",
        b"query=%FF&x=\xe9",
        [(b"content-type", b"text/plain"), (b"accept", b"a"), (b"accept", b"b")],
    )
    _call(app, scope, body=b"x" * 5000, max_body=100)
    assert seen["QUERY_STRING"] == "query=%FF&x=\xe9"  # latin-1 of the bytes, not refused
    assert seen["CONTENT_TYPE"] == "text/plain" and seen["HTTP_ACCEPT"] == "a,b"
    assert seen["body"] == b"x" * 101  # the limit + 1: enough for Flask to answer 413
    assert seen["PATH_INFO"] == "/sparql" and seen["SERVER_PORT"] == "8000"
    assert wsgi_environ(_scope(path="/é"), b"")["PATH_INFO"] == "/é".encode().decode("latin-1")
