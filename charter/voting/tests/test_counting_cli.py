"""The ``count`` command line core."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from charter.voting.counting.cli import main

BLT = '3 2\n6 1 2 0\n2 1 3 0\n1 1 0\n4 2 0\n5 3 0\n0\n"A"\n"B"\n"C"\n"cli"\n'
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def blt_file(tmp_path: Path) -> Path:
    path = tmp_path / "e.blt"
    path.write_text(BLT, encoding="utf-8")
    return path


def test_prints_the_count_sheet(blt_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--method", "scottish-stv", str(blt_file)]) == 0
    out = capsys.readouterr().out
    assert "quota 7.00000" in out and "Elected: A, C" in out


def test_json_output(blt_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--method", "scottish-stv", str(blt_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["A", "C"] and data["quota"] == "7.00000"


@pytest.mark.parametrize("method", ["scottish-stv", "meek-stv", "irv", "schulze"])
def test_every_method_runs(method: str, blt_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--method", method, str(blt_file), "--json", "--seed", "7"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == method


def test_seats_override(blt_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--method", "scottish-stv", "--seats", "1", str(blt_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["seats"] == 1 and data["quota"] == "10.00000"


def test_leading_count_word_is_accepted(blt_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["count", "--method", "irv", str(blt_file)]) == 0
    assert "Elected: A" in capsys.readouterr().out


def test_malformed_file_reports_file_and_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.blt"
    bad.write_text("3 1\n1 1 2 0\n1 7 0\n0\n", encoding="utf-8")
    assert main(["--method", "scottish-stv", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"{bad}: line 3: preference 7 is not a candidate (there are 3)"


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--method", "irv", str(tmp_path / "none.blt")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_unknown_method_is_an_argparse_error(
    blt_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--method", "borda", str(blt_file)])
    assert info.value.code == 2
    assert "invalid choice: 'borda'" in capsys.readouterr().err


def test_irv_refuses_more_than_one_seat(blt_file: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--method", "irv", "--seats", "2", str(blt_file)])
    assert info.value.code == 2


def test_runs_as_a_module(blt_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "charter.voting.counting", str(blt_file), "--method", "meek-stv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Elected:" in done.stdout
