"""Request bodies: the plain HTML form and the JSON of the site's script, bounded before parsing."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from chalicelib.applications.intake import (
    MAX_BODY_BYTES,
    BadRequestError,
    PayloadTooLargeError,
    application_from_form,
    application_from_json,
    form_values,
)

from tests.functions.factories import PASPOR, form_body, json_body


def test_a_form_post_becomes_an_application() -> None:
    parsed = application_from_form(urlencode(form_body()).encode())
    assert parsed.service == PASPOR
    assert parsed.consent
    assert parsed.requirements_confirmed == frozenset(range(1, 12))
    assert parsed.fields["nama"] == "Ni Made Ayu Lestari"
    assert "persetujuan_data" not in parsed.fields and "website" not in parsed.fields
    assert parsed.parse_errors == {}


def test_a_form_field_sent_twice_is_a_problem_of_that_field() -> None:
    body = urlencode(form_body()) + "&nama=Orang+Lain"
    assert application_from_form(body.encode()).parse_errors == {
        "nama": "Isian ini terkirim lebih dari sekali; kirim satu nilai saja."
    }


def test_unticked_boxes_are_not_confirmations() -> None:
    parsed = application_from_form(urlencode(form_body(persyaratan_2="", persetujuan_data="")).encode())
    assert 2 not in parsed.requirements_confirmed
    assert not parsed.consent


def test_a_requirement_box_numbered_in_another_scripts_digits_confirms_nothing() -> None:
    body = urlencode(form_body(persyaratan_1="")) + "&" + urlencode({"persyaratan_\u0661": "ya"})
    parsed = application_from_form(body.encode())
    assert 1 not in parsed.requirements_confirmed
    assert "persyaratan_\u0661" in parsed.fields  # an unknown field, which validation then refuses by name


def test_a_json_body_becomes_an_application() -> None:
    parsed = application_from_json(json.dumps(json_body(idempotency_key="k-1")).encode())
    assert parsed.service == PASPOR
    assert parsed.requirements_confirmed == frozenset(range(1, 12))
    assert parsed.idempotency_key == "k-1"
    assert parsed.consent is True


def test_json_confirmations_are_positional_booleans() -> None:
    body = json_body(requirements_confirmed=[True, False, True])
    assert application_from_json(json.dumps(body).encode()).requirements_confirmed == frozenset({1, 3})


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"requirements_confirmed": ["ya"]}, "persyaratan"),
        ({"consent": "ya"}, "persetujuan_data"),
        ({"fields": ["nama"]}, "_form"),
        ({"service": 42}, "service"),
        ({"hacker": True}, "hacker"),
    ],
)
def test_json_of_the_wrong_shape_becomes_a_message_not_a_crash(change: dict[str, Any], key: str) -> None:
    assert key in application_from_json(json.dumps(json_body(**change)).encode()).parse_errors


@pytest.mark.parametrize("body", [b"{", b"[]", b'"text"', b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_bad_request(body: bytes) -> None:
    with pytest.raises(BadRequestError):
        application_from_json(body)


def test_bodies_are_bounded_before_parsing() -> None:
    with pytest.raises(PayloadTooLargeError):
        application_from_json(b" " * (MAX_BODY_BYTES + 1))
    with pytest.raises(PayloadTooLargeError):
        application_from_form(b"&".join(b"a%d=1" % n for n in range(1000)))


def test_a_small_form_keeps_the_first_value_of_each_name() -> None:
    assert form_values(b"decision=approve&decision=reject&reason=") == {"decision": "approve", "reason": ""}
