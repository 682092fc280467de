"""The reading pages through the real Flask app and the real engine over the shipped graph: home
figures against the perspective module, the states table, saved-query forms, the editor with and
without its front-end assets, CSP and no remote URLs in what the pages load."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import urllib.parse

import pytest

from kosovo_kg import perspective as pv
from kosovo_kg.engine import Engine
from kosovo_kg.settings import PROJECT_ROOT, load_settings
from kosovo_kg.store import dump_path, memory_store_from_nquads
from kosovo_kg.vocab import Iris
from kosovo_kg.web import assets, create_app
from kosovo_kg.web.pages import editor as editor_page

B = "https://w3id.org/kosovo-kg/"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PAGES = [
    "/",
    "/?perspective=serbia&date=2019-12-31&sort=status",
    "/editor",
    "/forms",
    "/queries/perspective-status-at/form",
    "/queries/perspective-status-at/form?run=1&date=2019-12-31&perspective=serbia&state=PLW",
    "/id/state/PLW",
    "/id/event/PLW-XKX-withdrawal-1",
    "/ontology",
    "/graph/article",
    "/queries",
    "/sparql",
    "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/.well-known/void",
    "/id/state/XKX",
    "/search?q=dacic",
]
REMOTE_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?https?:""",
    re.I,
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return load_settings({"workers": 1, "var_dir": tmp_path_factory.mktemp("var")}, environ={})


@pytest.fixture(scope="module")
def engine(settings):
    eng = Engine(settings).start()
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def client(settings, engine):
    return create_app(settings, engine=engine).test_client()


@pytest.fixture(scope="module")
def facts():
    store = memory_store_from_nquads(dump_path(PROJECT_ROOT / "data").read_bytes())
    return pv.load_facts(store, Iris(B))


