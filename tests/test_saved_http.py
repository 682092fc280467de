"""Saved queries over real HTTP: a `kosovo-kg serve` (gunicorn) process holding the shipped graph
on a loopback port. Caching and 304, formats, and a schemathesis fuzz run against /openapi.json
(no 5xx, every response matches the document)."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from endpoint_support import run_server

from kosovo_kg.settings import PROJECT_ROOT

B = "https://w3id.org/kosovo-kg/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {
        "KOSOVO_KG_DATA_DIR": str(PROJECT_ROOT / "data"),  # the shipped graph, read only
        "KOSOVO_KG_STORE_MODE": "memory",
        "KOSOVO_KG_WORKERS": "2",
        "KOSOVO_KG_HTTP_THREADS": "8",
        "KOSOVO_KG_QUERY_TIMEOUT": "20",
    }
    with run_server(tmp_path_factory.mktemp("saved-http"), env) as srv:
        yield srv


def call(server, name, accept=None, etag=None, **args):
    headers = {}
    if accept:
        headers["Accept"] = accept
    if etag:
        headers["If-None-Match"] = etag
    path = f"/queries/{name}" + ("?" + urllib.parse.urlencode(args) if args else "")
    return server.request("GET", path, headers=headers)


def test_caching_and_304_over_http(server):
    first = call(
        server,
        "recognitions-in-range",
        accept="text/csv",
        **{"from": "2008-02-17", "to": "2008-02-18"},
    )
    assert first.status == 200 and first.header("x-kosovo-kg-cache") == "miss"
    rows = list(csv.DictReader(io.StringIO(first.text)))
    assert {"CRI", "AFG", "ALB", "FRA", "TUR", "GBR", "USA"} <= {r["iso3"] for r in rows}
    etag = first.header("etag")
    assert etag and etag.startswith('"') and "max-age=" in first.header("cache-control")
    second = call(
        server,
        "recognitions-in-range",
        accept="text/csv",
        **{"from": "2008-02-17", "to": "2008-02-18"},
    )
    assert second.header("x-kosovo-kg-cache") == "hit" and second.body == first.body
    assert second.header("etag") == etag
    cond = call(
        server,
        "recognitions-in-range",
        accept="text/csv",
        etag=etag,
        **{"from": "2008-02-17", "to": "2008-02-18"},
    )
    assert cond.status == 304 and cond.body == b"" and cond.header("etag") == etag
    json_reply = call(server, "recognitions-in-range", **{"from": "2008-02-17", "to": "2008-02-18"})
    assert json_reply.header("etag") != etag  # another format, another answer
    stale = call(
        server,
        "recognitions-in-range",
        accept="text/csv",
        etag=json_reply.header("etag"),
        **{"from": "2008-02-17", "to": "2008-02-18"},
    )
    assert stale.status == 200


def test_formats_over_http(server):
    for accept, media in (
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html", "text/html"),
    ):
        reply = call(server, "withdrawals", accept=accept, status="resumed")
        assert reply.status == 200 and reply.header("content-type").startswith(media), accept
        assert "PLW-XKX-withdrawal-1" in reply.text
    assert call(server, "withdrawals", accept="text/turtle").status == 406
    post = server.request(
        "POST",
        "/queries/organisation-members",
        body=b"organisation=eu&recognises=yes&format=json",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert post.status == 200 and len(post.json()["results"]["bindings"]) == 22
    text = server.request("GET", "/queries/withdrawals.rq")
    assert (
        text.status == 200
        and text.text == (PROJECT_ROOT / "queries" / "withdrawals.rq").read_text()
    )
    listing = server.request("GET", "/queries", headers={"Accept": "application/json"})
    assert len(listing.json()["queries"]) >= 20


def test_concurrent_calls_agree(server):
    def one(i: int) -> bytes:
        return call(
            server, "organisation-members", organisation=["eu", "nato"][i % 2], format="csv"
        ).body

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(one, range(32)))
    assert len(set(bodies[0::2])) == 1 and len(set(bodies[1::2])) == 1


def test_schemathesis_fuzz(server):
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy())
        @hsettings(
            max_examples=4,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        def fuzz(case):
            nonlocal calls
            response = case.call(base_url=server.url, timeout=60)
            calls += 1
            case.validate_response(response, checks=checks)

        fuzz()
    assert calls >= len(operations)
    # the data are unchanged and the server still answers correctly
    reply = server.request("GET", "/queries/dataset-statistics?format=json")
    values = {
        b["metric"]["value"]: int(b["value"]["value"])
        for b in json.loads(reply.body)["results"]["bindings"]
    }
    assert values["recognitions"] == 124 and values["resumptions"] == 1
