"""The Wikidata-shaped export of our claims, from the freshly extracted graph and via the CLI."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from kosovo_kg.export import COLUMNS, export_csv
from kosovo_kg.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def table(kg, iris) -> str:
    return export_csv(kg, iris)


@pytest.fixture(scope="module")
def rows(table) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(table)))


def test_header_and_every_row_has_statement_reference_and_claimant(table, rows):
    assert table.splitlines()[0].split(",") == list(COLUMNS)
    assert len(rows) > 1000
    for row in rows:
        assert row["claim"] and row["event"] and row["stated_in"] and row["claimant"], row
        assert row["property"] and row["stance"] in {"affirms", "denies"}
        assert row["reference_url"] or row["line"], row


def test_dates_are_points_in_time_or_bounds(rows):
    for row in rows:
        if row["point_in_time"]:
            assert row["precision"] in {"9", "10", "11"}
            assert row["earliest_date"] <= row["latest_date"]
            if row["precision"] == "11":
                assert row["earliest_date"] == row["latest_date"] == row["point_in_time"]
            if row["precision"] == "10":
                assert row["earliest_date"].startswith(row["point_in_time"] + "-")
    derived = [r for r in rows if r["date_basis"] == "RowOrderBound"]
    assert derived
    for row in derived:
        assert not row["point_in_time"] and row["earliest_date"] and row["latest_date"]
        assert row["claimant"].endswith("/agent/kosovo-kg")


def test_togo_recognition_dates_side_by_side(rows):
    togo = {r["point_in_time"] for r in rows
            if r["subject_iso3"] == "TGO" and r["property"] == "recognises"}  # fmt: skip
    assert {"2014-07-02", "2014-07-11"} <= togo


def test_serbian_withdrawal_claims_are_disputed_by_kosovo_side(rows):
    ghana = [r for r in rows if r["subject_iso3"] == "GHA"
             and r["property"] == "withdraws recognition of"]  # fmt: skip
    serbian = [r for r in ghana if r["claimant_side"] == "SRB" and r["stance"] == "affirms"]
    assert serbian and all("Kosovo" in r["disputed_by"] for r in serbian)
    denials = [r for r in ghana if r["stance"] == "denies"]
    assert denials and all(r["claimant_side"] == "XKX" for r in denials)


def test_subject_qids_agree_with_the_reference_table(rows):
    text = (PROJECT_ROOT / "data/sources/reference/countries.csv").read_text(encoding="utf-8")
    qids = {r["iso3"]: r["wikidata_qid"] for r in csv.DictReader(io.StringIO(text)) if r["iso3"]}
    checked = 0
    for row in rows:
        if row["subject_iso3"] in qids and qids[row["subject_iso3"]]:
            assert row["subject_qid"] == qids[row["subject_iso3"]], row["subject_iso3"]
            checked += 1
        if row["object_label"] == "Kosovo":
            assert row["object_qid"] == qids["XKX"] == "Q1246"
    assert checked > 1000


def test_export_is_deterministic(kg, iris, table):
    assert export_csv(kg, iris) == table


def kkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kosovo_kg", *args],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_export_command_to_file_and_stdout(tmp_path: Path):
    out = tmp_path / "claims.csv"
    done = kkg("export", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("subject_qid,subject_label")
    assert f"wrote {len(text.splitlines()) - 1} rows" in done.stderr
    stdout = kkg("export")
    assert stdout.returncode == 0 and stdout.stdout == text


def test_export_command_into_a_missing_folder_fails_clearly(tmp_path: Path):
    done = kkg("export", "--out", str(tmp_path / "missing" / "claims.csv"))
    assert done.returncode == 1
    assert "no such folder" in done.stderr
    assert not (tmp_path / "missing").exists()