def page(client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def figures(text: str) -> dict[str, list[str]]:
    table = text.split('<table class="figures">', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S):
        name = re.search(r">(\w+)</a>", row).group(1)
        rows[name] = re.findall(r'<td class="num">([^<]*)</td>', row)
    return rows


@pytest.mark.parametrize("day", ["2009-12-31", "2019-12-31", "2024-06-30"])
def test_home_figures_match_the_perspective_module(client, facts, day):
    rows = figures(page(client, f"/?date={day}"))
    assert set(rows) == {"all", "kosovo", "serbia", "article"}
    for name, cells in rows.items():
        count = pv.count_at(facts, pv.get(facts, name), dt.date.fromisoformat(day))
        d, p = len(count.definitely), len(count.possibly)
        assert cells[0] == (str(d) if d == p else f"{d}–{p}"), (name, day, cells, d, p)


def test_home_states_table_for_a_perspective_and_date(client, facts):
    text = page(client, "/?perspective=serbia&date=2019-12-31&sort=name")
    palau = re.search(r"<tr><td><a href=\"/id/state/PLW\">Palau</a>.*?</tr>", text).group(0)
    assert "withdrawn" in palau
    text = page(client, "/?perspective=kosovo&date=2019-12-31")
    palau = re.search(r"<tr><td><a href=\"/id/state/PLW\">Palau</a>.*?</tr>", text).group(0)
    assert "recognises" in palau  # Kosovo denies Palau's withdrawal
    # sorted by status: the statuses column is in order
    text = page(client, "/?perspective=all&date=2019-12-31&sort=status")
    statuses = re.findall(r'<span class="status \w+">([^<]+)</span>', text.split('id="states"')[1])
    assert statuses == sorted(statuses) and len(set(statuses)) >= 3


def test_home_chart_and_sources(client):
    text = page(client, "/")
    assert '<svg class="chart"' in text and 'class="band"' in text and 'class="withdrawn"' in text
    assert "CC BY-SA 4.0" in text  # the article's licence, read from the graph
    assert 'href="/id/doc/article"' in text


def test_home_bad_input_is_explained(client):
    text = page(client, "/?perspective=nobody&date=2019-13-45")
    assert "unknown perspective" in text and "not a date" in text


def test_form_is_built_from_parameter_types(client):
    text = page(client, "/queries/perspective-status-at/form")
    # a date is text (a year, a month or a day), not <input type=date> (days only)
    assert re.search(r'<input id="f-date" name="date" type="text" inputmode="numeric"', text)
    assert re.search(r'<select id="f-perspective" name="perspective">', text)
    for value in ("kosovo", "serbia", "article", "all"):
        assert f'<option value="{value}"' in text
    assert 'list="states-list"' in text and '<option value="PLW">Palau (Q695)</option>' in text


@pytest.mark.parametrize("state", ["PLW", "Palau", "palau", "Q695"])
def test_form_runs_the_saved_query(client, state):
    path = "/queries/perspective-status-at/form?" + urllib.parse.urlencode(
        {"run": "1", "date": "2019-12-31", "perspective": "serbia", "state": state}
    )
    text = page(client, path)
    assert "1 row." in text and ">PLW<" in text and "ontology#Withdrawn" in text
    links = dict(re.findall(r'<a href="([^"]+)" download>(\w+)</a>', text))
    assert set(links.values()) == {"CSV", "JSON", "TSV", "XML"}
    csv_link = html.unescape(next(k for k, v in links.items() if v == "CSV"))
    download = client.get(csv_link)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "PLW" in download.get_data(as_text=True)


def test_form_reports_bad_values(client):
    response = client.get(
        "/queries/perspective-status-at/form?run=1&date=someday&perspective=serbia", headers=HTML
    )
    assert response.status_code == 400
    assert "parameter &#39;date&#39;" in response.get_data(as_text=True)
    assert client.get("/queries/no-such-query/form").status_code == 404


def test_editor_with_assets(client, settings):
    if not (assets.NODE_MODULES / "@zazuko" / "yasgui" / "build" / "yasgui.min.js").exists():
        pytest.skip("npm packages not installed (npm ci)")
    text = page(client, "/editor")
    assert '<script src="/assets/yasgui.min.js" defer></script>' in text
    assert client.get("/assets/yasgui.min.js").status_code == 200
    assert client.get("/assets/other.js").status_code == 404
    # every saved query is an example, loadable by the script from /queries/<name>.rq
    assert 'data-query="/queries/recognitions-all.rq"' in text


def test_editor_without_assets_is_a_plain_form(tmp_path, engine, monkeypatch):
    monkeypatch.setattr(assets, "NODE_MODULES", tmp_path / "no-node-modules")
    settings = load_settings({"workers": 1, "var_dir": tmp_path / "var"}, environ={})
    client = create_app(settings, engine=engine).test_client()
    text = page(client, "/editor?example=recognitions-all")
    # no editor script: the only one left is the site search box's suggestions
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/search.js" defer>']
    assert '<form method="post" action="/sparql" id="plain-editor">' in text
    assert "Recognitions" in text or "recognition" in text
    assert client.get("/assets/yasgui.min.js").status_code == 404
    reply = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers=HTML)
    assert reply.status_code == 200 and "true" in reply.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_self_contained(client, path):
    response = client.get(path, headers=HTML)
    text = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src" not in csp
    assert "unsafe-eval" not in csp
    assert not REMOTE_LOAD.search(text), REMOTE_LOAD.search(text).group(0)
    # no inline script: every <script> has a src on this host
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert re.search(r'src="/', tag), tag
    assert not re.search(r"\son[a-z]+=", text)  # no inline event handlers
    # keyboard: the first link is the skip link to <main id="main">
    body = text.split("<body>", 1)[1]
    assert body.lstrip().startswith('<a class="skip" href="#main">')
    assert '<main id="main"' in text


def test_static_files_name_no_other_host(client):
    own = PROJECT_ROOT / "src" / "kosovo_kg" / "web" / "static"
    for path in own.iterdir():
        text = path.read_text(encoding="utf-8")
        hosts = set(re.findall(r"https?://([^/\s\"'<>]+)", text))
        assert hosts <= {"www.w3.org"}, (path.name, hosts)  # SVG namespace only
    css = client.get("/static/pages.css").get_data(as_text=True)
    assert not REMOTE_LOAD.search(css)
    for name in assets.FILES:
        reply = client.get(f"/assets/{name}")
        if reply.status_code == 200:
            text = reply.get_data(as_text=True)
            for cdn in (
                "cdn.jsdelivr",
                "unpkg.com",
                "cdnjs",
                "fonts.googleapis",
                "googletagmanager",
            ):
                assert cdn not in text, (name, cdn)


