"""Property-based checks of the whole REST API against its own OpenAPI document.

schemathesis reads /openapi.json from a real server over the seed-corpus build and
sends up to 15 generated requests per operation, checking that none answers 5xx and
that every answer matches the declared status codes, media types and schemas.

The operations are listed at collection time from the app's own OpenAPI document
(no server runs yet), and each test looks its operation up in the schema the server
serves.  ``schemathesis.pytest.from_fixture`` would do both at once, but 4.32 reads
a private attribute that pytest 9 no longer has.

Left out: the POST operations (/sparql, /export/{view}).  Their bodies are SPARQL
text; random text is a syntax error (400, covered by tests/test_sparql.py and
tests/test_export.py), and a random valid query may legitimately reach the time
limit and answer 503.  The GET forms of the same operations are included.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app

pytestmark = pytest.mark.server

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _labels() -> list[str]:
    paths = create_app().openapi()["paths"]
    return sorted(
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method in item
        if method != "post"
    )


@pytest.fixture(scope="session")
def api_schema(seed_server: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(f"{seed_server}/openapi.json")
    schema.config.generation.update(modes=[GenerationMode.POSITIVE], deterministic=True)
    return schema


# Operations with a known, reported defect, marked xfail(strict=True) so that the
# mark fails once the fix lands.  Empty: the one schemathesis found (an invalid
# named-graph-uri crashed a query worker) is fixed in kg.sparql.answers.execute.
KNOWN: dict[str, pytest.MarkDecorator] = {}


@pytest.mark.parametrize(
    "label", [pytest.param(label, marks=KNOWN.get(label, ())) for label in _labels()]
)
def test_operation_conforms_to_its_schema(api_schema: schemathesis.BaseSchema, label: str) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the served /openapi.json"

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(
        max_examples=15,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS, timeout=30)

    run()
