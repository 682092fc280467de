"""The /sparql fast path (`kosovo_kg.web.fastpath`) answers exactly as the Flask view does.

Every request below goes once through the app as served (fast path in front of Flask) and once
through the Flask app alone; status, headers and body must be the same. A `before_request` hook
counts the requests Flask saw, so each case also proves which path answered it.
"""

from __future__ import annotations

import pytest
from endpoint_support import BASE, CARTESIAN, KR, counted_app
from werkzeug.test import Client

FORM = "application/x-www-form-urlencoded"
SELECT = f"SELECT ?s ?code WHERE {{ ?s <{KR}iso3> ?code }} ORDER BY ?code"
CONSTRUCT = f"CONSTRUCT {{ ?s <{KR}iso3> ?code }} WHERE {{ ?s <{KR}iso3> ?code }}"
ASK = f"ASK {{ <{BASE}id/state/DEU> ?p ?o }}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with counted_app(tmp_path_factory.mktemp("fastpath")) as (app, _, _, seen):
        yield app, seen


# (method, query string, content type, body, accept, answered by the fast path)
CASES = {
    "get-select-json": (
        "GET",
        {"query": SELECT},
        None,
        None,
        "application/sparql-results+json",
        True,
    ),
    "get-no-accept": ("GET", {"query": SELECT}, None, None, None, True),
    "post-form-xml": ("POST", {}, FORM, {"query": SELECT}, "application/sparql-results+xml", True),
    "post-form-csv": ("POST", {}, FORM, {"query": SELECT}, "text/csv", True),
    "post-direct-tsv": (
        "POST",
        {},
        "application/sparql-query",
        SELECT,
        "text/tab-separated-values",
        True,
    ),
    "format-param": ("GET", {"query": SELECT, "format": "csv"}, None, None, "*/*", True),
    "ask": ("POST", {}, FORM, {"query": ASK}, "application/json", True),
    "construct-turtle": ("POST", {}, "application/sparql-query", CONSTRUCT, "text/turtle", True),
    "construct-no-accept": ("GET", {"query": CONSTRUCT}, None, None, None, True),
    "construct-jsonld": ("GET", {"query": CONSTRUCT}, None, None, "application/ld+json", True),
    "named-graph": (
        "GET",
        {
            "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2",
            "default-graph-uri": BASE + "graph/reference",
        },
        None,
        None,
        "application/json",
        True,
    ),
    "deadline-504": ("GET", {"query": CARTESIAN}, None, None, "application/json", True),
    "html": ("GET", {"query": SELECT}, None, None, "text/html", False),
    "no-query": ("GET", {}, None, None, "text/turtle", False),
    "malformed": ("GET", {"query": "SELECT WHERE {"}, None, None, "application/json", True),
    "not-acceptable": ("GET", {"query": SELECT}, None, None, "text/turtle", False),
    "update": ("POST", {}, FORM, {"update": "CLEAR ALL"}, None, False),
    "service": (
        "GET",
        {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
        None,
        None,
        None,
        False,
    ),
    "bad-utf8": ("POST", {}, "application/sparql-query", b"ASK { \xff }", None, False),
    "wrong-type": ("POST", {}, "text/plain", "ASK {}", None, False),
}


def _call(app, case):
    method, args, ctype, body, accept, _ = case
    headers = {"Accept": accept} if accept else {}
    kwargs = {"query_string": args, "headers": headers}
    if method == "POST":
        kwargs["content_type"] = ctype
        kwargs["data"] = body
    response = Client(app).open("/sparql", method=method, **kwargs)
    return response.status_code, dict(response.headers), response.get_data()


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_answers_as_the_view_does(served, name):
    app, seen = served
    case = CASES[name]
    before = len(seen)
    fast = _call(app.wsgi_app, case)
    through_fast_path = len(seen) == before
    flask_only = _call(app.wsgi_app.app, case)  # the Flask app without the middleware
    assert through_fast_path is case[-1], f"{name}: answered by the wrong path"
    if name == "deadline-504":
        assert fast[0] == flask_only[0] == 504
    if name == "malformed":  # the lexer lets it through; Oxigraph's parser refuses it
        assert fast[0] == 400 and b"malformed query" in fast[2]
    assert fast == flask_only


def test_truncated_answer_is_flagged_on_the_fast_path(served):
    app, _ = served
    status, headers, body = _call(
        app.wsgi_app, ("GET", {"query": SELECT}, None, None, "application/json", True)
    )
    assert status == 200
    assert headers["X-Kosovo-KG-Truncated"] == "true" and headers["X-Kosovo-KG-Rows"] == "3"
    assert b'"truncated":true' in body.replace(b" ", b"")


def test_repeated_requests_answer_as_the_first(served):
    """The fast path keeps the parse of a request (clients repeat their queries): the second
    and third sending of each case answer as the first, refused ones included (a refusal is
    never kept), and the same bytes under another Content-Type are read afresh."""
    app, seen = served
    for name in ("post-form-xml", "ask", "bad-utf8", "wrong-type", "update"):
        answers = [_call(app.wsgi_app, CASES[name]) for _ in range(3)]
        assert answers[0] == answers[1] == answers[2], name
    body = "ASK {}"
    as_query = ("POST", {}, "application/sparql-query", body, "application/json", True)
    as_form = ("POST", {}, FORM, body, "application/json", False)  # a form with no `query`
    first = _call(app.wsgi_app, as_query)
    before = len(seen)
    second = _call(app.wsgi_app, as_form)
    assert first[0] == 200 and second[0] == 400
    assert len(seen) == before + 1  # the form went to the view, which refused it
    assert b"missing query" in second[2]
