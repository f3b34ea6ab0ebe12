"""The JSON API tested against its own OpenAPI description with schemathesis: every
operation, with inputs that fit the description (every check schemathesis has: status codes,
content types and answers that match the described schemas) and inputs that do not (no server
error). Bounded: a few dozen cases per operation and mode, well under a minute."""

import collections

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, positive_data_acceptance
from schemathesis.generation import GenerationMode

from styrning.wsgi import application
from tests.oppnadata.api_world import build_world

EXAMPLES = 25
# The WSGI transport hands the body over as sent: ask for it uncompressed (the site gzips
# anonymous answers for a client that accepts it).
PLAIN = {"Accept-Encoding": "identity"}


def _run(operation, mode: GenerationMode, counts: collections.Counter) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        counts[(operation.label, mode.value)] += 1
        if mode == GenerationMode.POSITIVE:
            # A filter naming an id that fits the description but does not exist is refused
            # with 400 on purpose (an unknown value is an error, not an empty list), which
            # schemathesis' positive_data_acceptance counts as a rejection of valid data.
            case.call_and_validate(headers=PLAIN, excluded_checks=[positive_data_acceptance])
        else:
            case.call_and_validate(headers=PLAIN, checks=[not_a_server_error])

    check()


@pytest.fixture
def keep_the_test_connection():
    """The WSGI application closes the database connection when a request ends (Django's test
    client turns that off the same way); the test's transaction needs it open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_api_holds_to_its_description_for_every_generated_input(
    org, capsys, keep_the_test_connection
):
    build_world(org)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    counts: collections.Counter = collections.Counter()

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, counts)

    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations, {sum(counts.values())} cases "
            f"({sum(n for (_, m), n in counts.items() if m == 'positive')} positive, "
            f"{sum(n for (_, m), n in counts.items() if m == 'negative')} negative)"
        )
    assert len(operations) == 12
    assert {label for label, _ in counts} == {op.label for op in operations}
