"""Production logs (Lambda's, the only ones on AWS that could see a request): no line holds a status key or a
review token, whatever the request does. API Gateway and CloudFront logs are off (tests/infra/test_hardening.py)."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import pytest
from chalicelib.wiring import Services

from tests.fakes.mailer import FakeMailer
from tests.functions.factories import APPLICANT_EMAIL, OFFICER_1, app_client, form_token, links_for, status_link, submit


def test_no_log_line_holds_a_status_key_or_a_review_token(services: Services, caplog: pytest.LogCaptureFixture) -> None:
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    caplog.set_level(logging.DEBUG)
    chalice_log = logging.getLogger("layanan")  # Chalice's app.log does not propagate to the root logger
    chalice_log.addHandler(caplog.handler)
    level = chalice_log.level
    chalice_log.setLevel(logging.DEBUG)
    try:
        submit(services)
        services.deliver_outbox()
        status = urlsplit(status_link(mailer.to(APPLICANT_EMAIL)[0].text))
        key = status.query.removeprefix("key=")
        (link,) = links_for(mailer, OFFICER_1)
        token = link.split(".", 1)[1]
        with app_client(services) as client:
            client.http.get(f"{status.path.removeprefix('/api')}?{status.query}")
            client.http.get(f"/status/{status.path.rsplit('/', 1)[-1]}?key={key[:-1]}x")  # a wrong key
            client.http.get(f"/review/{link}")
            client.http.get(f"/review/{link[:-2]}xx")  # a forged token
            form = {"decision": "approve", "form_token": form_token(link)}
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"}
            client.http.post(f"/review/{link}", headers=headers, body=urlencode(form))  # refused: cross-site
            headers["Origin"] = "http://127.0.0.1:8000"
            client.http.post(f"/review/{link}", headers=headers, body=urlencode(form))
            client.http.post(f"/review/{link}", headers=headers, body=urlencode(form))  # a repeat
        mailer.down = True  # sending fails: the outbox logs each failure
        services.deliver_outbox()
    finally:
        chalice_log.removeHandler(caplog.handler)
        chalice_log.setLevel(level)
    lines = [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    assert lines, "nothing was logged: the test would prove nothing"
    for line in lines:
        assert key not in line and token not in line and key[:20] not in line and token[:20] not in line, line