def test_world_map_colours_states_by_status(client, facts):
    if "countries-110m.json" not in assets.available(
        client.application.config["KOSOVO_KG_SETTINGS"].var_dir
    ):
        pytest.skip("npm package world-atlas not installed (npm ci)")
    text = page(client, "/?perspective=serbia&date=2019-12-31")
    assert '<img src="/map.svg?perspective=serbia&amp;date=2019-12-31"' in text
    reply = client.get("/map.svg?perspective=serbia&date=2019-12-31")
    assert reply.status_code == 200 and reply.mimetype == "image/svg+xml"
    svg = reply.get_data(as_text=True)
    assert not REMOTE_LOAD.search(svg) and "<script" not in svg
    # each country's class is its status from the perspective module at that date
    count = pv.count_at(facts, pv.get(facts, "serbia"), dt.date(2019, 12, 31))
    pattern = r'<path class="(\w+)" d="[^"]+"><title>([^:<]+):'
    by_name = {name: cls for cls, name in re.findall(pattern, svg)}
    assert by_name["France"] == "Recognises" and by_name["Serbia"] == "NotRecognised"
    assert by_name["Kosovo"] == "XKX"
    assert "SRB" in count.by_status["not-recognised"] and "FRA" in count.definitely
    assert len(by_name) > 150


def test_forms_index_links_every_saved_query(client):
    text = page(client, "/forms")
    names = sorted(p.stem for p in (PROJECT_ROOT / "queries").glob("*.rq"))
    assert re.findall(r'<dt><a href="/queries/([\w-]+)/form">', text) == names
    for name in names:
        assert client.get(f"/queries/{name}/form", headers=HTML).status_code == 200, name


def test_home_never_lists_kosovo_toward_itself(client, facts):
    text = page(client, "/?perspective=all&date=2019-12-31")
    table = text.split('id="states"', 1)[1].split("</table>", 1)[0]
    assert 'href="/id/state/XKX"' not in table
    rows = re.findall(r'<tr><td><a href="/id/state/(\w+)">.*?</tr>', table, re.S)
    # every state with a status toward Kosovo, and only those: the figures' total
    cells = figures(text)["all"]
    low = sum(int(c.split("–")[0]) for c in cells)
    assert "XKX" not in rows and len(rows) >= low and len(rows) == len(set(rows))
    count = pv.count_at(facts, pv.get(facts, "all"), dt.date(2019, 12, 31))
    assert set(count.definitely) <= set(rows)
    # the "not recognised" rows are as many as the figure says (Kosovo made one too many)
    not_recognised = table.count('<span class="status NotRecognised">')
    assert str(not_recognised) == cells[2], (not_recognised, cells)


def test_home_explains_why_perspectives_differ(client, facts):
    day = dt.date(2019, 12, 31)
    text = page(client, f"/?date={day}")
    why = text.split('id="why-perspectives"', 1)[1].split("</details>", 1)[0]
    assert 'href="/queries/audit-contradictions/form?run=1"' in why
    every = pv.count_at(facts, pv.get(facts, "all"), day).definitely
    for name in ("kosovo", "serbia", "article"):
        item = re.search(rf"<li><strong>{name}</strong>: (.*?)</li>", why, re.S).group(1)
        listed = set(re.findall(r'href="/id/state/(\w+)"', item))
        # exactly the states this perspective counts as definitely recognising and 'all' not
        mine = set(pv.count_at(facts, pv.get(facts, name), day).definitely)
        assert listed == mine - set(every), name


def _select(engine, text: str) -> list[dict]:
    outcome = engine.run(text, result_format="json")
    assert outcome.ok, outcome.body
    return json.loads(outcome.body)["results"]["bindings"]


def _title(text: str) -> str:
    return html.unescape(re.search(r"<h1>(.*?)</h1>", text, re.S).group(1))


