"""The JSON API: every app contributes a router; errors are JSON with a 4xx and a readable detail."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from charter.lib.errors import InvalidInput
from charter.rulebook.enforce import Refused

api = NinjaAPI(title="Charter API", version="1", urls_namespace="api", docs_url="/docs", openapi_url="/openapi.json")


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    from charter.rulebook.refusal import translated_breaches

    return api.create_response(
        request,
        {"detail": "The rules do not allow this act; nothing was changed.", "act": exc.verdict.act, "articles": exc.articles, "breaches": translated_breaches(exc), "record_entry": exc.entry_index},
        status=403,
    )


@api.exception_handler(InvalidInput)
def invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(ValidationError)
def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        where = ".".join(str(p) for p in err.get("loc", ()))
        problems.append({"where": where, "problem": err.get("msg", "invalid")})
    return api.create_response(request, {"detail": "The request is not valid.", "errors": problems}, status=422)


def _routers() -> None:
    from charter.conferences.api import router as conferences
    from charter.discipline.api import router as discipline
    from charter.floor.api import router as floor
    from charter.initiatives.api import router as initiatives
    from charter.meetings.api import router as meetings
    from charter.members.api import router as members
    from charter.money.api import router as money
    from charter.org.api import router as org
    from charter.record.api import router as record
    from charter.rulebook.api import router as rulebook
    from charter.voting.api import router as voting

    api.add_router("/", members, tags=["members"])
    api.add_router("/", org, tags=["organization"])
    api.add_router("/", meetings, tags=["meetings"])
    api.add_router("/", discipline, tags=["discipline"])
    api.add_router("/", initiatives, tags=["initiatives"])
    api.add_router("/", voting, tags=["voting"])
    api.add_router("/", money, tags=["money"])
    api.add_router("/", conferences, tags=["conferences"])
    api.add_router("/", floor, tags=["conference floor"])
    api.add_router("/record", record, tags=["record"])
    api.add_router("/rules", rulebook, tags=["rules"])


_routers()
