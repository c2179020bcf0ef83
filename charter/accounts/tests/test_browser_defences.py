"""Browser defences: a Content Security Policy on every page that allows no inline script or style
and no framing; no template with inline script, style or event handlers; CSRF on every form and
every write of the API; Secure cookies and HSTS when served over HTTPS."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from charter.accounts.models import User
from charter.accounts.tests.test_access_walk import api_operations, web_routes
from charter.members.models import Member
from charter.testing.web import login_user

ROOT = Path(__file__).resolve().parents[2]


def templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.html") if "templates" in p.parts)


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event-handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\shx-on", re.I), "an hx-on attribute (evaluated code)"),
]


def test_no_template_has_inline_script_style_or_handlers():
    assert templates(), "no templates found"
    offenders = []
    for path in templates():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in INLINE:
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT.parent)}:{n}: {what}")
    assert not offenders, (
        "The Content Security Policy forbids these (move them to charter/static/):\n"
        + "\n".join(offenders)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/units/", "/record/", "/rules/", "/no-such-page/", "/api/docs"]
)
def test_every_page_carries_a_strict_policy(client, cast, url):
    r = client.get(url)
    csp = r["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["frame-ancestors"] == "'none'" and directives["default-src"] == "'self'"
    assert (
        directives["script-src"] == "'self'"
        and directives["style-src"] == "'self'"
        and directives["object-src"] == "'none'"
    )
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"


# Operations that take no sign-in and write nothing: no session to ride, so nothing to forge.
STATELESS = {
    "POST /api/rules/check": "checks a rulebook text sent in the request; reads and writes nothing",
    # A participant's phone acts by the code on their badge, in the address, not by a cookie: a
    # forged request from another site cannot carry a code it does not know, so there is nothing
    # for a CSRF token to protect (and observers without a sign-in use these).
    "POST /api/conferences/{pk}/phones/{code}/questions": "acts by the badge code in the address, not a cookie",
    "POST /api/conferences/{pk}/phones/{code}/speak": "acts by the badge code in the address, not a cookie",
}


@pytest.mark.django_db
def test_every_post_is_refused_without_the_csrf_token(cast, at):
    """Every route and every API operation that writes, for a signed-in officer (the strongest
    session): without the token, 403 and nothing done."""
    at("2026-11-01T10:00:00")
    browser = Client(enforce_csrf_checks=True)
    user = User.objects.create_user("sara", password="a-long-test-password-1")
    Member.objects.filter(pk=cast.sara.pk).update(user=user)
    login_user(browser, user)
    fill = lambda route: re.sub(r"<[^>]+>", "1", route)  # noqa: E731 - ids do not matter: CSRF comes first
    refused = []
    for name, route in sorted(web_routes().items()):
        r = browser.post(fill(route), {"next": "/"})
        if r.status_code != 403:
            refused.append(f"{name} POST {fill(route)}: {r.status_code}")
    for op, path in sorted(api_operations().items()):
        method = op.split()[0]
        if method == "GET" or op in STATELESS:
            continue
        url = re.sub(r"\{\w+\}", "1", path)
        r = browser.generic(method, url, data=json.dumps({}), content_type="application/json")
        if r.status_code != 403:
            refused.append(f"{op}: {r.status_code}")
    assert not refused, "accepted without a CSRF token:\n" + "\n".join(refused)
    assert browser.get("/me/").status_code == 200  # still signed in: the refusals were CSRF's


def _settings_with(env: dict[str, str]) -> dict[str, object]:
    code = (
        "import json; from charter import settings as s; "
        "print(json.dumps({k: getattr(s, k, None) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_HTTPONLY', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT.parent,
    )
    return json.loads(out.stdout)


def test_production_over_https_has_secure_cookies_and_hsts():
    prod = _settings_with(
        {"SITE_ROOT": "https://charter.example.org", "TRUSTED_PROXIES": "127.0.0.1"}
    )
    assert (
        prod["SESSION_COOKIE_SECURE"]
        and prod["CSRF_COOKIE_SECURE"]
        and prod["SESSION_COOKIE_HTTPONLY"]
    )
    assert prod["SECURE_HSTS_SECONDS"] >= 31_536_000 and prod["SECURE_SSL_REDIRECT"]
    assert prod["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    local = _settings_with({"SITE_ROOT": "http://127.0.0.1:8000"})  # the demo on a laptop
    assert (
        not local["SESSION_COOKIE_SECURE"]
        and local["SECURE_HSTS_SECONDS"] == 0
        and local["SECURE_PROXY_SSL_HEADER"] is None
    )


def test_django_deploy_checks_of_security_pass_over_https():
    env = {
        "PATH": "/usr/bin:/bin",
        "SITE_ROOT": "https://charter.example.org",
        "ALLOWED_HOSTS": "charter.example.org",
        "SECRET_KEY": "k" * 20 + "a-long-random-secret-key-for-this-test-only-7f3a9c",
        "RECORD_ORIGIN": "charter.example.org/record",
    }
    from charter.lib.checkpoint import generate_signer

    env["RECORD_SIGNING_KEY"] = generate_signer(env["RECORD_ORIGIN"])[0]  # as production sets it
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--tag",
            "security",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT.parent,
    )
    assert out.returncode == 0, out.stdout + out.stderr
