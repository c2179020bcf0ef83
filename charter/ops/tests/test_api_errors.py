"""What Schemathesis found (bench/fuzz_api.py), kept fixed: every answer of the API is in its
schema, as JSON, including the answers Django gives before any view runs."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from charter.api import api


def test_a_body_larger_than_the_server_reads_is_a_json_400_naming_the_cause(client):
    body = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client.post("/api/rules/check", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "larger than the server accepts" in response.json()["detail"]


def test_pages_keep_the_html_answer(client):
    response = client.post(
        "/accounts/login/",
        data="x=" + "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_every_operation_documents_its_error_answers_with_one_error_schema():
    schema = api.get_openapi_schema()
    assert "Error" in schema["components"]["schemas"]
    operations = [
        (path, method, op) for path, item in schema["paths"].items() for method, op in item.items()
    ]
    assert len(operations) > 40
    for path, method, op in operations:
        for code in ("400", "401", "403", "404", "422"):
            assert code in op["responses"], f"{method.upper()} {path} does not document {code}"
    # Two schemas of the same name would be one component: the polls' problem and the rulebook's are apart.
    results = schema["paths"]["/api/polls/{poll_id}/results"]["get"]["responses"]["404"]["content"][
        "application/json"
    ]["schema"]
    assert {"$ref": "#/components/schemas/ProblemOut"} in results["anyOf"]
    assert set(schema["components"]["schemas"]["ProblemOut"]["properties"]) == {"detail"}
    assert "RulebookProblemOut" in schema["components"]["schemas"]
