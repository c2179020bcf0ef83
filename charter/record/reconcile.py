"""Completeness of the record: every row an act made names its entry, and every entry of an act that
makes rows still has them (``charter record reconcile``).

``record verify`` proves that the log was not changed; this proves that the domain tables and the
log tell the same story. The record imports no domain app: a model takes part by carrying
``entry_index`` (the index of the entry of the act that made the row) and saying which acts make it,
in class attributes that this module reads from every installed model::

    recorded_by = ("admit_member", ...)        # every entry of these acts made at least one such row
    recorded_sometimes_by = ("merge_units",)   # these acts make such rows only in some cases ("*": any act)
    recorded_outcomes = ("done",)              # the outcomes of the entries that make rows (default)
    recorded_act_field = "act"                 # the row names its own act (a motion): the entry's must match

A problem is reported, one line each, when a row has no entry, names an entry that is not on the
record, or names an entry of an act that does not make such rows; when an entry of an act in
``recorded_by`` has no such row any more; and when a model carries ``entry_index`` but does not say
which acts make it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from charter.record.models import Entry

BATCH = 500
ANY_ACT = "*"


def recorded_models() -> list[Any]:
    """Every installed model that carries ``entry_index``, in a stable order."""
    found = [m for m in apps.get_models() if any(f.name == "entry_index" for f in m._meta.concrete_fields)]
    return sorted(found, key=lambda m: m._meta.label)


def problems() -> Iterator[str]:
    """Every mismatch between the domain tables and the record, as a line a person can read."""
    for model in recorded_models():
        if not isinstance(getattr(model, "recorded_by", None), tuple):
            yield _("%(model)s carries entry_index but does not say which acts make its rows (recorded_by)") % {"model": model._meta.label}
            continue
        yield from _rows_without_entry(model)
        yield from _entries_without_row(model)


def _rows_without_entry(model: Any) -> Iterator[str]:
    label = model._meta.label
    rows = model._default_manager.all()
    for pk in rows.filter(entry_index__isnull=True).order_by("pk").values_list("pk", flat=True).iterator():
        yield _("%(model)s %(pk)s has no record entry") % {"model": label, "pk": pk}
    entry = Entry.objects.filter(index=OuterRef("entry_index"))
    for pk, index in rows.filter(entry_index__isnull=False).exclude(Exists(entry)).order_by("pk").values_list("pk", "entry_index").iterator():
        yield _("%(model)s %(pk)s names record entry %(index)s, which is not on the record") % {"model": label, "pk": pk, "index": index}
    field = getattr(model, "recorded_act_field", "")
    outcomes = getattr(model, "recorded_outcomes", ("done",))
    acts = (*model.recorded_by, *getattr(model, "recorded_sometimes_by", ()))
    if field:
        making = entry.filter(act=OuterRef(field), outcome__in=outcomes)
    elif ANY_ACT in acts:
        making = entry.filter(outcome__in=outcomes)
    else:
        making = entry.filter(act__in=acts, outcome__in=outcomes)
    wrong = list(rows.filter(Exists(entry)).exclude(Exists(making)).order_by("pk").values_list("pk", "entry_index"))
    for start in range(0, len(wrong), BATCH):
        chunk = wrong[start : start + BATCH]
        found = {i: (a, o) for i, a, o in Entry.objects.filter(index__in=[i for _pk, i in chunk]).values_list("index", "act", "outcome")}
        for pk, index in chunk:
            act, outcome = found[index]
            yield _("%(model)s %(pk)s names record entry %(index)s, which records %(act)s (%(outcome)s), not an act that makes it") % {
                "model": label, "pk": pk, "index": index, "act": act, "outcome": outcome,
            }


def _entries_without_row(model: Any) -> Iterator[str]:
    if not model.recorded_by:
        return
    made = model._default_manager.filter(entry_index__isnull=False).values("entry_index")  # no NULL: NOT IN would match nothing
    gone = Entry.objects.filter(act__in=model.recorded_by, outcome__in=getattr(model, "recorded_outcomes", ("done",))).exclude(index__in=made)
    for index, act in gone.order_by("index").values_list("index", "act").iterator():
        yield _("record entry %(index)s (%(act)s) made a %(model)s row, which is gone") % {"index": index, "act": act, "model": model._meta.label}


def main(ns: argparse.Namespace | None = None) -> int:
    """Print every problem and return 1, or one ``OK:`` line and return 0."""
    found = 0
    for line in problems():
        print(line)
        found += 1
    if found:
        print(_("%(n)s problem(s): the domain tables and the record disagree") % {"n": found}, file=sys.stderr)
        return 1
    models = recorded_models()
    rows = sum(m._default_manager.count() for m in models)
    print(_("OK: %(rows)s rows in %(tables)s tables and %(entries)s record entries agree") % {"rows": rows, "tables": len(models), "entries": Entry.objects.count()})
    return 0
