"""Bad inputs through the command line: a build over a wrong row of a source, and `validate` on a
broken dump, end with `file:line: message` and a non-zero exit, never a traceback, and a failed
build leaves the last good dump and store in place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_build_pipeline import repin

from kosovo_kg import store as store_mod

RECOGNITIONS = Path("sources") / "reference" / "kosovo_recognitions.csv"


def kkg(settings, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kosovo_kg", "--data-dir", str(settings.data_dir)]
    command += ["--var-dir", str(settings.var_dir), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def edit_row(settings, country: str, old: str, new: str) -> int:
    """Replace `old` by `new` in the row of `country`; return that row's line number."""
    path = Path(settings.data_dir) / RECOGNITIONS
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith(country + ","))
    assert old in lines[number]
    lines[number] = lines[number].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    repin(settings, "recognitions")  # a deliberate edit, not a corrupt copy
    return number + 1


@pytest.mark.parametrize(
    ("country", "old", "new", "message"),
    [
        (
            "Albania",
            "2008-02-18",
            "2008-02-30",
            "recognition_date: not a date: '2008-02-30' (day is out of range for month)",
        ),
        ("Albania", "ALB", "QQQ", "unknown ISO3 code 'QQQ'"),
        ("Togo", "2019-06-28", "2019-13-28", "withdrawal_date: not a date: '2019-13-28'"),
    ],
)
def test_a_bad_recognition_row_fails_the_build_with_file_and_line(
    data_copy, country, old, new, message
):
    good = kkg(data_copy, "build", "--no-validate", "--quiet")
    assert good.returncode == 0, good.stderr
    dump = store_mod.dump_path(data_copy.data_dir)
    dump_before = dump.read_bytes()
    current = store_mod.current_store(data_copy.var_dir)
    line = edit_row(data_copy, country, old, new)
    failed = kkg(data_copy, "build", "--no-validate", "--quiet")
    assert failed.returncode == 1
    assert f"kosovo_recognitions.csv:{line}: {message}" in failed.stderr
    assert "Traceback" not in failed.stderr + failed.stdout
    assert "the last good dump and store are unchanged" in failed.stderr
    assert dump.read_bytes() == dump_before
    assert store_mod.current_store(data_copy.var_dir) == current


def test_validate_names_the_line_where_a_truncated_dump_breaks(data_copy, tmp_path):
    bundled = store_mod.dump_path(Path(__file__).parents[1] / "data").read_bytes()
    cut = len(bundled) // 3
    truncated = tmp_path / "truncated.nq"
    truncated.write_bytes(bundled[:cut])
    last_line = bundled[:cut].count(b"\n") + 1  # the line the cut falls in
    assert not bundled[:cut].endswith(b"\n")
    result = kkg(data_copy, "validate", "--file", str(truncated))
    assert result.returncode == 1
    assert f"{truncated}:{last_line}: not valid N-Quads" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "no quads"), (b"# only a comment\n", "no quads"), (b"<http://a> <http://b", ":1: ")],
)
def test_validate_refuses_an_empty_or_broken_file(data_copy, tmp_path, content, words):
    path = tmp_path / "dump.nq"
    path.write_bytes(content)
    result = kkg(data_copy, "validate", "--file", str(path))
    assert result.returncode == 1 and words in result.stderr
    assert "Traceback" not in result.stderr
    directory = kkg(data_copy, "validate", "--file", str(tmp_path))
    assert directory.returncode == 1 and "cannot read" in directory.stderr
    assert "Traceback" not in directory.stderr
