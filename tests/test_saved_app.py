"""Saved queries through the real Flask app and the real engine (worker processes holding the
shipped graph): listing, running in every format, 400s, caching and 304, injection, limits,
OpenAPI."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from markupsafe import escape
from openapi_spec_validator import validate

from kosovo_kg.engine import Engine
from kosovo_kg.saved.header import HeaderError
from kosovo_kg.saved.library import load_library
from kosovo_kg.saved.sample import LocalRunner, federated
from kosovo_kg.settings import PROJECT_ROOT, load_settings
from kosovo_kg.store import dump_path
from kosovo_kg.web import create_app

B = "https://w3id.org/kosovo-kg/"
INJECTIONS = [
    '" } ; DROP ALL ; #',
    "> } UNION { ?s ?p ?o",
    "'} ; CLEAR DEFAULT ; SELECT * {'",
    "x\n} ; DELETE WHERE { ?s ?p ?o } #",
    '\\" ) } INSERT DATA { <a:b> <a:c> <a:d> } #',
    "Ελλάδα 🇽🇰 \u202e",
    "%00\x00",
]


@pytest.fixture(scope="module")
def settings():
    return load_settings({"workers": 1}, environ={})


@pytest.fixture(scope="module")
def engine(settings):
    eng = Engine(settings).start()
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def client(settings, engine):
    return create_app(settings, engine=engine).test_client()


@pytest.fixture(scope="module")
def library():
    return load_library(PROJECT_ROOT / "queries")


@pytest.fixture(scope="module")
def local():
    return LocalRunner(dump_path(PROJECT_ROOT / "data"), B)


def get(client, name, accept=None, **args):
    headers = {"Accept": accept} if accept else {}
    path = f"/queries/{name}" + ("?" + urllib.parse.urlencode(args) if args else "")
    return client.get(path, headers=headers)


def bindings(response):
    return json.loads(response.data)["results"]["bindings"]


def quads(client) -> int:
    r = client.get(
        "/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"}
    )
    return int(bindings(r)[0]["n"]["value"])


# --- listing, text, OpenAPI ---------------------------------------------------------------------
def test_listing_json_and_html(client, library):
    data = client.get("/queries").get_json()
    assert [q["name"] for q in data["queries"]] == list(library)
    first = data["queries"][0]
    assert {"name", "title", "description", "params", "url", "text_url", "example_url"} <= set(
        first
    )
    html = client.get("/queries", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"
    page = html.get_data(as_text=True)
    for name, query in library.items():
        assert f'id="{name}"' in page and f"/queries/{name}.rq" in page
        assert "curl -H" in page and str(escape(query.title)) in page
    assert client.get("/queries?format=yaml").status_code == 400
    # each query shows a sample of its example's output: the EU's five non-recognising members
    section = page.split('id="organisation-members"', 1)[1].split("<section", 1)[0]
    assert "Sample output of the example (5 rows in all)" in section
    assert "Cyprus" in section and "Spain" in section


def test_query_text(client, library):
    for name, query in library.items():
        r = client.get(f"/queries/{name}.rq")
        assert r.status_code == 200 and r.mimetype == "application/sparql-query"
        assert r.get_data(as_text=True) == query.text
    assert client.get("/queries/no-such-query.rq").status_code == 404


def test_openapi_document_is_valid_and_complete(client, library):
    doc = client.get("/openapi.json").get_json()
    validate(doc)  # raises on an invalid OpenAPI 3.1 document
    assert doc["openapi"].startswith("3.1")
    for name, query in library.items():
        op = doc["paths"][f"/queries/{name}"]["get"]
        assert [p["name"] for p in op["parameters"]] == [p.name for p in query.params] + ["format"]
        assert "application/sparql-results+json" in op["responses"]["200"]["content"]
        assert "304" in op["responses"] and "400" in op["responses"]
        for param, spec in zip(query.params, op["parameters"], strict=False):
            assert spec["required"] == param.required and spec["example"] == param.example


# --- running ----------------------------------------------------------------------------------
def test_every_query_runs_with_its_example_like_in_process(client, library, local):
    for name, query in library.items():
        if federated(query):
            continue  # needs another endpoint; covered by the engine's allowlist tests
        r = get(client, name, **query.example_args())
        assert r.status_code == 200, (name, r.data)
        assert r.headers["X-Kosovo-KG-Truncated"] == "false"
        served = [{k: v["value"] for k, v in b.items()} for b in bindings(r)]
        assert served == local.rows(query, query.example_args()), name


def test_formats(client):
    args = {"status": "annulled"}
    j = get(client, "withdrawals", **args)
    assert j.mimetype == "application/sparql-results+json"
    x = get(client, "withdrawals", accept="application/sparql-results+xml", **args)
    root = ET.fromstring(x.data)
    assert root.tag.endswith("sparql") and len(root.findall(".//{*}result")) == 1
    c = get(client, "withdrawals", accept="text/csv", **args)
    rows = list(csv.DictReader(io.StringIO(c.get_data(as_text=True))))
    assert [r["withdrawal"] for r in rows] == [B + "id/event/GNB-XKX-withdrawal-1"]
    t = get(client, "withdrawals", format="tsv", **args)
    assert t.mimetype == "text/tab-separated-values" and t.data.startswith(b"?status\t")
    h = get(client, "withdrawals", format="html", **args)
    assert h.mimetype == "text/html" and b"GNB-XKX-withdrawal-1" in h.data
    assert get(client, "withdrawals", format="turtle", **args).status_code == 406
    assert get(client, "withdrawals", accept="image/png", **args).status_code == 406
    assert get(client, "withdrawals", format="pdf", **args).status_code == 400


def test_post_form_equals_get(client):
    g = get(client, "organisation-members", organisation="eu", recognises="no")
    p = client.post(
        "/queries/organisation-members", data={"organisation": "eu", "recognises": "no"}
    )
    assert p.status_code == 200 and p.data == g.data and p.headers["ETag"] == g.headers["ETag"]
    assert len(bindings(p)) == 5


@pytest.mark.parametrize(
    ("name", "args", "words"),
    [
        ("state-profile", {}, "parameter 'state': missing; expected an ISO 3166-1 alpha-3 code"),
        ("state-profile", {"state": "ZZZ"}, "no state with ISO code ZZZ"),
        ("recognitions-in-range", {"from": "2008-02-30"}, "for example from=2008-02-17"),
        ("timeline", {"to": "soon"}, "parameter 'to': not a date"),
        (
            "organisation-members",
            {"organisation": "asean"},
            "one of un, eu, nato, oic, g20, g7, brics",
        ),
        ("state-by-qid", {"qid": "142"}, "parameter 'qid': not a Wikidata QID"),
        ("fact-sources", {"event": "not an iri"}, "parameter 'event': not an absolute IRI"),
        ("withdrawals", {"colour": "red"}, "unknown parameter 'colour'"),
    ],
)
def test_bad_parameters_get_400_naming_parameter_type_and_example(client, name, args, words):
    r = get(client, name, **args)
    assert r.status_code == 400 and r.mimetype == "text/plain"
    assert words in r.get_data(as_text=True)


def test_unknown_query_is_404(client):
    r = get(client, "no-such-query")
    assert r.status_code == 404 and b"withdrawals" in r.data


# --- caching ------------------------------------------------------------------------------------
def test_etag_cache_and_304(client):
    first = get(client, "organisation-members", organisation="nato", recognises="no", format="csv")
    again = get(client, "organisation-members", organisation="nato", recognises="no", format="csv")
    etag = first.headers["ETag"]
    assert etag == again.headers["ETag"] and again.data == first.data
    assert again.headers["X-Kosovo-KG-Cache"] == "hit"
    assert "max-age=" in first.headers["Cache-Control"] and "Accept" in first.headers["Vary"]
    path = "/queries/organisation-members?organisation=nato&recognises=no&format=csv"
    cond = client.get(path, headers={"If-None-Match": etag})
    assert cond.status_code == 304 and cond.data == b"" and cond.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": '"other", ' + etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    other_format = get(client, "organisation-members", organisation="nato", recognises="no")
    other_args = get(
        client, "organisation-members", organisation="nato", recognises="yes", format="csv"
    )
    assert len({etag, other_format.headers["ETag"], other_args.headers["ETag"]}) == 3


def test_equivalent_parameters_share_one_answer(client):
    a = get(client, "state-profile", state="FRA").headers["ETag"]
    assert get(client, "state-profile", state="fra").headers["ETag"] == a
    assert get(client, "state-profile", state="Q142").headers["ETag"] == a
    default = get(client, "withdrawals").headers["ETag"]
    assert get(client, "withdrawals", status="all").headers["ETag"] == default


# --- injection ----------------------------------------------------------------------------------
def test_injection_strings_get_clean_empty_results_or_400(client, library):
    before = quads(client)
    tried = 0
    for name, query in library.items():
        if federated(query):
            continue
        for param in query.params:
            if param.type.name not in ("string", "enum", "iri", "state", "qid", "date", "integer"):
                continue
            for payload in INJECTIONS:
                args = query.example_args()
                args[param.name] = payload
                r = client.post(f"/queries/{name}", data=args)
                tried += 1
                assert r.status_code in (200, 400), (name, param.name, payload, r.data)
                if r.status_code == 400:
                    assert f"parameter '{param.name}'" in r.get_data(as_text=True)
                    continue
                assert param.type.name == "string", (name, param.name, payload)
                assert bindings(r) == [], (name, param.name, payload)
    assert tried > 100
    assert quads(client) == before


# --- same limits as /sparql ----------------------------------------------------------------------
def test_row_limit_applies(tmp_path):
    settings = load_settings({"workers": 1, "max_rows": 5}, environ={})
    eng = Engine(settings).start()
    try:
        client = create_app(settings, engine=eng).test_client()
        r = get(client, "recognitions-all")
        assert r.status_code == 200 and r.headers["X-Kosovo-KG-Truncated"] == "true"
        assert len(bindings(r)) == 5
    finally:
        eng.close()


def test_server_refuses_a_bad_library(tmp_path, engine):
    (tmp_path / "ok.rq").write_text(
        "#+ title: T\n#+ description: D\nSELECT * { ?s ?p ?o } LIMIT 1\n"
    )
    (tmp_path / "bad.rq").write_text("#+ title: T\n#+ description: D\n#+ tags x\nSELECT * {}\n")
    settings = load_settings({"workers": 1, "queries_dir": tmp_path}, environ={})
    with pytest.raises(HeaderError, match=r"bad\.rq:3: unknown header field"):
        create_app(settings, engine=engine)
    (tmp_path / "bad.rq").write_text("#+ title: T\n#+ description: D\nSELECT * {\n ?s ?p ?o\n")
    with pytest.raises(HeaderError, match=r"bad\.rq:(\d+): malformed query: error at \1:"):
        create_app(settings, engine=engine)


def test_federated_query_outside_the_allowlist(tmp_path, engine):
    """The server starts (a library may hold federated queries); a call gets the engine's 400
    and the listing says why. The engine's allowlist is the one /sparql uses."""
    (tmp_path / "fed.rq").write_text(
        "#+ title: Federated\n#+ description: D\n"
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }\n"
    )
    settings = load_settings({"workers": 1, "queries_dir": tmp_path}, environ={})
    client = create_app(settings, engine=engine).test_client()
    r = get(client, "fed")
    assert r.status_code == 400 and b"allowlist" in r.data
    page = client.get("/queries?format=html").get_data(as_text=True)
    assert "Not available on this server" in page


