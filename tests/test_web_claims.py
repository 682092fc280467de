"""The claimed-counts chart (/claims/chart and the home chart's points) through the real Flask
app and the real engine over the shipped graph: every dated count of recognising states is a
point linked to its claim page, coloured by claimant kind, filterable by kind."""

from __future__ import annotations

import html
import re

import pytest

from kosovo_kg.engine import Engine
from kosovo_kg.settings import PROJECT_ROOT, load_settings
from kosovo_kg.stats import prologue
from kosovo_kg.store import dump_path, memory_store_from_nquads, select_rows
from kosovo_kg.vocab import Iris
from kosovo_kg.web import create_app

HTML = {"Accept": "text/html"}
POINT = re.compile(r'<a href="(/id/claim/[0-9a-f]{16})"><(circle|rect) class="claim k-(\w+)"')


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = load_settings({"workers": 1, "var_dir": tmp_path_factory.mktemp("var")}, environ={})
    engine = Engine(settings).start()
    yield create_app(settings, engine=engine).test_client()
    engine.close()


@pytest.fixture(scope="module")
def expected():
    """Dated counts of recognising states (all states or UN members), read from the dump."""
    store = memory_store_from_nquads(dump_path(PROJECT_ROOT / "data").read_bytes())
    iris = Iris()
    rows = select_rows(
        store,
        prologue(iris)
        + f"""SELECT DISTINCT ?c ?wiki WHERE {{
          ?c a kr:CountClaim ; kr:asOf ?d ; kr:countCategory ?k ; kr:claimant ?who .
          FILTER(?k IN (kr:RecognisingStates, kr:EverRecognisingStates))
          OPTIONAL {{ ?c kr:countScope ?s }} FILTER(!BOUND(?s) || ?s = <{iris.org("un")}>)
          BIND(EXISTS {{ ?who a kr:WikipediaEdition }} AS ?wiki) }}""",
    )
    return {r["c"].rsplit("/", 1)[-1]: r["wiki"] == "true" for r in rows}


def points(text: str) -> dict[str, str]:
    return {path.rsplit("/", 1)[-1]: kind for path, _, kind in POINT.findall(text)}


def test_every_dated_count_is_a_point_linked_to_its_claim(client, expected):
    page = client.get("/claims/chart", headers=HTML)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    shown = points(text)
    assert set(shown) == set(expected) and len(shown) > 80
    assert {k for c, k in shown.items() if expected[c]} == {"wikipedia"}
    assert {"government", "news"} <= set(shown.values())
    # a point's claim page answers, and names the edition as claimant
    wiki = next(c for c, k in shown.items() if k == "wikipedia")
    claim = client.get(f"/id/claim/{wiki}", headers=HTML)
    assert claim.status_code == 200 and "Wikipedia" in claim.get_data(as_text=True)
    # the tooltip says who, via which carrier, what and when
    assert "English Wikipedia via anyflip.com: 111 recognising, as of 2017-02-27" in html.unescape(
        text
    )
    assert "<rect" in text  # ever-recognised counts are squares


def test_filter_by_claimant_kind(client, expected):
    wiki = points(client.get("/claims/chart?claimants=wikipedia", headers=HTML).get_data(True))
    assert set(wiki.values()) == {"wikipedia"}
    assert set(wiki) == {c for c, w in expected.items() if w}
    two = client.get("/claims/chart?claimants=government&claimants=news", headers=HTML)
    rest = points(two.get_data(as_text=True))
    assert set(rest) == {c for c, w in expected.items() if not w}
    bad = client.get("/claims/chart?claimants=bloggers&perspective=nobody", headers=HTML)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "unknown claimant kind" in text
    assert "unknown perspective" in text and set(points(text)) == set(expected)


def test_the_home_chart_carries_the_points(client, expected):
    text = client.get("/", headers=HTML).get_data(as_text=True)
    assert set(points(text)) == set(expected)
    assert 'href="/claims/chart?perspective=all"' in text


def test_a_range_is_a_bar_from_its_low_to_its_high_titled_by_its_words(client, expected):
    text = client.get("/claims/chart", headers=HTML).get_data(as_text=True)
    bars = re.findall(
        r'<a href="/id/claim/(\w+)"><rect class="claim k-wikipedia" data-range="" '
        r'x="[\d.]+" y="([\d.]+)" width="4" height="([\d.]+)"><title>([^<]*)</title>',
        text,
    )
    assert len(bars) == 1 and bars[0][0] in expected  # the Polish "od 112 do 115" (2018-02)
    _, _, height, title = bars[0]
    assert float(height) > 4  # 112 to 115: a bar, not a point
    assert "Polish Wikipedia via www.xn--meb.pisz.pl: “od 112 do 115” recognising" in (
        html.unescape(title)
    )
