"""The `charter` command's offline parts: rules check and explain, count."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.cli import main
from charter.rulebook.spec import DATA_DIR

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "elections"


def test_rules_check_accepts_the_bundled_rulebooks(capsys):
    for path in sorted(DATA_DIR.glob("*.yaml")):
        assert main(["rules", "check", str(path)]) == 0, path
    assert "OK" in capsys.readouterr().out


def test_rules_check_reports_each_problem_with_its_line(tmp_path, capsys):
    text = (DATA_DIR / "wda-2011.yaml").read_text()
    bad = text.replace("    seats: 15\n", "    seats: fifteen\n").replace("level: branch\n    roster: members\n", "level: village\n    roster: members\n")
    path = tmp_path / "bad.yaml"
    path.write_text(bad)
    assert main(["rules", "check", str(path)]) == 1
    err = capsys.readouterr().err
    lines = text.splitlines()
    seats_line = next(i for i, line in enumerate(lines, 1) if line == "    seats: 15")
    assert f"bad.yaml:{seats_line}: bodies[1].seats:" in err
    assert "village" in err and "2 problem(s)" in err


def test_rules_explain(capsys):
    assert main(["rules", "explain", "expel_member", "--rulebook", str(DATA_DIR / "wda-2011.yaml")]) == 0
    out = capsys.readouterr().out
    assert "Central Committee" in out and "7.3" in out
    assert main(["rules", "explain", "no_such_act", "--rulebook", str(DATA_DIR / "wda-2011.yaml")]) == 1


def test_count_a_published_ward(capsys):
    blt = next(SHARED.glob("glasgow-2022-ward01-linn/*.blt"), None) if SHARED.exists() else None
    if blt is None:
        pytest.skip("shared election data not present")
    assert main(["count", "--method", "scottish-stv", str(blt), "--json"]) == 0
    assert "Catherine VALLIS" in capsys.readouterr().out
