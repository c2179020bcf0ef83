"""`charter check`: Django's deployment checks with the settings of the environment, warnings
failing too, and PostgreSQL's durability."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from charter.checks import durability_problems, read_durability
from charter.lib.checkpoint import generate_signer
from charter.testing import pgcluster
from charter.testing.serving import ROOT, charter, env_for

EXAMPLE = ROOT / "deploy" / "charter.env.example"


def example_settings(tmp_path: Path) -> dict[str, str]:
    """deploy/charter.env.example as systemd reads it, its placeholders filled in."""
    out: dict[str, str] = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            out[name.strip()] = value.strip().strip('"')
    out = {k: re.sub(r"CHANGE-ME[-A-Za-z]*", secrets.token_urlsafe(50), v) for k, v in out.items()}
    out.update(CHARTER_VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"))
    return out


def production_env(tmp_path: Path, url: str) -> dict[str, str]:
    env = env_for(url, tmp_path)
    env.update(example_settings(tmp_path))
    env["DATABASE_URL"] = url
    env["RECORD_SIGNING_KEY"] = generate_signer(env["RECORD_ORIGIN"])[0]
    return env


def test_the_example_settings_pass_charter_check_and_manage_check_deploy(
    tmp_path, django_db_blocker
):
    url = f"sqlite:///{tmp_path / 'charter.sqlite3'}"
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock():
            url = _suite_database_url()
    env = production_env(tmp_path, url)
    checked = charter(env, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
    managed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert managed.returncode == 0, managed.stdout + managed.stderr


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"DEBUG": "true"}, "security.W018"),
        ({"SECRET_KEY": "short"}, "security.W009"),
        (
            {"SECRET_KEY": "CHANGE-ME-a-long-random-value-of-fifty-characters-or-more-xxxx"},
            "charter.E004",
        ),
        ({"HTTPS": "false", "SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"NOTICE_EMAIL_TRANSPORT": "console"}, "charter.W001"),
        ({"RECORD_SIGNING_KEY": ""}, "charter.W004"),
        ({"RECORD_SIGNING_KEY": "PRIVATE+KEY+not-a-key"}, "charter.E005"),
        ({"RECORD_ORIGIN": "elsewhere.example.org/record"}, "charter.E006"),
    ],
)
def test_charter_check_fails_on_what_a_production_server_must_not_have(tmp_path, change, problem):
    env = production_env(tmp_path, f"sqlite:///{tmp_path / 'charter.sqlite3'}")
    env.update(change)
    checked = charter(env, "check")
    assert checked.returncode == 1
    assert problem in checked.stderr


def _suite_database_url() -> str:
    from urllib.parse import quote

    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="") + (
        ":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else ""
    )
    return f"postgres://{auth}@{s['HOST'] or ''}{':' + str(s['PORT']) if s['PORT'] else ''}/{s['NAME']}"


# --- PostgreSQL's durability --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_durability_query_reads_the_real_server_and_finds_it_durable():
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite")
    with connection.cursor() as cursor:
        values = read_durability(cursor)
    assert set(values) == {"fsync", "synchronous_commit", "full_page_writes"}
    assert (
        values["fsync"] == "on"
        and values["full_page_writes"] == "on"
        and values["synchronous_commit"] != "off"
    )
    assert durability_problems(values) == []


DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


@pytest.mark.parametrize("name", sorted(DURABLE))
def test_each_setting_turned_off_is_an_error_naming_it(name):
    problems = durability_problems({**DURABLE, name: "off"})
    assert [(p.id, p.level >= 40) for p in problems] == [("charter.E002", True)]
    assert f"{name}=off" in problems[0].msg


@pytest.mark.parametrize("commit", ["on", "local", "remote_write", "remote_apply"])
def test_every_synchronous_commit_that_waits_for_the_local_flush_is_durable(commit):
    assert durability_problems({**DURABLE, "synchronous_commit": commit}) == []


def test_all_off_gives_three_errors_and_a_missing_setting_is_reported():
    assert [p.id for p in durability_problems(dict.fromkeys(DURABLE, "off"))] == [
        "charter.E002"
    ] * 3
    assert [p.id for p in durability_problems({"fsync": "on", "full_page_writes": "on"})] == [
        "charter.E003"
    ]


@pytest.mark.postgres
@pytest.mark.slow
def test_charter_check_fails_against_a_server_with_synchronous_commit_off(tmp_path):
    """The whole path: a private PostgreSQL started with synchronous_commit=off; `charter check`
    against it fails with the durability error (and the same server with it on passes above)."""
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite")
    if not pgcluster.available():
        pytest.skip("no PostgreSQL server binaries")
    with pgcluster.PrivateCluster(settings={"synchronous_commit": "off", "fsync": "off"}) as pg:
        env = production_env(tmp_path, pg.createdb("charter"))
        checked = charter(env, "check")
    assert checked.returncode == 1
    assert "charter.E002" in checked.stderr
    assert "synchronous_commit=off" in checked.stderr and "fsync=off" in checked.stderr
    assert "full_page_writes" not in checked.stderr
