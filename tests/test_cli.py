"""The command line, run as a real process on the bundled graph."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

STATS_KEYS = {
    "triples",
    "named_graphs",
    "states",
    "states_with_wikidata",
    "recognitions_un",
    "recognitions_un_unidentified",
    "recognitions_non_un",
    "withdrawals_reported",
    "positions",
    "claims",
    "claims_with_evidence",
    "count_claims",
    "shacl_violations",
    "computed",
}


def kkg(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kosovo_kg", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_stats_json_meets_the_graph_issue():
    result = kkg("stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert set(stats) >= STATS_KEYS
    assert stats["recognitions_un"] == 110
    assert stats["recognitions_non_un"] == 3
    assert stats["withdrawals_reported"] == 8
    assert stats["positions"] >= 112
    assert stats["computed"] == stats["computed"] | {"eu": 22, "nato": 28, "oic": 37, "g20": 11}
    assert stats["claims_with_evidence"] == stats["claims"]
    assert stats["shacl_violations"] == 0
    # the article's admissions of Kosovo: IMF, World Bank, WCO, IOC (provisional, then full),
    # UEFA, FIFA, IRU, IBA; votes: UNGA 2008, IMF, FIFA, EBRD, Interpol, European Parliament x3
    assert (stats["kosovo_admissions"], stats["kosovo_memberships"], stats["votes"]) == (9, 8, 8)


QUERY = """PREFIX kr: <https://w3id.org/kosovo-kg/ontology#>
SELECT ?iso WHERE { ?e a kr:Resumption ; kr:actor/kr:iso3 ?iso }"""


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("table", "PLW"), ("json", '"value":"PLW"'), ("csv", "iso\nPLW"), ("tsv", '?iso\n"PLW"')],
)
def test_query_formats(fmt, expected):
    result = kkg("query", "--format", fmt, QUERY)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_query_from_stdin_and_file(tmp_path):
    assert "PLW" in kkg("query", stdin=QUERY).stdout
    path = tmp_path / "q.rq"
    path.write_text(QUERY)
    assert "PLW" in kkg("query", "--file", str(path)).stdout


def test_malformed_query_is_a_clear_error():
    result = kkg("query", "SELECT ?x WHERE { ?x")
    assert result.returncode == 1
    assert "malformed query" in result.stderr


def test_validate_passes_on_the_bundled_graph():
    result = kkg("validate")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "violations: 0" in result.stdout


def test_validate_exits_non_zero_on_violations(tmp_path):
    kr = "https://w3id.org/kosovo-kg/ontology#"
    bad = tmp_path / "bad.nq"
    bad.write_text(
        f"<https://w3id.org/kosovo-kg/id/claim/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
        f" <{kr}Claim> <https://w3id.org/kosovo-kg/graph/article> .\n"
    )
    result = kkg("validate", "--file", str(bad))
    assert result.returncode == 1
    assert "violations: 0" not in result.stdout
    assert "C1" in result.stdout  # the claim has no claimant
