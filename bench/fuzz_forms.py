"""Bad input never becomes a server error, on the pages: every form of the demo, as every role,
posted with bad values.

1. loads the demo organization (``charter demo --load-only``) into a fresh SQLite file under
   /tmp/charter-fuzz-forms-PID/ (``--db FILE``: a copy of that database instead);
2. for each person of the demo's cast (README), signed in past the second factor, walks the
   site from the home page, one page of each address pattern (numbers stand for any number), up
   to ``--pages`` pages, following the links it finds;
3. posts each form it finds (one of each action pattern per person): once as the page gives it,
   then with one field at a time set to a bad value (empty, blank, very long, negative, beyond any
   integer, not a number, an impossible date, a NUL byte, Arabic-Indic digits, markup, "NaN",
   "1e309"), up to ``--posts`` posts a form, in an order drawn from ``--seed``;
4. prints every answer of 500 or more with what was posted, and FIGURE lines; exits 1 if any.

Posts change the copy (the acts they make go through the actions like any other); the demo's own
database is never touched. The test client is Django's, in process, so a server error comes with its
traceback on stderr.

    .venv/bin/python bench/fuzz_forms.py [--db var/charter.sqlite3] [--as member secretary ...]
        [--pages 600] [--posts 40] [--seed 7] [--language ur]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _figures import figure  # noqa: E402

WORK = Path(f"/tmp/charter-fuzz-forms-{os.getpid()}")
CHILD = "CHARTER_FUZZ_FORMS"
ROLES = ["member", "charged", "secretary", "regional", "secretariat", "cc", "control"]
BAD = [
    "", "   ", "x" * 3000, "-1", "0", "99999999999999999999999", "abc", "2026-02-30", "2026-13-45T25:61",
    "a\x00b", "\u0661\u0662\u0663", "<b>&amp;", "NaN", "1e309",
]
# not walked: leaving the session, files and feeds (they hold no forms), the admin, the API (bench/fuzz_api.py)
SKIP = re.compile(r"logout|/static/|/admin/|\.csv|\.pdf$|download|/log\.|/api/")


class Page(HTMLParser):
    """The links and the forms of a page (each form: its action, method and fields with the value
    the page gives them; a select's first or selected option; a checkbox only when checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": (a.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None and (self._select[2] is None or "selected" in a):
                self._select[2] = a.get("value", "")
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = a.get("type", "text")
            checked = kind not in ("checkbox", "radio") or "checked" in a
            fields.append([a["name"], kind, a.get("value", "") if checked else None])
        elif tag == "select":
            self._select = [a["name"], "select", None]
            fields.append(self._select)
        elif tag == "textarea":
            self._textarea = [a["name"], "textarea", ""]
            fields.append(self._textarea)
        elif tag == "button":
            fields.append([a["name"], "button", a.get("value", "")])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def walk(username: str, pages: int, posts: int, seed: int, language: str) -> dict:
    from django.test import Client

    from charter.accounts.models import User
    from charter.members.models import Member
    from charter.testing.web import login_user

    client = Client(raise_request_exception=False)
    user = User.objects.get(username=username)
    if language:  # the pages in that language: a translation that breaks a message breaks its page
        Member.objects.filter(user=user).update(language=language)
    login_user(client, user)
    rnd = random.Random(f"{seed}:{username}")
    queue, seen, patterns, posted = ["/"], set(), {"/"}, set()
    errors: list[str] = []
    made = 0

    def answer(response, what: str) -> None:
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {what}")
            print(f"  !! {username}: {response.status_code} {what[:400]}", flush=True)

    while queue and len(seen) < pages:
        url = queue.pop(0)
        seen.add(url)
        response = client.get(url, follow=True)
        answer(response, f"GET {url}")
        if response.redirect_chain:
            url = response.redirect_chain[-1][0]
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = Page()
        page.feed(response.content.decode("utf-8", "replace"))
        for href in page.links:
            link = urlparse(urljoin(url, href))
            if link.netloc not in ("", "testserver") or SKIP.search(link.path) or pattern(link.path) in patterns:
                continue
            patterns.add(pattern(link.path))
            queue.append(link.path + (f"?{link.query}" if link.query else ""))
        for form in page.forms:
            action = urljoin(url, form["action"] or url)
            if form["method"] != "post" or SKIP.search(action) or pattern(urlparse(action).path) in posted:
                continue
            posted.add(pattern(urlparse(action).path))
            given = {name: value for name, kind, value, *_ in form["fields"] if value is not None and kind != "submit"}
            variants = [
                {**given, name: bad}
                for name, _kind, *_ in form["fields"]
                if name != "csrfmiddlewaretoken"
                for bad in BAD
            ]
            rnd.shuffle(variants)
            for data in [given, *variants[:posts]]:
                answer(client.post(action, data), f"POST {action} {data!r}")
                made += 1
    print(f"  {username}: {len(seen)} pages, {len(posted)} forms, {made} posts, {len(errors)} server errors", flush=True)
    return {"pages": len(seen), "forms": posted, "posts": made, "errors": errors}


def child(args: argparse.Namespace) -> int:
    import logging

    import django

    django.setup()
    for name in ("django.request", "charter.security"):  # refusals (4xx) are expected here; a 5xx is logged
        logging.getLogger(name).setLevel(logging.ERROR)
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's hooks (what a template rendered); mail is kept in memory
    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    pages, forms, posts, errors = 0, set(), 0, []
    for username in args.who:
        found = walk(username, args.pages, args.posts, args.seed, args.language)
        pages += found["pages"]
        forms |= found["forms"]
        posts += found["posts"]
        errors += found["errors"]
    took = time.perf_counter() - started
    print(f"{len(args.who)} people, {pages} pages, {len(forms)} kinds of form, {posts} posts in {took:.0f} s: {len(errors)} server errors")
    who = f"{len(args.who)} people of the demo's cast" + (f", pages in {args.language}" if args.language else "")
    figure(f"form fuzzing ({who}, {args.posts} bad posts a form at most): server errors", len(errors), "answers", f"of {posts:,} posts to {len(forms)} kinds of form on {pages} pages", "0")
    return 1 if errors else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", help="a Charter SQLite database holding the demo, to copy (default: load the demo afresh)")
    p.add_argument("--as", dest="who", nargs="+", default=ROLES, help="the people of the demo's cast to sign in as")
    p.add_argument("--pages", type=int, default=600, help="pages walked per person, at most")
    p.add_argument("--posts", type=int, default=40, help="posts with a bad value per form, at most")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--language", default="", help="the language the cast reads the pages in (en, ur, sd; default: their own)")
    args = p.parse_args()
    if os.environ.get(CHILD):
        return child(args)
    WORK.mkdir(parents=True, exist_ok=True)
    db = WORK / "charter.sqlite3"
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "charter.settings",
        "RECORD_SIGNING_KEY_FILE": str(WORK / "signing.key"), "CHARTER_VAR_DIR": str(WORK),
    }
    if args.db:
        source, copy = sqlite3.connect(args.db), sqlite3.connect(db)
        source.backup(copy)
        copy.close()
        source.close()
        key = Path(args.db).with_name("record-signing.key")  # the copy's checkpoints were signed with it
        if key.exists():
            env["RECORD_SIGNING_KEY_FILE"] = str(key)
        print(f"fuzzing a copy of {args.db}: {db}", flush=True)
    else:
        print(f"loading the demo into {db} ...", flush=True)
        subprocess.run([sys.executable, "-m", "charter.cli", "demo", "--load-only"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return subprocess.run([sys.executable, __file__, *sys.argv[1:]], env={**env, CHILD: "1"}, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
