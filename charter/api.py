"""The JSON API: every app contributes a router; errors are JSON with a 4xx and a readable detail."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from charter.lib.errors import InvalidInput
from charter.rulebook.enforce import Refused

# Every operation may answer these, with a JSON body whose ``detail`` says why (and ``errors`` names
# each field for a 422): the schema says so, so that a client (and Schemathesis) knows every answer.
ERRORS = {
    "400": "The input breaks a rule of the form (detail says which)",
    "401": "Not signed in",
    "403": "Refused: the rules do not allow the act (breaches with their articles), or the CSRF check failed",
    "404": "No such object, or not one the signed-in person may see",
    "405": "The method is not allowed here",
    "422": "The request does not match the schema (errors names each field)",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {"where": {"type": "string"}, "problem": {"type": "string"}}}},
        "act": {"type": "string"},
        "articles": {"type": "array", "items": {"type": "string"}},
        "breaches": {"type": "array", "items": {}},
        "record_entry": {"type": ["integer", "null"]},
    },
}


def with_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation; where an operation declares its own body for one
    of those codes, either body may come."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = {str(code): answer for code, answer in operation["responses"].items()}
            operation["responses"] = responses
            for code, words in ERRORS.items():
                declared = responses.get(code)
                if declared is None:
                    responses[code] = {"description": words, "content": {"application/json": {"schema": ref}}}
                    continue
                content = declared.setdefault("content", {}).setdefault("application/json", {})
                own = content.get("schema")
                if own is not None and own != ref:
                    content["schema"] = {"anyOf": [own, ref]}
    return schema


class CharterAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        return with_error_responses(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = CharterAPI(title="Charter API", version="1", urls_namespace="api", docs_url="/docs", openapi_url="/openapi.json")


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to a request it cannot read (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a
    malformed header, ...): JSON with a detail for the API, the usual page elsewhere."""
    from django.core.exceptions import RequestDataTooBig
    from django.http import JsonResponse
    from django.utils.translation import gettext as _
    from django.views import defaults

    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail = _("The request body is larger than the server accepts.")
    else:
        detail = _("The request could not be read.")
    return JsonResponse({"detail": detail}, status=400)


def mount_routers() -> list[str]:
    """Mount the ``router`` of every installed Charter app that has an ``api`` module, in the order
    of INSTALLED_APPS, at the module's ``MOUNT`` (default ``/``), tagged as the router says. The API
    root names no app: an app joins the API by having ``api.py``, and no module comes to depend on
    the apps it mounts (so ``charter.dashboards`` stays a leaf; docs/architecture.md). Returns the
    modules mounted."""
    import importlib
    from importlib.util import find_spec

    from django.apps import apps

    mounted = []
    for config in apps.get_app_configs():
        name = f"{config.name}.api"
        if not config.name.startswith("charter.") or find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        api.add_router(getattr(module, "MOUNT", "/"), module.router)
        mounted.append(name)
    return mounted


MOUNTED = mount_routers()
