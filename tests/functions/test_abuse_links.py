"""Abusing approval links over HTTP: every refused request answers with its own status and changes nothing stored.

Already covered elsewhere, not repeated here: GET and HEAD of an open link (test_app), a foreign Origin, a
cross-site Sec-Fetch-Site and Origin "null" (test_app), tokens of another step or submission and parallel
clicks (test_approvals).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from chalicelib.applications import tokens
from chalicelib.applications.records import SubmissionStatus
from chalicelib.wiring import Services

from tests.fakes.clock import FakeClock
from tests.fakes.mailer import FakeMailer
from tests.functions.factories import BASE_URL, LK3, OFFICER_1, SECRET, form_body, links_for, stored

FORM = {"content-type": "application/x-www-form-urlencoded"}
SAME_ORIGIN = {**FORM, "origin": BASE_URL, "sec-fetch-site": "same-origin"}
FOREIGN = "https://jahat.example"
LK3_OFFICERS = ("bidang.teknis@dinsos-kalbar.example", "rehsos@dinsos-kalbar.example")


def links(services: Services, officer: str) -> list[str]:
    services.deliver_outbox()
    mailer = services.mailer
    assert isinstance(mailer, FakeMailer)
    return links_for(mailer, officer)


def applied(client: Client, service: str = "") -> None:
    pairs = form_body(service=service) if service else form_body()
    assert client.http.post("/submissions", headers=FORM, body=urlencode(pairs).encode()).status_code == 303


def form_token_of(client: Client, token: str) -> str:
    html = client.http.get(f"/review/{token}").body.decode()
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def post(client: Client, token: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> int:
    body = urlencode(fields).encode()
    return int(client.http.post(f"/review/{token}", headers=headers or SAME_ORIGIN, body=body).status_code)


def approval(form_token: str) -> dict[str, str]:
    return {"decision": "approve", "form_token": form_token}


# --- decisions that must not count ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "headers", "form_token"),
    [
        ("without the form's token", SAME_ORIGIN, ""),
        ("with a made-up form token", SAME_ORIGIN, "A" * 43),
        ("with the form token of another link", SAME_ORIGIN, "other"),
        ("from a foreign page that sends only a Referer", {**FORM, "referer": f"{FOREIGN}/halaman"}, "page"),
        ("from a foreign Origin with a Referer of ours", {**FORM, "origin": FOREIGN, "referer": BASE_URL}, "page"),
        ("from a foreign site told by Sec-Fetch-Site only", {**FORM, "sec-fetch-site": "same-site"}, "page"),
    ],
)
def test_a_forged_decision_is_403_and_changes_nothing(
    client: Client, services: Services, how: str, headers: dict[str, str], form_token: str
) -> None:
    applied(client, LK3)
    token, other = links(services, LK3_OFFICERS[0])[-1], links(services, LK3_OFFICERS[1])[-1]
    chosen = {"page": form_token_of(client, token), "other": form_token_of(client, other)}.get(form_token, form_token)
    before = stored(services)
    assert post(client, token, approval(chosen), headers) == 403, how
    assert stored(services) == before


def test_a_post_with_a_referer_of_our_own_page_and_no_origin_is_accepted(client: Client, services: Services) -> None:
    applied(client)
    token = links(services, OFFICER_1)[-1]
    headers = {**FORM, "referer": f"{BASE_URL}/api/review/{token}"}  # an old browser: no Origin, no Sec-Fetch-*
    assert post(client, token, approval(form_token_of(client, token)), headers) == 303


def test_a_forged_or_malformed_link_is_404_and_changes_nothing(client: Client, services: Services) -> None:
    applied(client)
    before = stored(services)
    forged = "B" * 43
    # Even with the form token only the server can make for it, a token nobody issued decides nothing.
    valid_form = tokens.form_token(SECRET, tokens.hash_token(forged))
    assert post(client, forged, approval(valid_form)) == 404
    assert post(client, "kurang-panjang", approval(valid_form)) == 404
    assert post(client, "A" * 42 + "=", approval(valid_form)) == 404
    assert client.http.request("HEAD", f"/review/{forged}").status_code == 404
    assert stored(services) == before


def test_an_expired_link_is_410_for_a_decision_and_changes_nothing(
    client: Client, services: Services, clock: FakeClock
) -> None:
    applied(client)
    token = links(services, OFFICER_1)[-1]
    form_token = form_token_of(client, token)
    clock.advance(days=7)
    before = stored(services)
    assert post(client, token, approval(form_token)) == 410
    assert post(client, token, {"decision": "reject", "reason": "terlambat", "form_token": form_token}) == 410
    assert client.http.get(f"/review/{token}").status_code == 410
    assert client.http.request("HEAD", f"/review/{token}").status_code == 410
    assert stored(services) == before


def test_a_link_whose_step_another_officer_decided_is_409_and_changes_nothing(
    client: Client, services: Services
) -> None:
    applied(client, LK3)
    first, second = (links(services, officer)[-1] for officer in LK3_OFFICERS)
    second_form = form_token_of(client, second)
    assert (
        post(
            client,
            first,
            {"decision": "reject", "reason": "Berkas kurang.", "form_token": form_token_of(client, first)},
        )
        == 303
    )
    before = stored(services)
    assert post(client, second, approval(second_form)) == 409
    assert stored(services) == before
    (submission,) = before["submissions"].values()
    assert submission.status == SubmissionStatus.REJECTED  # the first decision stands


def test_a_used_link_replayed_with_the_other_decision_is_409_and_says_it_was_not_saved(
    client: Client, services: Services
) -> None:
    applied(client)
    token = links(services, OFFICER_1)[-1]
    form_token = form_token_of(client, token)
    assert post(client, token, approval(form_token)) == 303
    before = stored(services)
    # Second thoughts, or a stale second tab: the first decision stands, and the answer must not look like success.
    rejection = {"decision": "reject", "reason": "berubah pikiran", "form_token": form_token}
    response = client.http.post(f"/review/{token}", headers=SAME_ORIGIN, body=urlencode(rejection).encode())
    assert response.status_code == 409
    page = response.body.decode()
    assert "Keputusan Anda tidak tersimpan." in page and "Anda mengirim penolakan" in page
    assert "Keputusan yang berlaku:" in page and "menyetujui" in page and "Keputusan tersimpan." not in page
    assert stored(services) == before
    # The same decision again (a double click, a retried request) is the same success as the first.
    assert post(client, token, approval(form_token)) == 303
    assert stored(services) == before
    assert "Keputusan tersimpan." in client.http.get(f"/review/{token}").body.decode()


def test_the_old_link_of_a_renewed_pair_cannot_decide_after_the_new_one_did(
    client: Client, services: Services, clock: FakeClock
) -> None:
    applied(client)
    old = links(services, OFFICER_1)[-1]
    clock.advance(days=8)
    old_form = form_token_of(client, old)
    assert (
        int(
            client.http.post(
                f"/review/{old}/renew", headers=SAME_ORIGIN, body=urlencode({"form_token": old_form}).encode()
            ).status_code
        )
        == 303
    )
    new = links(services, OFFICER_1)[-1]
    assert new != old
    assert post(client, new, approval(form_token_of(client, new))) == 303
    before = stored(services)
    assert post(client, old, approval(old_form)) == 409  # decided, by the other link of the same step
    assert stored(services) == before


# --- looking changes nothing --------------------------------------------------------------------------------


def test_get_and_head_of_decided_expired_and_unknown_links_change_nothing(
    client: Client, services: Services, clock: FakeClock
) -> None:
    applied(client, LK3)
    decided, colleague = (links(services, officer)[-1] for officer in LK3_OFFICERS)
    applied(client)
    open_ = links(services, OFFICER_1)[-1]
    assert post(client, decided, approval(form_token_of(client, decided))) == 303
    clock.advance(days=8)
    before = stored(services)
    for token, status in ((decided, 200), (colleague, 200), (open_, 410), ("C" * 43, 404), ("x", 404)):
        for _ in range(3):  # a mail scanner, a preview pane, the officer
            assert client.http.get(f"/review/{token}").status_code == status
            head = client.http.request("HEAD", f"/review/{token}")
            assert (head.status_code, head.body) == (status, b"")
    assert stored(services) == before


# --- renewing a link ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{**FORM, "origin": FOREIGN}, {**FORM, "referer": f"{FOREIGN}/"}, {**FORM, "sec-fetch-site": "cross-site"}],
)
def test_a_cross_site_renewal_is_403_and_sends_nothing(
    client: Client, services: Services, clock: FakeClock, headers: dict[str, str]
) -> None:
    applied(client)
    token = links(services, OFFICER_1)[-1]
    clock.advance(days=8)
    body = urlencode({"form_token": form_token_of(client, token)}).encode()
    before = stored(services)
    assert client.http.post(f"/review/{token}/renew", headers=headers, body=body).status_code == 403
    no_token = urlencode({"form_token": ""}).encode()
    assert client.http.post(f"/review/{token}/renew", headers=SAME_ORIGIN, body=no_token).status_code == 403
    assert stored(services) == before
