from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from charter.lib import clock
from charter.rulebook import spec
from charter.rulebook.store import rulebook_on

MOUNT = "/rules"
router = Router(tags=["rules"])


class RulesOut(Schema):
    organization: str
    version: str
    effective_from: str
    sha256: str
    acts: dict[str, dict]


class CheckIn(Schema):
    text: str = Field(min_length=1, max_length=1_000_000)


class RulebookProblemOut(Schema):
    line: int | None
    path: str
    message: str


class CheckOut(Schema):
    ok: bool
    problems: list[RulebookProblemOut]


@router.get("", response=RulesOut, summary="The rulebook in force today")
def current(request: HttpRequest) -> RulesOut:
    rb = rulebook_on(clock.today())
    return RulesOut(organization=rb.name, version=rb.version, effective_from=rb.effective_from.isoformat(), sha256=rb.sha256,
                    acts={k: {"name": v["name"], "article": v["article"], "category": v["category"]} for k, v in rb.acts.items()})


@router.get("/acts/{act}", response={200: dict, 404: dict}, summary="Who may take an act, and under what conditions")
def explain_act(request: HttpRequest, act: str) -> Status:
    from charter.rulebook.explain import explain

    rb = rulebook_on(clock.today())
    if act not in rb.acts:
        return Status(404, {"detail": f"No act '{act}'. Known acts: {', '.join(sorted(rb.acts))}"})
    from django.utils.translation import gettext

    return Status(200, {"act": act, "explanation": explain(rb, act, gettext=gettext)})


@router.post("/check", response={200: CheckOut, 422: CheckOut}, summary="Validate a rulebook text; every problem with its line")
def check(request: HttpRequest, payload: CheckIn) -> Status:
    try:
        spec.load_text(payload.text, "submitted")
    except spec.RulebookError as exc:
        return Status(422, CheckOut(ok=False, problems=[RulebookProblemOut(line=p.line, path=p.path, message=p.message) for p in exc.problems]))
    return Status(200, CheckOut(ok=True, problems=[]))
