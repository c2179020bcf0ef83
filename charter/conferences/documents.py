"""What is printed or drawn: badges with a QR code (segno), the report's charts as server SVG, and
the report and the badge sheet as PDF (fpdf2). Reads only (decision 0014)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from typing import Any

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF

from charter.conferences.models import Participant
from charter.conferences.queries import Report
from charter.lib import dates


def qr_svg(code: str, scale: int = 4) -> str:
    """The badge code as an inline SVG QR code (no XML declaration, no fixed colours in CSS)."""
    out = io.BytesIO()
    segno.make(code, error="m", micro=False).save(
        out, kind="svg", scale=scale, xmldecl=False, svgns=True, nl=False, dark="#000", light="#fff"
    )
    return out.getvalue().decode("utf-8")


def bar_chart(rows: Sequence[tuple[str, int]], *, title: str, width: int = 320) -> str:
    """A horizontal bar chart as SVG: one bar per row, the label above it and the figure after."""
    rows = list(rows)[:20]
    top = max((n for _label, n in rows), default=0) or 1
    bar_h, gap, label_h = 12, 8, 14
    height = 24 + len(rows) * (bar_h + gap + label_h)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<text x="0" y="14" class="chart-title">{escape(title)}</text>',
    ]
    y = 24
    for label, n in rows:
        w = max(int((width - 50) * n / top), 1 if n else 0)
        parts.append(f'<text x="0" y="{y + 11}" class="chart-label">{escape(str(label))}</text>')
        parts.append(
            f'<rect x="0" y="{y + label_h}" width="{w}" height="{bar_h}" class="chart-bar"/>'
        )
        parts.append(f'<text x="{w + 4}" y="{y + label_h + 10}" class="chart-figure">{n}</text>')
        y += bar_h + gap + label_h
    parts.append("</svg>")
    return "".join(parts)


# --- PDF ----------------------------------------------------------------------------------------

# Noto Sans for Latin scripts, Noto Naskh Arabic for Urdu and Sindhi (vendored in fonts/, SIL Open
# Font License: fonts/OFL.txt), shaped by HarfBuzz (uharfbuzz) so Arabic letters join and run right
# to left (decision 0017).
FONT = "noto"
FONTS = Path(__file__).resolve().parent / "fonts"


def _pdf(title: str) -> FPDF:
    """An A4 document whose text prints in Latin and Arabic scripts alike."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_font(FONT, "", FONTS / "NotoSans-Regular.ttf")
    pdf.add_font(FONT, "B", FONTS / "NotoSans-Bold.ttf")
    pdf.add_font("naskh", "", FONTS / "NotoNaskhArabic-Regular.ttf")
    pdf.add_font("naskh", "B", FONTS / "NotoNaskhArabic-Bold.ttf")
    pdf.set_fallback_fonts(["naskh"])
    pdf.set_text_shaping(True)
    pdf.set_title(_text(title))
    return pdf


def _text(text: object) -> str:
    return str(text)


