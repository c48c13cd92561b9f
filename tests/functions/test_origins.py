"""Cross-site requests are told apart by what browsers send: Sec-Fetch-Site and Origin."""

from __future__ import annotations

from chalicelib.web.origins import is_cross_site, origin_of

OURS = "http://127.0.0.1:8000"


def test_a_post_from_our_own_page_passes() -> None:
    assert not is_cross_site({"sec-fetch-site": "same-origin", "origin": OURS}, OURS)


def test_a_post_from_another_site_is_refused() -> None:
    assert is_cross_site({"sec-fetch-site": "cross-site", "origin": "https://jahat.example"}, OURS)
    assert is_cross_site({"sec-fetch-site": "same-site"}, OURS)


def test_an_origin_header_alone_is_checked() -> None:
    assert is_cross_site({"origin": "https://jahat.example"}, OURS)
    assert is_cross_site({"origin": "null"}, OURS)
    assert not is_cross_site({"origin": "http://127.0.0.1:8000"}, OURS + "/")


def test_a_client_that_sends_neither_header_relies_on_the_form_token() -> None:
    assert not is_cross_site({}, OURS)


def test_origins_compare_without_default_ports_and_case() -> None:
    assert origin_of("HTTPS://Layanan.Example:443/jalan") == "https://layanan.example"
    assert origin_of("http://127.0.0.1:8000/api") == "http://127.0.0.1:8000"
