"""Requests that did not come through CloudFront are refused when an origin secret is configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from chalice.test import Client
from chalicelib.web.edge import ORIGIN_HEADER, came_through_cloudfront, parse_origin_secrets
from chalicelib.wiring import ConfigurationError, Services, Settings, build_services
from moto import mock_aws

from tests.fakes.memory_store import MemoryStore
from tests.functions.factories import PASPOR, app_client, json_body, make_services

CURRENT = "c" * 48
PREVIOUS = "p" * 48
FORGED_ADDRESS = {"CloudFront-Viewer-Address": "198.51.100.99:443"}


def guarded(services: Services, *accepted: str) -> Services:
    services.origin_secrets = lambda: accepted
    return services


@pytest.fixture
def guarded_client(services: Services) -> Iterator[Client]:
    guarded(services, CURRENT, PREVIOUS)
    with app_client(services) as client:
        yield client


def submit_json(client: Client, **headers: str) -> Any:
    return client.http.post(
        "/submissions",
        headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
        body=json.dumps(json_body(PASPOR)),
    )


def test_a_submission_straight_to_execute_api_with_a_forged_viewer_address_is_refused_and_stores_nothing(
    guarded_client: Client, services: Services
) -> None:
    response = submit_json(guarded_client, **FORGED_ADDRESS)
    assert response.status_code == 403
    assert "hanya dapat diakses melalui alamat situs resminya" in json.loads(response.body)["message"]
    store = services.store
    assert isinstance(store, MemoryStore)
    assert store.submissions == {} and store.rates == {}


def test_a_wrong_origin_secret_is_refused_with_an_indonesian_page(guarded_client: Client) -> None:
    response = guarded_client.http.get("/openapi.json", headers={ORIGIN_HEADER: "x" * 48})
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Akses langsung ditolak" in response.body.decode()


@pytest.mark.parametrize("secret", [CURRENT, PREVIOUS])
def test_both_the_current_and_the_previous_secret_pass_during_a_rotation(guarded_client: Client, secret: str) -> None:
    response = submit_json(guarded_client, **{ORIGIN_HEADER: secret, **FORGED_ADDRESS})
    assert response.status_code == 201, response.body


def test_without_a_configured_secret_nothing_is_checked(client: Client) -> None:
    assert submit_json(client).status_code == 201


def test_the_comparison_needs_the_whole_value() -> None:
    assert not came_through_cloudfront({ORIGIN_HEADER.lower(): CURRENT[:-1]}, (CURRENT,))
    assert not came_through_cloudfront({ORIGIN_HEADER.lower(): CURRENT + "\n"}, (CURRENT,))
    assert not came_through_cloudfront({}, (CURRENT,))
    assert came_through_cloudfront({}, ())


def test_the_parameter_holds_one_secret_a_line_and_short_ones_are_refused() -> None:
    assert parse_origin_secrets(f"{CURRENT}\n{PREVIOUS}\n") == (CURRENT, PREVIOUS)
    with pytest.raises(ValueError, match="at least 32"):
        parse_origin_secrets("short")


@mock_aws
def test_production_reads_the_accepted_secrets_from_ssm_and_an_empty_value_is_a_configuration_error() -> None:
    ssm = boto3.client("ssm", region_name="ap-southeast-3")
    ssm.put_parameter(Name="/layanan/prod/origin-secret", Value=f"{CURRENT}\n{PREVIOUS}", Type="SecureString")
    settings = Settings(
        secret="s" * 40, officers_file="x", origin_secret_parameter="/layanan/prod/origin-secret", mail_transport="smtp"
    )
    assert build_services(settings).origin_secrets() == (CURRENT, PREVIOUS)
    ssm.put_parameter(Name="/layanan/prod/origin-secret", Value=" \n", Type="SecureString", Overwrite=True)
    with pytest.raises(ConfigurationError, match="no origin secret"):
        build_services(settings).origin_secrets()
    assert Settings.from_environment({"LAYANAN_ORIGIN_SECRET_PARAMETER": "/p"}).origin_secret_parameter == "/p"
    assert make_services(MemoryStore()).origin_secrets() == ()
