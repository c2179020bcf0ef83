"""Names in Urdu and Sindhi (Arabic script) print in the badge sheet and the report's PDF: the
text is set in Noto Naskh Arabic, shaped (letters joined), and the PDF maps the glyphs it drew back
to the letters (its ToUnicode tables), which is what this reads."""

from __future__ import annotations

import re
import zlib

import pytest

from charter.conferences import actions
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db

URDU = "عائشہ صدیقی"
SINDHI = "ڄاڻ ٻڌائيندڙ"


def drawn(pdf: bytes) -> dict[str, list[tuple[int, str]]]:
    """Per font the PDF embeds: the glyphs it drew, each with the letter it stands for."""
    objects = {
        int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)
    }

    def stream(body: bytes) -> bytes:
        data = body.split(b"stream", 1)[1].split(b"endstream", 1)[0].strip(b"\r\n")
        return zlib.decompress(data) if b"FlateDecode" in body else data

    out: dict[str, list[tuple[int, str]]] = {}
    for body in objects.values():
        name = re.search(rb"/BaseFont\s*/(\S+?)[\s/>]", body)
        cmap = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
        if not (name and cmap):
            continue
        text = stream(objects[int(cmap.group(1))])
        pairs = re.findall(
            rb"<([0-9A-F]{4})>\s*<([0-9A-F]{4,})>", text.split(b"beginbfchar", 1)[-1]
        )
        out.setdefault(name.group(1).decode().split("+")[-1], []).extend(
            (int(g, 16), bytes.fromhex(u.decode()).decode("utf-16-be")) for g, u in pairs
        )
    return out


def arabic_letters(fonts: dict[str, list[tuple[int, str]]]) -> tuple[set[str], dict[str, int]]:
    letters: set[str] = set()
    forms: dict[str, set[int]] = {}
    for font, glyphs in fonts.items():
        if font.startswith("NotoNaskhArabic"):
            for gid, ch in glyphs:
                letters.add(ch)
                forms.setdefault(f"{font}:{ch}", set()).add(gid)
    return letters, {k: len(v) for k, v in forms.items()}


def test_an_urdu_and_a_sindhi_name_print_on_the_badges(cast, conference, client):
    actions.register_observer(conference, by=cast.sara, name=URDU)
    actions.register_observer(conference, by=cast.sara, name=SINDHI)
    actions.register_observer(conference, by=cast.sara, name="Alice Baloch")
    login_as(client, cast.sara)
    response = client.get(f"/conferences/{conference.pk}/badges.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    fonts = drawn(response.content)
    letters, forms = arabic_letters(fonts)
    assert set(URDU.replace(" ", "")) <= letters
    assert set(SINDHI.replace(" ", "")) <= letters
    # shaped, not isolated letters in a row: the two ی of صدیقی (medial, final) are two glyphs
    assert forms["NotoNaskhArabicBold:ی"] >= 2
    assert {ch for _g, ch in fonts["NotoSansBold"]} >= set("AliceBloh")
    assert "?" not in {ch for glyphs in fonts.values() for _g, ch in glyphs}


def test_an_urdu_lead_off_prints_in_the_report(cast, conference, client):
    session = actions.add_session(
        conference, by=cast.sara, day=conference.starts_on, title="قومی تناظر"
    )
    actions.add_item(session, by=cast.sara, title="Lead-off", lead_off_name=URDU, minutes=60)
    login_as(client, cast.alice)
    response = client.get(f"/conferences/{conference.pk}/report.pdf")
    assert response.status_code == 200
    letters, _forms = arabic_letters(drawn(response.content))
    assert set(URDU.replace(" ", "")) <= letters
    assert set("قومی تناظر".replace(" ", "")) <= letters
