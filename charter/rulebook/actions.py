"""Installing the first rulebook at founding, and amending it later by the body the rules name."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from charter.lib import clock
from charter.record import log as record
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.models import RulebookVersion
from charter.rulebook.spec import Rulebook, load_text


class RulebookInstalled(RuntimeError):
    pass


def _store(rb: Rulebook, text: str) -> RulebookVersion:
    return RulebookVersion.objects.create(
        text=text, sha256=rb.sha256, organization=rb.name, version=rb.version,
        effective_from=rb.effective_from, installed_at=clock.now(),
    )


@consequential
def install_founding_rulebook(text: str, *, source: str = "") -> RulebookVersion:
    """The organization's first rulebook. Only possible while none is installed; it is the one
    act no rulebook can judge, so it is the first entry on the record."""
    rb = load_text(text, source)  # raises RulebookError with every problem and its line
    if RulebookVersion.objects.exists():
        raise RulebookInstalled(_("A rulebook is already installed; it can only be amended by the body its rules name."))
    version = _store(rb, text)
    entry = record.append(
        "install_rulebook", "done",
        detail={"sha256": rb.sha256, "version": rb.version, "effective_from": rb.effective_from.isoformat(), "organization": rb.name, "founding": True},
    )
    version.entry_index = entry.index
    version.save(update_fields=["entry_index"])
    return version


@consequential
def amend_rulebook(text: str, *, decision: Decision, circulated_on: dt.date | None) -> RulebookVersion:
    from charter.meetings.decisions import carried, judge_decision

    new = load_text(text, "amendment")
    label = _("Adopt version %(version)s of the rules, in force from %(date)s") % {"version": new.version, "date": new.effective_from.isoformat()}
    rb = judge_decision("amend_rulebook", decision, text=label, facts={"circulated_on": circulated_on})
    if RulebookVersion.objects.filter(sha256=new.sha256).exists():
        raise RulebookInstalled(_("This exact text is already installed."))
    version = _store(new, text)
    entry = carried("amend_rulebook", decision, rb, text=label, detail={"sha256": new.sha256, "version": new.version, "effective_from": new.effective_from.isoformat()})
    version.entry_index = entry.index
    version.save(update_fields=["entry_index"])
    return version
