"""The composition root: settings from the environment, services built without touching the network."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from chalice.test import Client
from chalicelib import wiring
from chalicelib.mail.transports import SesMailer, SmtpMailer
from chalicelib.officers.directory import split_by_agency
from chalicelib.storage.dynamo import DynamoStore
from chalicelib.wiring import ConfigurationError, Settings, build_services
from moto import mock_aws

from tests.fakes.mailer import FakeMailer
from tests.functions.factories import OFFICERS_SAMPLE, REPO, submit

LOCAL = {
    "LAYANAN_TABLE": "layanan-local",
    "LAYANAN_DYNAMODB_ENDPOINT": "http://127.0.0.1:1",
    "LAYANAN_MAIL_TRANSPORT": "smtp",
    "LAYANAN_SMTP_HOST": "127.0.0.1",
    "LAYANAN_SMTP_PORT": "2525",
    "LAYANAN_BASE_URL": "http://127.0.0.1:8000/",
    "LAYANAN_STANDARDS_DIR": str(REPO / "standards"),
    "LAYANAN_OFFICERS_FILE": str(OFFICERS_SAMPLE),
    "LAYANAN_SECRET": "s" * 64,
    "AWS_DEFAULT_REGION": "ap-southeast-3",
}


def test_defaults_fit_production_in_jakarta() -> None:
    settings = Settings.from_environment({})
    assert settings.table == "layanan"
    assert settings.region == "ap-southeast-3"
    assert settings.mail_transport == "ses"
    assert settings.token_ttl_days == 7


def test_a_relative_standards_folder_is_found_beside_the_app() -> None:
    settings = Settings.from_environment({"LAYANAN_STANDARDS_DIR": "chalicelib/standards"})
    assert settings.standards_dir == REPO / "functions" / "chalicelib" / "standards"


@pytest.mark.parametrize(
    "env",
    [{"LAYANAN_TOKEN_TTL_DAYS": "0"}, {"LAYANAN_TOKEN_TTL_DAYS": "sepekan"}, {"LAYANAN_MAIL_TRANSPORT": "pigeon"}],
)
def test_impossible_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError):
        Settings.from_environment(env)


def test_local_settings_build_dynamodb_local_and_smtp_without_connecting() -> None:
    services = build_services(Settings.from_environment(LOCAL))
    assert isinstance(services.store, DynamoStore)
    assert isinstance(services.mailer, SmtpMailer)
    assert services.settings.base_url == "http://127.0.0.1:8000"
    assert services.catalogue().find("disperinaker-klungkung/rekomendasi-paspor") is not None
    assert services.directory().officers("disperinaker-klungkung", "kepala-dinas")


def test_a_missing_or_short_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="LAYANAN_SECRET"):
        build_services(Settings.from_environment({**LOCAL, "LAYANAN_SECRET": ""}))
    with pytest.raises(ConfigurationError, match="32"):
        build_services(Settings.from_environment({**LOCAL, "LAYANAN_SECRET": "pendek"}))


@mock_aws
def test_production_reads_secret_and_officers_from_ssm_and_sends_with_ses() -> None:
    ssm = boto3.client("ssm", region_name="ap-southeast-3")
    ssm.put_parameter(Name="/layanan/prod/secret", Value="p" * 64, Type="SecureString")
    for agency, entry in split_by_agency(OFFICERS_SAMPLE.read_text(), "sample").items():
        ssm.put_parameter(Name=f"/layanan/prod/officers/{agency}", Value=entry, Type="SecureString")
    env = {
        "LAYANAN_SECRET_PARAMETER": "/layanan/prod/secret",
        "LAYANAN_OFFICERS_PARAMETER": "/layanan/prod/officers",
        "LAYANAN_STANDARDS_DIR": str(REPO / "standards"),
    }
    services = build_services(Settings.from_environment(env))
    assert services.secret == b"p" * 64
    assert isinstance(services.mailer, SesMailer)
    assert services.directory().officers("dinsos-kalbar", "bidang-teknis")


def test_get_services_is_built_once_and_reset_forgets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LOCAL.items():
        monkeypatch.setenv(name, value)
    wiring.reset()
    try:
        first = wiring.get_services()
        assert wiring.get_services() is first
        wiring.reset()
        assert wiring.get_services() is not first
    finally:
        wiring.reset()


def test_the_scheduled_handler_delivers_the_outbox(client: Client, services: wiring.Services) -> None:
    submit(services)
    event = client.events.generate_cw_event("aws.events", "Scheduled Event", {}, [])
    client.lambda_.invoke("deliver_outbox", event)
    assert isinstance(services.mailer, FakeMailer)
    assert len(services.mailer.sent) == 2


def test_lambda_needs_only_pinned_packages() -> None:
    lines = (REPO / "functions" / "requirements.txt").read_text().splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    assert pins and all("==" in line for line in pins)
    assert {line.split("==")[0].lower() for line in pins} >= {"boto3", "jinja2", "pyyaml"}


def test_the_bundled_standards_folder_is_not_in_git() -> None:
    assert "functions/chalicelib/standards/" in (REPO / ".gitignore").read_text().splitlines()
    assert Path(wiring.BUNDLED_STANDARDS).name == "standards"
