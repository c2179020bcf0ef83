"""The translation catalogs under charter/locale: each compiled .mo says what its .po says, nothing is
left untranslated or fuzzy, and every placeholder of the English text is kept in the translation (a
lost %(name)s breaks a page or a notice at run time). And a member who reads Urdu gets their pages
in Urdu, right to left.

Standard library only: the .po is parsed here and the .mo read with the gettext module.
"""

from __future__ import annotations

import ast
import gettext
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from charter.testing.web import login_user

LOCALE = Path(__file__).resolve().parents[1] / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

# Python %-format (%(name)s, %(n)d, %s, %%-escapes excluded), str.format ({name}), templates ({{ var }}).
PERCENT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]")
BRACE = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")
TEMPLATE = re.compile(r"\{\{.*?\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None  # Django's own contexts, e.g. "abbrev. month" (charter/formats)
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    return str(ast.literal_eval(text))


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete '#~' entries are ignored; the header is entry 0)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def close() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgid_plural "):
            current.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", 0)
        elif line.startswith("msgid "):
            current.msgid, target = _unquote(line[6:]), ("msgid", 0)
        elif line.startswith("msgstr["):
            index = int(line[7:line.index("]")])
            current.msgstr[index], target = _unquote(line[line.index("]") + 1:].strip()), ("msgstr", index)
        elif line.startswith("msgstr "):
            current.msgstr[0], target = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith("msgctxt "):
            current.msgctxt, target = _unquote(line[8:]), ("msgctxt", 0)
        elif line.startswith('"') and target is not None:
            kind, index = target
            if kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + _unquote(line)
            elif kind == "msgid":
                current.msgid += _unquote(line)
            elif kind == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + _unquote(line)
            else:
                current.msgstr[index] += _unquote(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    close()
    return entries


def placeholders(text: str, flags: set[str]) -> set[str]:
    found = set(TEMPLATE.findall(text)) | set(BRACE.findall(text))
    if "python-format" in flags or PERCENT.search(text.replace("%%", "")):
        found |= set(PERCENT.findall(text.replace("%%", "")))
    return found


def untranslated(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries[1:] if not all(e.msgstr.get(i) for i in (range(2) if e.msgid_plural else range(1)))]


def key(e: Entry) -> str:
    """The entry's key in a compiled catalog: the context, EOT, then the msgid."""
    return e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"


def _id(path: Path) -> str:
    return path.parts[-3]


@pytest.mark.parametrize("po", CATALOGS, ids=_id)
def test_catalog_header_names_its_language(po):
    header = parse_po(po)[0]
    assert header.msgid == "" and f"Language: {_id(po)}\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=" in header.msgstr[0]


@pytest.mark.parametrize("po", CATALOGS, ids=_id)
def test_every_placeholder_is_kept(po):
    """A hard failure even in an unfinished catalog: a lost or misspelt placeholder breaks the page."""
    broken = []
    for e in parse_po(po)[1:]:
        wanted = placeholders(e.msgid, e.flags)
        wanted_plural = placeholders(e.msgid_plural, e.flags) if e.msgid_plural else wanted
        for index, text in e.msgstr.items():
            if not text:
                continue
            have = placeholders(text, e.flags | ({"python-format"} if wanted or wanted_plural else set()))
            # A singular form may leave out the count (msgid_plural's own convention); nothing may be invented.
            need = (wanted if index == 0 else wanted_plural) - ({"%(n)s", "%(n)d"} if e.msgid_plural and index == 0 else set())
            if not need <= have or not have <= (wanted | wanted_plural):
                broken.append(f"line {e.line}: {e.msgid!r} -> [{index}] {text!r}")
            if e.msgid[:1] in (" ", "\n") and text[:1] != e.msgid[:1] or e.msgid[-1:] in (" ", "\n") and text[-1:] != e.msgid[-1:]:
                broken.append(f"line {e.line}: leading or trailing space or newline lost in {e.msgid!r}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("po", CATALOGS, ids=_id)
def test_nothing_is_untranslated_or_fuzzy(po):
    entries = parse_po(po)
    missing = untranslated(entries)
    fuzzy = [e for e in entries[1:] if "fuzzy" in e.flags]
    report = "\n".join(f"line {e.line}: {e.msgid!r}" for e in [*missing, *fuzzy][:40])
    if missing or fuzzy:
        warnings.warn(f"{po}: {len(missing)} untranslated, {len(fuzzy)} fuzzy\n{report}", stacklevel=1)
    assert not missing and not fuzzy, f"{len(missing)} untranslated, {len(fuzzy)} fuzzy:\n{report}"


@pytest.mark.parametrize("po", CATALOGS, ids=_id)
def test_compiled_catalog_matches_its_source(po):
    """The .mo is what Django reads: it must be compiled from the .po as it now stands."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: compile it with msgfmt --check -o {mo} {po}"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # type: ignore[attr-defined]
    stale = []
    for e in parse_po(po)[1:]:
        if "fuzzy" in e.flags or not any(e.msgstr.values()):
            continue  # msgfmt leaves these out
        if e.msgid_plural is None:
            if catalog.get(key(e)) != e.msgstr[0]:
                stale.append(e.msgid)
        elif any(catalog.get((key(e), i)) != text for i, text in e.msgstr.items()):
            stale.append(e.msgid)
    translated = {key(e) for e in parse_po(po)[1:] if "fuzzy" not in e.flags and any(e.msgstr.values())}
    extra = {key if isinstance(key, str) else key[0] for key in catalog} - translated - {""}
    assert not stale and not extra, f"{mo} is out of date with {po}: recompile it ({len(stale)} changed, {len(extra)} gone)"


@pytest.mark.django_db
def test_an_urdu_reader_gets_the_home_page_in_urdu_right_to_left(client, cast, at):
    from django.utils import translation

    from charter.accounts.models import User
    from charter.members.models import Member

    at("2026-11-01T10:00:00")
    Member.objects.filter(pk=cast.alice.pk).update(language="ur")
    user = User.objects.create_user("alice", password="a-long-test-password-1")
    Member.objects.filter(pk=cast.alice.pk).update(user=user)
    login_user(client, user)
    page = client.get("/me/").content.decode()
    with translation.override("ur"):
        urdu = [translation.gettext(text) for text in ("My membership", "Good standing")]
    assert urdu != ["My membership", "Good standing"], "the Urdu catalog does not translate the home page"
    assert 'dir="rtl"' in page and 'lang="ur"' in page
    for text in urdu:
        assert text in page
    assert "My membership" not in page


@pytest.mark.django_db
def test_a_notice_reads_in_its_members_language_whoever_acted(cast, at):
    """Charter sends a dues reminder while an English page is being served: the Urdu member still
    reads it in Urdu, and an English member in English."""
    from django.utils import translation

    from charter.members.actions import send_dues_reminder
    from charter.members.models import Member
    from charter.notices.models import Notice

    at("2026-11-01T10:00:00")
    Member.objects.filter(pk=cast.alice.pk).update(language="ur")
    with translation.override("en"):
        send_dues_reminder(Member.objects.get(pk=cast.alice.pk))
        send_dues_reminder(cast.bilal)
    with translation.override("ur"):
        urdu = translation.gettext("Your dues are in arrears")
    assert urdu != "Your dues are in arrears"
    assert set(Notice.objects.filter(member=cast.alice, kind="dues_reminder").values_list("subject", "language")) == {(urdu, "ur")}
    assert set(Notice.objects.filter(member=cast.bilal, kind="dues_reminder").values_list("subject", flat=True)) == {"Your dues are in arrears"}