def badges_pdf(participants: Sequence[Participant], *, title: str) -> bytes:
    """A sheet of badges for printing: A4, 2 × 4 badges a page, each with its name, category,
    vote and QR code, to be cut out."""
    pdf = _pdf(title)
    pdf.set_auto_page_break(False)
    cols, rows, w, h, left, top = 2, 4, 95, 68, 10, 12
    for i, p in enumerate(participants):
        if i % (cols * rows) == 0:
            pdf.add_page()
        k = i % (cols * rows)
        x, y = left + (k % cols) * w, top + (k // cols) * h
        pdf.set_draw_color(160)
        pdf.rect(x, y, w - 4, h - 4)
        pdf.set_xy(x + 4, y + 4)
        pdf.set_font(FONT, "", 8)
        pdf.cell(w - 12, 4, _text(title)[:60])
        pdf.set_xy(x + 4, y + 12)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(46, 6, _text(p.name)[:70])
        pdf.set_xy(x + 4, y + 34)
        pdf.set_font(FONT, "", 10)
        vote = _("with vote") if p.has_vote else _("without vote")
        pdf.multi_cell(46, 5, _text(f"{p.get_category_display()}\n{vote}"))
        pdf.set_xy(x + 4, y + 52)
        pdf.set_font("courier", "B", 12)
        pdf.cell(46, 6, p.code)
        _qr(pdf, p.code, x=x + w - 44, y=y + 18, size=38)
    if not participants:
        pdf.add_page()
        pdf.set_font(FONT, "", 12)
        pdf.cell(0, 10, _text(_("No one is registered yet.")))
    return bytes(pdf.output())


def _qr(pdf: FPDF, code: str, *, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares (a run of dark modules in a row is one rectangle)."""
    matrix = segno.make(code, error="m", micro=False).matrix
    n = len(matrix) + 4  # a quiet zone of two modules each side
    m = size / n
    pdf.set_fill_color(0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + (start + 2) * m, y + (r + 2) * m, (c - start) * m, m, style="F")
            else:
                c += 1


def _bars(pdf: FPDF, rows: Sequence[tuple[str, int]], *, title: str) -> None:
    rows = list(rows)[:15]
    top = max((n for _label, n in rows), default=0) or 1
    pdf.set_font(FONT, "B", 10)
    pdf.cell(0, 7, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    for label, n in rows:
        if pdf.get_y() > 275:
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin)
        pdf.cell(50, 5, _text(str(label))[:34])
        pdf.set_fill_color(70, 110, 160)
        pdf.rect(pdf.l_margin + 52, y + 1, max(100 * n / top, 0.5), 3.5, style="F")
        pdf.set_xy(pdf.l_margin + 52 + 100 * n / top + 2, y)
        pdf.cell(15, 5, str(n), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def report_parts(r: Report) -> int:
    """How many parts :func:`report_pdf` reports as it goes: each session, each commission, the rest."""
    return len(r.sessions) + len(r.commissions) + 2


def report_pdf(r: Report, *, tick: Callable[[int], Any] | None = None) -> bytes:
    """The report as PDF; ``tick(1)`` after each part (see :func:`report_parts`) for a progress bar."""
    tick = tick or (lambda n: None)
    c = r.conference
    pdf = _pdf(c.title)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, _text(c.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        0,
        5,
        _text(f"{c.venue} · {dates.day(c.starts_on)} – {dates.day(c.ends_on)}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    lines = [
        _("Registered: %(n)s (%(v)s with vote)") % {"n": r.registered, "v": r.with_vote},
        _("Women: %(n)s") % {"n": r.women},
        *[
            _("Present on %(day)s: %(n)s") % {"day": d.isoformat(), "n": n}
            for d, n in zip(r.days, r.present, strict=True)
        ],
        _("Present on every day: %(n)s") % {"n": r.both_days},
    ]
    for line in lines:
        pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _bars(pdf, [(label, n) for label, n, _p in r.categories], title=_("Registered by category"))
    for b in r.breakdowns:
        _bars(
            pdf,
            [(label, n) for label, n, _p in b.rows],
            title=_("Registered by %(what)s") % {"what": b.label.lower()},
        )
    tick(1)
    _heading(pdf, _("Observers and guests"))
    for p in r.observers:
        org = (p.attributes or {}).get("organization", "")
        pdf.cell(
            0,
            5,
            _text(f"{p.name}{' — ' + org if org else ''} ({p.get_category_display()})"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    _heading(pdf, _("Sessions"))
    questions = (r.floor or {}).get("questions") or {}
    for s in r.sessions:
        pdf.set_font(FONT, "B", 10)
        where = f" [{s.commission.name}]" if s.commission else ""
        pdf.multi_cell(
            0,
            5,
            _text(f"{dates.day(s.day)} {s.starts_at.strftime('%H:%M') if s.starts_at else ''} {s.title}{where}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(FONT, "", 9)
        for it in s.items.all():
            lead = it.lead_off_name or (it.lead_off.name if it.lead_off else "")
            pdf.multi_cell(
                0,
                5,
                _text(
                    f"  {it.number}. {it.title}"
                    + (f" — {_('lead-off')}: {lead}" if lead else "")
                    + (f" ({it.minutes} min)" if it.minutes else "")
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        if r.floor is not None:
            pdf.cell(
                0,
                5,
                _text("  " + _("Written questions: %(n)s") % {"n": questions.get(s.pk, 0)}),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        tick(1)
    _heading(pdf, _("Commissions"))
    for cm in r.commissions:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, _text(cm.name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        for d in cm.decisions.all():
            pdf.multi_cell(
                0,
                5,
                _text(f"  {d.number}. {d.text}  ({d.votes_yes}–{d.votes_no}–{d.votes_abstain})"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        tick(1)
    _heading(pdf, _("Resolutions"))
    pdf.set_font(FONT, "", 9)
    if r.floor is None:
        pdf.cell(
            0,
            5,
            _text(_("Resolutions are not kept by this installation.")),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    else:
        for res in r.floor.get("resolutions") or []:
            pdf.multi_cell(
                0,
                5,
                _text(
                    f"{res.get('title', '')}: {res.get('yes', 0)}–{res.get('no', 0)}–{res.get('abstain', 0)}"
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
    _heading(pdf, _("Money collected"))
    pdf.set_font(FONT, "", 9)
    if r.money is None:
        pdf.cell(
            0,
            5,
            _text(_("Collections are not kept by this installation.")),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    else:
        pdf.cell(
            0,
            5,
            _text(f"{r.money.get('total', 0)} {r.money.get('currency', '')}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    out = bytes(pdf.output())
    tick(1)
    return out


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    if pdf.get_y() > 260:
        pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 7, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