def test_claim_page_says_who_claims_what_when_with_quote_and_source(client, engine):
    # a claim read from the graph: Serbia's foreign minister on Suriname's withdrawal
    row = _select(
        engine,
        f"""PREFIX kr: <{B}ontology#> PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX schema: <https://schema.org/>
SELECT ?claim ?who ?date ?exact ?doc ?url WHERE {{
  ?claim kr:about <{B}id/event/SUR-XKX-withdrawal-1> ; kr:stance kr:Affirms ;
         kr:claimant ?c ; kr:statedDate ?date ; kr:evidence ?loc .
  ?c rdfs:label ?who FILTER(CONTAINS(?who, "Dačić"))
  ?loc oa:hasSource ?doc ; oa:hasSelector/oa:exact ?exact . ?doc schema:url ?url
}} ORDER BY ?claim LIMIT 1""",
    )[0]
    path = row["claim"]["value"].removeprefix(B)
    text = page(client, "/" + path)
    title = _title(text)
    who, date = row["who"]["value"], row["date"]["value"]
    assert title == f"{who} affirms that Suriname withdrew its recognition of Kosovo ({date})"
    assert html.unescape(re.search(r"<title>(.*?)</title>", text).group(1)) == (
        f"{title} · kosovo-kg"
    )
    claim = html.unescape(text.split('class="claim"', 1)[1].split("</section>", 1)[0])
    assert f"<blockquote>{row['exact']['value']}</blockquote>" in claim
    assert f'href="{row["url"]["value"]}" class="source"' in claim
    assert f'href="/{row["doc"]["value"].removeprefix(B)}"' in claim
    assert "line " in claim  # the locator
    # the document's own page is titled by publisher and date, not by its hash
    doc_title = _title(page(client, "/" + row["doc"]["value"].removeprefix(B)))
    assert "id/doc" not in doc_title and re.search(r"\d{4}-\d\d-\d\d", doc_title)


def test_state_page_opens_with_a_summary(client, facts):
    text = page(client, "/id/state/SUR")
    summary = text.split('id="summary-h"', 1)[1].split("</section>", 1)[0]
    today = dt.date.today()
    for name in ("all", "kosovo", "serbia", "article"):
        count = pv.count_at(facts, pv.get(facts, name), today)
        said = re.search(
            rf'<span class="status (\w+)">[^<]*</span>[^;]*?<a href="/id/perspective/{name}">',
            summary,
        ).group(1)
        assert (said == "Recognises") == ("SUR" in count.definitely), (name, said)
    kosovo = page(client, "/id/state/XKX").split('id="summary-h"', 1)[1].split("</section>")[0]
    count = pv.count_at(facts, pv.get(facts, "kosovo"), today)
    assert f"<strong>{len(count.definitely)}" in kosovo and "toward Kosovo" not in kosovo


def test_incoming_links_are_paged_not_cut(client, engine):
    iri = B + "id/state/XKX"
    total = int(
        _select(engine, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }}")[0][
            "n"
        ]["value"]
    )
    assert total > 300
    seen, path = 0, "/id/state/XKX"
    while path:
        text = page(client, path)
        section = text.split('id="in-h"', 1)[1].split("</section>", 1)[0]
        assert f" of {total}." in section
        seen += section.count("<tr><td>")
        nxt = re.search(r'<a href="\?incoming=(\d+)#in-h" rel="next">', section)
        path = nxt and f"/id/state/XKX?incoming={nxt.group(1)}"
    assert seen == total
    assert client.get("/id/state/XKX?incoming=x", headers=HTML).status_code == 400


@pytest.mark.parametrize("path", PAGES)
def test_every_page_uses_the_site_template(client, path):
    text = page(client, path)
    assert '<nav aria-label="Site">' in text and 'href="/static/pages.css"' in text
    assert '<link rel="icon" href="/static/favicon.svg"' in text
    assert '<form method="get" action="/search" role="search" class="site-search">' in text
    assert text.count("<h1") == 1


def test_favicon(client):
    reply = client.get("/favicon.ico")
    own = PROJECT_ROOT / "src" / "kosovo_kg" / "web" / "static" / "favicon.svg"
    assert reply.status_code == 200 and reply.mimetype == "image/svg+xml"
    assert reply.get_data() == own.read_bytes()