def test_base_iri_setting_rewrites_served_text(tmp_path, engine):
    settings = load_settings({"workers": 1, "base_iri": "http://example.org/kkg/"}, environ={})
    client = create_app(settings, engine=engine).test_client()
    text = client.get("/queries/fact-sources.rq").get_data(as_text=True)
    assert "w3id.org/kosovo-kg" not in text and "<http://example.org/kkg/ontology#>" in text
    doc = client.get("/openapi.json").get_json()
    params = doc["paths"]["/queries/fact-sources"]["get"]["parameters"]
    assert params[0]["example"].startswith("http://example.org/kkg/id/event/")


def test_deadline_applies(tmp_path):
    (tmp_path / "slow.rq").write_text(
        "#+ title: Slow\n#+ description: A cartesian product that cannot finish in time.\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n"
    )
    settings = load_settings(
        {"workers": 1, "query_timeout": 1.0, "queries_dir": tmp_path}, environ={}
    )
    eng = Engine(settings).start()
    try:
        client = create_app(settings, engine=eng).test_client()
        r = get(client, "slow")
        assert r.status_code == 504 and b"deadline" in r.data
        assert "ETag" not in r.headers  # an error is not cached
    finally:
        eng.close()


def test_state_index_is_complete_when_the_row_cap_is_lower_than_the_state_count():
    """The ISO/QID index of states is read in full: a row cap below the number of states (205)
    must not silently drop states from the `state` parameter type."""
    small = load_settings({"workers": 1, "max_rows": 50}, environ={})
    capped = Engine(small).start()
    try:
        client = create_app(small, engine=capped).test_client()
        for code in ("ZWE", "Q1246", "AFG"):
            response = client.get(f"/queries/state-profile?state={code}&format=json")
            assert response.status_code == 200, (code, response.get_data(as_text=True))
    finally:
        capped.close()
