"""Browser tests: Playwright (Python) driving Debian's Chromium against a live server.

The browser is /usr/bin/chromium (``make browser`` installs it with apt); Playwright's own browser
download is never used. Without Chromium or Playwright the tests are skipped, with the reason,
except under ``CI=true``, where they fail: CI must run them.

Data is built through actions (the cast of charter/testing/ and the stories of the apps' tests) in
the test's thread; the live server serves it from another thread of the same process, so the
frozen clock is the same on both sides. People sign in through the sign-in page, as a person would.

Helpers for a scenario (see charter/tests/browser/README.md):
- ``page``: a fresh browser page at desktop size; ``phone``: one at 360 x 740.
- ``live_site``: the address of an ASGI server (uvicorn, as ``charter serve`` runs) in a thread of
  this process, for pages that follow a stream of server-sent events (the hall screen, the phones);
  ``open_page(browser, viewport)`` gives a page for it.
- ``sign_in(page, member)``: gives the member a sign-in and signs in through the form.
- ``check_accessibility(page)``: runs axe-core (vendored) and fails on serious or critical findings.
- ``no_horizontal_scroll(page)``: the page fits its viewport's width.
- ``shoot(page, name)``: saves a screenshot under docs/screenshots/ when SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = HERE.parents[2] / "docs" / "screenshots"
PASSWORD = "a-long-test-password-1"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def _missing() -> str:
    """Why the browser tests cannot run here, or '' when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM} (make browser installs it)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = _missing()
    ours = []
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            ours.append(item)
            item.add_marker(pytest.mark.browser)
            if missing and os.environ.get("CI") != "true":
                item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {missing}"))
    # Last in the run: while the browser is up, Playwright's event loop runs in this thread (and
    # Django is told async code may call it), which the rest of the suite must not see.
    if ours:
        chosen = {id(i) for i in ours}
        items[:] = [i for i in items if id(i) not in chosen] + ours


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:  # only reached under CI=true (otherwise the tests were marked skipped)
        pytest.fail(f"CI=true and the browser tests cannot run: {missing}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM calls
    # (building data through actions) are synchronous and safe here, so Django is told so.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Site:
    """The live server's address: ``site("/me/")`` is an absolute URL."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def site(live_server: Any, transactional_db: Any) -> Site:
    return Site(live_server.url)


@pytest.fixture
def live_site(transactional_db: Any, settings: Any) -> Iterator[Site]:
    """Django under uvicorn in a thread of this process (the frozen clock is shared), with the static
    files served from the apps: the server-sent event streams (``floor.live``) really stream, as
    under ``charter serve``; the WSGI live server would hold them forever. Each request's thread
    opens its own connection to the same in-memory test database (Django names it for sharing).
    SQLite's shared cache locks tables between such connections and answers a reader that meets a
    writer with "table is locked" at once, without waiting: the connections read uncommitted
    rows instead (``PRAGMA read_uncommitted``), so the stream's reader never meets a lock."""
    import threading
    import time

    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application
    from django.db import connection
    from django.db.backends.signals import connection_created

    from charter.testing.pgcluster import free_port

    def shared_cache_reads(sender: Any, connection: Any, **kw: Any) -> None:
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.connection.execute("PRAGMA read_uncommitted = true")

    connection.ensure_connection()
    shared_cache_reads(None, connection)
    connection_created.connect(shared_cache_reads, dispatch_uid="live_site")

    settings.FLOOR_LIVE_INTERVAL = 0.1
    settings.LIVE_INTERVAL = 0.5
    settings.LIVE_HEARTBEAT = 2
    port = free_port()
    config = uvicorn.Config(
        ASGIStaticFilesHandler(get_asgi_application()),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-live-site", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)
    connection_created.disconnect(dispatch_uid="live_site")


def open_page(browser: Any, viewport: dict[str, int]) -> tuple[Any, Any]:
    """A browser context and its page at ``viewport`` (phone-like at PHONE); close the context."""
    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    context.set_default_timeout(15000)
    return context, context.new_page()


def _page(browser: Any, viewport: dict[str, int], **kw: Any) -> Any:
    context = browser.new_context(viewport=viewport, **kw)
    context.set_default_timeout(15000)
    # The live server speaks WSGI; a poll's server-sent events need the ASGI server (charter serve),
    # and have their own tests (charter/voting/tests/test_live.py): pages here poll no stream.
    context.route("**/polls/*/live/", lambda route: route.abort())
    return context, context.new_page()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    context, p = _page(browser, DESKTOP)
    yield p
    context.close()


@pytest.fixture
def phone(browser: Any, site: Site) -> Iterator[Any]:
    context, p = _page(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    yield p
    context.close()


def give_sign_in(member: Any, username: str | None = None) -> str:
    """A sign-in for ``member`` (an identity, not an act of the organization); returns the username."""
    from charter.accounts.models import User
    from charter.members.models import Member

    member.refresh_from_db()
    if member.user_id:
        return str(member.user.username)
    username = username or f"member{member.pk}"
    user = User.objects.create_user(username, password=PASSWORD)
    Member.objects.filter(pk=member.pk).update(user=user)
    return username


KEYS: dict[str, str] = {}  # username -> the authenticator key shown at enrolment


def totp_code(key: str) -> str:
    """What an authenticator app shows now for ``key`` (base32, as the enrolment page prints it)."""
    import base64

    from django_otp.oath import totp

    key = key.replace(" ", "").upper()
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8))):06d}"


def sign_in(page: Any, site: Site, member: Any) -> None:
    """Sign in through the sign-in page, typing as a person would, and land on 'My membership'.
    Officers then pass the second factor as a person would: the first time they read the key under
    the QR code into their authenticator (here: compute its code), later they type the code."""
    username = give_sign_in(member)
    page.goto(site("/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda url: "/me/" in url or "/two-factor/" in url)
    if "/two-factor/" in page.url:
        key = page.locator("code.key")
        if key.count():
            KEYS[username] = key.inner_text()
        page.fill("#id_code", totp_code(KEYS[username]))
        page.press("#id_code", "Enter")
        page.wait_for_url(lambda url: "/two-factor/" not in url)
        page.goto(site("/me/"))
    page.wait_for_url(site("/me/"))


@pytest.fixture
def signed_in(site: Site) -> Any:
    def go(page: Any, member: Any) -> Any:
        sign_in(page, site, member)
        return page

    return go


def axe_findings(
    page: Any, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """The axe-core violations of the page with one of ``impacts`` (WCAG 2.0/2.1/2.2 A and AA)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging channel: the pages' Content Security Policy
        # (no inline scripts) stays on while they are checked.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}, resultTypes: ['violations']})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def check_accessibility(page: Any) -> None:
    findings = axe_findings(page)
    assert not findings, (
        f"axe-core on {page.url}:\n{json.dumps(findings, indent=1, ensure_ascii=False)}"
    )


def no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in a {widths[1]} px window"


def shoot(page: Any, name: str) -> Path | None:
    """Save a screenshot as docs/screenshots/NAME.png when SCREENSHOTS=1 (``make screenshots``)."""
    if os.environ.get("SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False, type="png")
    return path