def test_void_and_service_description_are_pages_for_browsers_rdf_for_clients(client, engine):
    text = page(client, "/.well-known/void")
    for graph in engine.graph_sizes:  # every named graph of the description, linked locally
        assert f'href="/{graph.removeprefix(B)}"' in text, graph
    assert "void:triples" in text and "dcat:downloadURL" in text
    turtle = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and "void:Dataset" in turtle.get_data(as_text=True)
    assert client.get("/.well-known/void").mimetype == "text/turtle"  # no Accept: RDF
    sd = page(client, "/sparql")
    assert "sd:endpoint" in sd and "sd:SPARQL11Query" in sd
    assert client.get("/sparql", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"


def _hits(client, q: str) -> list[str]:
    text = page(client, "/search?" + urllib.parse.urlencode({"q": q}))
    return re.findall(r'<li><a href="([^"]+)">', text.split('id="main"', 1)[1])


def test_search_is_accent_insensitive_and_finds_agents_by_label(client, engine):
    rows = _select(
        engine,
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?x WHERE { ?x a prov:Agent ; rdfs:label ?l
  FILTER(CONTAINS(LCASE(?l), "dačić")) }""",
    )
    agents = {"/" + r["x"]["value"].removeprefix(B) for r in rows}
    # Ivica Dačić the person (id/person/...), and the agents whose label names him
    assert any(a.startswith("/id/person/") for a in agents), agents
    for q in ("dacic", "DAČIĆ", "Dacić"):
        assert agents <= set(_hits(client, q)), q


@pytest.mark.parametrize("key", ["iso3", "iocCode", "wikidata"])
def test_search_finds_states_by_code(client, engine, key):
    rows = _select(
        engine,
        f"""PREFIX kr: <{B}ontology#> SELECT ?x ?code WHERE {{ ?x kr:{key} ?code
  FILTER(STRSTARTS(STR(?x), "{B}id/state/")) }} ORDER BY ?x LIMIT 40""",
    )
    assert len(rows) >= 20
    codes = _select(
        engine,
        f"""PREFIX kr: <{B}ontology#> SELECT ?x ?code WHERE {{ ?x kr:iso3|kr:iocCode|kr:wikidata ?code
  FILTER(STRSTARTS(STR(?x), "{B}id/state/")) }}""",
    )
    for r in rows:
        code = r["code"]["value"]
        # every state with this code (BRN: Brunei's ISO code, Bahrain's IOC code) comes first
        holders = {
            "/" + c["x"]["value"].removeprefix(B) for c in codes if c["code"]["value"] == code
        }
        hits = _hits(client, code.lower())
        assert set(hits[: len(holders)]) == holders, (key, code, hits[:3])


def test_search_finds_documents_queries_and_says_when_nothing_matches(client, engine):
    docs = _select(
        engine,
        """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?d WHERE { ?d dcterms:publisher "Klix.ba" }""",
    )
    assert docs and {"/" + r["d"]["value"].removeprefix(B) for r in docs} <= set(
        _hits(client, "klix")
    )
    assert _hits(client, "withdrawals")[0] == "/queries/withdrawals/form"
    assert _hits(client, "São Tomé")[0] == "/id/state/STP"
    text = page(client, "/search?q=zzzzqqq")
    assert "0 results" in text and _hits(client, "zzzzqqq") == []
    assert "results" not in page(client, "/search").split('id="main"', 1)[1]
    suggestions = client.get("/search.json?q=dacic").get_json()
    assert 0 < len(suggestions) <= 10
    assert [s["href"] for s in suggestions] == _hits(client, "dacic")[: len(suggestions)]


@pytest.mark.parametrize(("given", "last"), [("2019", "2019-12-31"), ("2020-02", "2020-02-29")])
def test_home_takes_a_year_or_a_month_and_shows_its_range(client, given, last):
    text = page(client, f"/?date={given}")
    assert f"Key figures on {last}" in text
    assert (
        f"{given} covers {given}-01" in text
        and f"– {last}: the status at the end of {last}" in text
    )
    assert f'value="{given}"' in text  # the field keeps what was typed
    assert figures(text) == figures(page(client, f"/?date={last}"))


def test_form_takes_a_year_and_shows_its_range(client):
    base = "/queries/perspective-status-at/form?run=1&perspective=serbia&state=PLW&date="
    by_year, by_day = page(client, base + "2019"), page(client, base + "2019-12-31")
    assert "2019 covers 2019-01-01 – 2019-12-31" in by_year
    rows = re.compile(r'<table class="results">.*?</table>', re.S)
    cells = re.compile(r"<td>(.*?)</td>", re.S)
    year_cells = cells.findall(rows.search(by_year).group(0))
    day_cells = cells.findall(rows.search(by_day).group(0))
    # the same rows; only the echoed ?date column (the first day of the year) differs
    assert year_cells[1].startswith("2019-01-01") and day_cells[1].startswith("2019-12-31")
    assert year_cells[:1] + year_cells[2:] == day_cells[:1] + day_cells[2:]
    assert "1 row." in by_year


def test_results_link_our_iris_to_local_pages_with_labels_and_short_datatypes(client, engine):
    query = f"""PREFIX kr: <{B}ontology#> SELECT ?state ?iso ?date WHERE {{
  VALUES ?state {{ <{B}id/state/PLW> }} ?state kr:iso3 ?iso .
  ?e kr:actor ?state ; a kr:Withdrawal . ?c kr:about ?e ; kr:statedDate ?date
  FILTER(DATATYPE(?date) = <http://www.w3.org/2001/XMLSchema#date>) }} LIMIT 1"""
    reply = client.get("/sparql?" + urllib.parse.urlencode({"query": query}), headers=HTML)
    text = reply.get_data(as_text=True)
    assert reply.status_code == 200
    table = text.split('<table class="results">', 1)[1].split("</table>", 1)[0]
    # a link to our own page, labelled, the IRI shown to copy; a date with xsd:date
    assert f'<a href="/id/state/PLW">Palau</a> <code class="iri">{B}id/state/PLW</code>' in table
    assert '<span class="dt">xsd:date</span>' in table and "XMLSchema#" not in table
    assert 'href="https://w3id.org' not in table
    form = page(
        client, "/queries/perspective-status-at/form?run=1&date=2019&perspective=serbia&state=PLW"
    )
    assert '<a href="/id/state/PLW">Palau</a>' in form and 'href="https://w3id.org' not in form


def _editor_text(client, path: str) -> str:
    text = page(client, path)
    area = re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', text, re.S)
    return html.unescape(area.group(1))


SAVED_NAMES = sorted(p.stem for p in (PROJECT_ROOT / "queries").glob("*.rq"))


@pytest.mark.parametrize("name", SAVED_NAMES)
def test_editor_example_runs_like_the_saved_query(client, name):
    """A saved query loaded in the editor carries its example values: /sparql on the editor's
    text gives what /queries/<name> gives with those values (CSV, byte for byte)."""
    text = page(client, f"/editor?example={name}")
    values = dict(
        re.findall(r'<input id="f-([\w-]+)" name="[\w-]+"[^>]*? value="([^"]*)"', text)
        + re.findall(
            r'<select id="f-([\w-]+)"[^>]*>.*?<option value="([^"]*)" selected>', text, re.S
        )
    )
    values = {k: html.unescape(v) for k, v in values.items() if v}
    query = _editor_text(client, f"/editor?example={name}")
    saved = client.get(f"/queries/{name}", query_string={**values, "format": "csv"})
    ran = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert (ran.status_code, ran.get_data()) == (saved.status_code, saved.get_data()), values


def test_editor_values_from_the_address_are_bound_and_shareable(client):
    path = "/editor?" + urllib.parse.urlencode(
        {
            "example": "perspective-status-at",
            "date": "2019",
            "perspective": "serbia",
            "state": "Palau",
        }
    )
    text = page(client, path)
    assert 'value="2019"' in text and "2019 covers 2019-01-01 – 2019-12-31" in text
    query = _editor_text(client, path)
    assert "VALUES" in query and "<https://w3id.org/kosovo-kg/id/state/PLW>" in query
    ran = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    saved = client.get(
        "/queries/perspective-status-at?date=2019&perspective=serbia&state=PLW&format=csv"
    )
    assert ran.get_data() == saved.get_data() and b"Withdrawn" in ran.get_data()
    bad = page(client, "/editor?example=perspective-status-at&date=2019-13&perspective=serbia")
    assert 'class="error" role="alert"' in bad and "month 13 does not exist" in bad


def test_editor_address_holds_any_query_and_forms_pass_their_values(client):
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/kosovo-kg/ontology#Withdrawal> } LIMIT 3"
    path = "/editor?" + urllib.parse.urlencode({"query": query, "run": "1"})
    response = client.get(path, headers=HTML)
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert _editor_text(client, path) == query and 'data-run="1"' in text
    link = html.unescape(re.search(r'<a id="permalink" href="([^"]+)"', text).group(1))
    assert _editor_text(client, link) == query and "run=1" not in link
    # a form's "open in the editor" keeps the form's values
    form = page(
        client,
        "/queries/perspective-status-at/form?run=1&date=2019&perspective=serbia&state=Palau",
    )
    to_editor = html.unescape(re.search(r'<a href="([^"]+)" class="to-editor">', form).group(1))
    assert urllib.parse.parse_qs(to_editor.split("?", 1)[1]) == {
        "example": ["perspective-status-at"],
        "date": ["2019"],
        "perspective": ["serbia"],
        "state": ["PLW"],
    }
    bound = _editor_text(client, to_editor)
    assert '"2019-12-31"^^' in bound and "id/state/PLW>" in bound


def test_chart_ends_today_marks_the_day_and_shows_values_on_hover(client, facts):
    text = page(client, "/?date=2019-12-31")
    chart = text.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    tips = re.findall(r'<rect class="hover"[^>]*><title>([^<]+)</title></rect>', chart)
    assert tips[-1].startswith(dt.date.today().isoformat() + ":")  # not the end of the month
    assert tips[0].startswith("2008-02-29:")
    tip = next(t for t in tips if t.startswith("2019-12-31:"))
    count = pv.count_at(facts, pv.get(facts, "all"), dt.date(2019, 12, 31))
    d, p = len(count.definitely), len(count.possibly)
    assert tip.startswith(f"2019-12-31: {d if d == p else f'{d}–{p}'} recognising,"), tip
    assert re.search(r'<text class="marker-label"[^>]*>2019-12-31</text>', chart)


def test_home_table_and_figures_download_as_csv(client, facts):
    text = page(client, "/?perspective=serbia&date=2019-12-31")
    assert 'href="/states.csv?perspective=serbia&amp;date=2019-12-31"' in text
    assert 'href="/figures.csv?date=2019-12-31"' in text
    reply = client.get("/states.csv?perspective=serbia&date=2019-12-31")
    assert reply.mimetype == "text/csv" and "attachment" in reply.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    table = text.split('id="states"', 1)[1].split("</table>", 1)[0]
    assert len(rows) == table.count("<tr><td>") and "XKX" not in {r["iso3"] for r in rows}
    count = pv.count_at(facts, pv.get(facts, "serbia"), dt.date(2019, 12, 31))
    recognising = {
        r["iso3"] for r in rows if r["status"] == "Recognises" and r["definite"] == "true"
    }
    assert recognising == set(count.definitely)
    figures_csv = list(
        csv.DictReader(io.StringIO(client.get("/figures.csv?date=2019").get_data(as_text=True)))
    )
    serbia = next(
        r for r in figures_csv if r["perspective"] == "serbia" and r["status"] == "Recognises"
    )
    assert serbia["date"] == "2019-12-31" and int(serbia["definitely"]) == len(count.definitely)
    assert client.get("/states.csv?date=someday").status_code == 400


def test_world_map_countries_are_links_and_the_legend_is_complete(client):
    if "countries-110m.json" not in assets.available(
        client.application.config["KOSOVO_KG_SETTINGS"].var_dir
    ):
        pytest.skip("npm package world-atlas not installed (npm ci)")
    text = page(client, "/?perspective=serbia&date=2019-12-31")
    assert '<object data="/map.svg?perspective=serbia&amp;date=2019-12-31"' in text
    assert '<span class="key m-none"></span> not in the graph' in text
    svg = client.get("/map.svg?perspective=serbia&date=2019-12-31").get_data(as_text=True)
    linked = re.findall(r'<a href="/id/state/(\w+)" target="_top"><path class="(\w+)"', svg)
    assert ("FRA", "Recognises") in linked and ("SRB", "NotRecognised") in linked
    # a country the graph does not hold is drawn, not linked
    assert all(cls != "none" for _, cls in linked) and 'class="none"' in svg


def test_a_count_printed_in_words_is_titled_by_its_words_and_shows_its_bounds(client, engine):
    row = _select(
        engine,
        f"""PREFIX kr: <{B}ontology#>
SELECT ?claim ?words WHERE {{ ?claim kr:minInclusive 112 ; kr:maxInclusive 115 ;
  kr:valueText ?words }}""",
    )[0]
    text = page(client, "/" + row["claim"]["value"].removeprefix(B))
    assert _title(text) == (
        "Polish Wikipedia affirms the count “od 112 do 115” (RecognisingStates) (W lutym 2018)"
    )
    assert "minInclusive" in text and "maxInclusive" in text and ">112<" in text


def test_state_timeline_has_a_point_per_dated_claim_linked_to_it(client, engine):
    rows = _select(
        engine,
        f"""PREFIX kr: <{B}ontology#> SELECT DISTINCT ?claim WHERE {{
  {{ ?e kr:actor <{B}id/state/SUR> }} UNION {{ ?e kr:participant <{B}id/state/SUR> }}
  ?e a ?kind . ?claim kr:about ?e ; kr:claimant ?who ; kr:stance ?stance .
  {{ ?claim kr:statedDate ?d }} UNION {{ ?claim kr:earliest ?d }} }}""",
    )
    dated = {"/" + r["claim"]["value"].removeprefix(B) for r in rows}
    text = page(client, "/id/state/SUR")
    svg = text.split('<svg class="timeline"', 1)[1].split("</svg>", 1)[0]
    linked = set(re.findall(r'<a href="(/id/claim/\w+)"><circle', svg))
    assert dated and linked == dated
    assert re.search(r"<title>\d{4}-\d\d-\d\d: [^<]+ (affirms|denies) [^<]+</title>", svg)


def test_pages_carry_an_etag_and_answer_a_matching_conditional_request_304(client):
    first = client.get("/ontology", headers=HTML)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    again = client.get("/ontology", headers={**HTML, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get("/ontology", headers={"Accept": "text/turtle"})  # another representation
    assert other.status_code == 200 and other.headers["ETag"] != etag
    changed = client.get("/ontology", headers={**HTML, "If-None-Match": '"not-this-page"'})
    assert changed.status_code == 200 and changed.get_data() == first.get_data()
    assert client.get("/editor", headers=HTML).headers["Cache-Control"] == "no-store"
    assert "ETag" not in client.get("/editor", headers=HTML).headers


def test_editor_labels_one_request_per_result_set(client, monkeypatch):
    """The editor's result table asks for the labels of a result set's IRIs in one request: the
    labels the graph gives, nothing for an IRI without one, invalid IRIs left out (never put in
    a query), a body that is not a list of IRIs refused."""
    query = (
        "SELECT ?s ?l WHERE { ?s a <https://w3id.org/kosovo-kg/ontology#UNMemberState> ;"
        " <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s LIMIT 450"
    )
    reply = client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    rows = reply.get_json()["results"]["bindings"]
    monkeypatch.setattr(editor_page, "LABELS_CHUNK", 50)  # several label queries for one request
    assert len(rows) > 150
    want = {r["s"]["value"]: r["l"]["value"] for r in rows}
    unlabelled = B + "id/no-such-thing"
    sent = [*want, unlabelled, "https://example.org/a> } ?x ?y { <b", "not an IRI"]
    got = client.post("/editor/labels", json=sent)
    assert got.status_code == 200 and got.get_json() == want
    for bad in ({"iris": list(want)}, [1, 2], None):
        refused = client.post("/editor/labels", json=bad)
        assert refused.status_code == 400 and b"JSON list of IRIs" in refused.get_data()
    assert (
        client.post("/editor/labels", data="[", content_type="application/json").status_code == 400
    )
