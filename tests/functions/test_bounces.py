"""SES bounce and complaint events replayed through the SNS handler: recorded, the agency told which address failed.

The events are shaped as SES event publishing sends them through a configuration set's SNS destination
(eventType, bounce/complaint, mail with its tags). `both` runs each test on the in-memory store and on
DynamoDB Local.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from chalicelib.applications.records import MessageKind
from chalicelib.mail.bounces import parse_outbox_tag
from chalicelib.mail.transports import Email, SesMailer, outbox_tag
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import APPLICANT_EMAIL, OFFICER_1, OFFICER_4, app_client, submit

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client


CONFIGURATION_SET = "layanan-prod"


def ses_event(email: Email, kind: str = "Bounce", **detail: Any) -> dict[str, Any]:
    mail = {
        "timestamp": "2026-03-16T02:00:00.000Z",
        "source": "Layanan Publik <layanan@layanan.example>",
        "sourceArn": "arn:aws:ses:ap-southeast-3:123456789012:identity/layanan.example",
        "sendingAccountId": "123456789012",
        "messageId": "0100018e4a1b2c3d-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-000000",
        "destination": [email.to],
        "headersTruncated": False,
        "commonHeaders": {
            "from": ["Layanan Publik <layanan@layanan.example>"],
            "to": [email.to],
            "subject": email.subject,
        },
        "tags": {
            "ses:configuration-set": [CONFIGURATION_SET],
            "ses:source-ip": ["192.0.2.10"],
            "ses:from-domain": ["layanan.example"],
            "ses:caller-identity": ["layanan-prod-DeliverOutboxRole"],
            "outbox": [outbox_tag(email.outbox_id)],
        },
    }
    if kind == "Bounce":
        body = {
            "bounceType": detail.get("bounce_type", "Permanent"),
            "bounceSubType": detail.get("subtype", "General"),
            "bouncedRecipients": [
                {
                    "emailAddress": email.to,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": "2026-03-16T02:00:05.000Z",
            "feedbackId": "0100018e4a1b2c3e-ffff-0000-000000",
            "reportingMTA": "dsn; e226-55.smtp-out.ap-southeast-3.amazonses.com",
        }
        return {"eventType": "Bounce", "bounce": body, "mail": mail}
    body = {
        "complainedRecipients": [{"emailAddress": email.to}],
        "timestamp": "2026-03-16T03:00:00.000Z",
        "feedbackId": "0100018e4a1b2c3f-1111-2222-000000",
        "complaintFeedbackType": "abuse",
        "userAgent": "Yahoo!-Mail-Feedback/2.0",
    }
    return {"eventType": "Complaint", "complaint": body, "mail": mail}


def replay(services: Services, event: dict[str, Any]) -> None:
    """Through the deployed path: SNS invokes the app's handler with the event's JSON as the message."""
    with app_client(services) as client:
        client.lambda_.invoke("record_mail_event", client.events.generate_sns_event(message=json.dumps(event)))


def sent(services: Services) -> FakeMailer:
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return mailer


def test_a_bounced_approval_link_is_recorded_and_the_agency_is_told_which_address_failed(both: Services) -> None:
    receipt = submit(both)
    both.deliver_outbox()
    (request,) = sent(both).to(OFFICER_1)
    assert request.outbox_id.startswith(receipt.submission.reference + "/")

    replay(both, ses_event(request))

    (problem,) = both.store.mail_problems(receipt.submission.reference)
    assert (problem.address, problem.permanent) == (OFFICER_1, True)
    assert "550 5.1.1" in problem.detail
    both.deliver_outbox()
    # The step's role has no other officer in the sample directory: the head of the agency is told.
    (notice,) = [e for e in sent(both).to(OFFICER_4) if "tidak terkirim" in e.subject.lower()]
    assert receipt.submission.reference in notice.subject
    assert OFFICER_1 in notice.text and OFFICER_1 in notice.html
    assert "langkah 1 dari 4" in notice.text
    assert "direktori petugas" in notice.text


def test_the_same_event_delivered_twice_records_and_tells_once(both: Services) -> None:
    receipt = submit(both)
    both.deliver_outbox()
    (request,) = sent(both).to(OFFICER_1)
    replay(both, ses_event(request))
    replay(both, ses_event(request))
    assert len(both.store.mail_problems(receipt.submission.reference)) == 1
    notices = [m for m in both.store.outbox_of(receipt.submission.reference) if m.kind == MessageKind.DELIVERY_PROBLEM]
    assert len(notices) == 1


def test_a_complaint_about_the_applicants_receipt_tells_the_officers_to_call_the_applicant(both: Services) -> None:
    receipt = submit(both)
    both.deliver_outbox()
    (mail,) = sent(both).to(APPLICANT_EMAIL)
    replay(both, ses_event(mail, "Complaint"))
    (problem,) = both.store.mail_problems(receipt.submission.reference)
    assert (problem.kind, problem.address, problem.detail) == ("complaint", APPLICANT_EMAIL, "abuse")
    both.deliver_outbox()
    notices = [e for e in sent(both).sent if e.subject.startswith("Email tidak terkirim")]
    assert len(notices) == 1
    assert "Hubungi pemohon melalui nomor telepon" in notices[0].text
    assert APPLICANT_EMAIL in notices[0].text


def test_an_address_on_the_suppression_list_is_reported_like_a_bounce(both: Services) -> None:
    receipt = submit(both)
    both.deliver_outbox()
    (request,) = sent(both).to(OFFICER_1)
    replay(both, ses_event(request, subtype="OnAccountSuppressionList"))
    (problem,) = both.store.mail_problems(receipt.submission.reference)
    assert "OnAccountSuppressionList" in problem.detail


def test_a_bounced_notice_is_recorded_but_tells_no_one_again(both: Services) -> None:
    receipt = submit(both)
    both.deliver_outbox()
    replay(both, ses_event(sent(both).to(OFFICER_1)[0]))
    both.deliver_outbox()
    (notice,) = [e for e in sent(both).sent if e.subject.startswith("Email tidak terkirim")]
    replay(both, ses_event(notice))
    assert len(both.store.mail_problems(receipt.submission.reference)) == 2
    notices = [m for m in both.store.outbox_of(receipt.submission.reference) if m.kind == MessageKind.DELIVERY_PROBLEM]
    assert len(notices) == 1


def test_events_without_our_outbox_tag_or_of_other_types_are_ignored(services: Services) -> None:
    submit(services)
    services.deliver_outbox()
    event = ses_event(sent(services).sent[0])
    del event["mail"]["tags"]["outbox"]
    assert services.mail_problems.record(json.dumps(event)) == []
    delivery = {"eventType": "Delivery", "mail": ses_event(sent(services).sent[0])["mail"], "delivery": {}}
    assert services.mail_problems.record(json.dumps(delivery)) == []
    assert services.mail_problems.record("not json") == []


def test_outbox_tags_round_trip() -> None:
    assert parse_outbox_tag(outbox_tag("DPTK-2026-000042/00003/01")) == ("DPTK-2026-000042", 3, 1)
    assert parse_outbox_tag("something-else") is None


class RecordingSes:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def send_email(self, **request: Any) -> dict[str, str]:
        self.requests.append(request)
        return {"MessageId": "x"}


def test_ses_sends_name_the_configuration_set_and_tag_the_outbox_message() -> None:
    ses = RecordingSes()
    mailer = SesMailer(cast("SESV2Client", ses), "Layanan <layanan@layanan.example>", CONFIGURATION_SET)
    mailer.send(Email("a@contoh.id", "s", "t", "<p>t</p>", "<x@y>", outbox_id="DPTK-2026-000001/00001/00"))
    (request,) = ses.requests
    assert request["ConfigurationSetName"] == CONFIGURATION_SET
    assert request["EmailTags"] == [{"Name": "outbox", "Value": "DPTK-2026-000001_00001_00"}]


def test_the_outbox_run_reports_the_age_of_the_oldest_unsent_message_as_an_emf_metric(
    both: Services, clock: FakeClock, capsys: Any
) -> None:
    from dataclasses import replace

    both.settings = replace(both.settings, metrics_namespace="Layanan/prod")
    submit(both)
    sent(both).down = True
    clock.advance(minutes=30)
    both.deliver_outbox()
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Layanan/prod"
    assert line["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "OldestUnsentMailAge", "Unit": "Seconds"}]
    assert line["OldestUnsentMailAge"] == 30 * 60
    sent(both).down = False
    clock.advance(hours=1)
    both.deliver_outbox()
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["OldestUnsentMailAge"] == 0
