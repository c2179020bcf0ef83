from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from charter.record import blocks
from charter.record.models import Entry, LogState
from charter.record.words import content, describe

MOUNT = "/record"
router = Router(tags=["record"])


class EntryOut(Schema):
    index: int
    leaf_hash: str
    entry: dict[str, Any]
    words: str


class HeadOut(Schema):
    size: int
    root: str | None


class Page(Schema):
    start: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=1000)


def _out(e: Entry) -> EntryOut:
    e = blocks.fill([e])[0]
    return EntryOut(index=e.index, leaf_hash=e.leaf_hash, entry=content(e), words=describe(e))


@router.get("/head", response=HeadOut, summary="The size and root of the public log")
def head(request: HttpRequest) -> HeadOut:
    s = LogState.objects.filter(id=1).first()
    return HeadOut(size=s.size if s else 0, root=s.root if s else None)


@router.get("/entries", response=list[EntryOut], summary="Entries of the public log, in order")
def entries(request: HttpRequest, page: Query[Page]) -> list[EntryOut]:
    rows = Entry.objects.filter(index__gte=page.start).order_by("index")[: page.limit]
    return [_out(e) for e in rows]


@router.get("/entries/{index}", response=EntryOut, summary="One entry")
def entry(request: HttpRequest, index: int) -> EntryOut:
    return _out(get_object_or_404(Entry, index=index))
