"""The header's search (Pagefind, driven by assets/javascripts/cari.js) in headless Chromium, on the built
seed site served offline on 127.0.0.1, with every request recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.accessibility import axe_violations
from tests.browser import chromium, serve_directory
from tests.site.conftest import PASPOR
from tests.site.test_browser import DESKTOP, PHONE, Recorded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser
FIELD = "input.md-search__input"
RESULT_LINKS = ".md-search-result__item > a.md-search-result__link"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Recorded]:
    recorded = Recorded(browser, DESKTOP["width"])
    yield recorded
    recorded.context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Recorded]:
    recorded = Recorded(browser, PHONE["width"])
    yield recorded
    recorded.context.close()


def _search(page: Page, words: str) -> list[str]:
    """Type into the header's search as a person does, once it says it is ready; the result links, in order."""
    page.locator(FIELD).click()
    page.locator(".md-search-result__meta").filter(has_text="Ketik untuk mulai pencarian").wait_for(timeout=15000)
    page.locator(FIELD).press_sequentially(words)
    page.locator("ol.md-search-result__list:not([aria-busy])").wait_for(state="attached", timeout=15000)
    page.locator(".md-search-result__meta").filter(has_text="ditemukan").wait_for(timeout=15000)
    return [link.get_attribute("href") or "" for link in page.locator(RESULT_LINKS).all()]


def test_typing_paspor_in_the_header_search_finds_rekomendasi_paspor_asking_no_other_host(
    desktop: Recorded, base_url: str
) -> None:
    page = desktop.page
    page.goto(f"{base_url}/")
    links = _search(page, "paspor")
    assert links[0] == f"/{PASPOR}/"
    first = page.locator(RESULT_LINKS).first
    assert first.locator("h1").inner_text() == "Pelayanan Rekomendasi Paspor"
    assert "paspor" in first.locator("mark").first.inner_text().casefold()  # the word found, highlighted
    assert desktop.other_hosts() == []


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("persyaratan", f"/{PASPOR}/"),  # every service has its Persyaratan Pelayanan
        ("pencari kerja", "/disperinaker-klungkung/kartu-pencari-kerja/"),
        ("pengaduan", "/disperinaker-klungkung/"),
    ],
)
def test_the_search_finds_indonesian_words_as_written(
    desktop: Recorded, base_url: str, words: str, expected: str
) -> None:
    page = desktop.page
    page.goto(f"{base_url}/{PASPOR}/")
    assert expected in _search(page, words)
    assert desktop.other_hosts() == []


def test_pencari_kerja_puts_the_job_seekers_card_first(desktop: Recorded, base_url: str) -> None:
    page = desktop.page
    page.goto(f"{base_url}/")
    assert _search(page, "pencari kerja")[0] == "/disperinaker-klungkung/kartu-pencari-kerja/"


def test_words_found_nowhere_say_so(desktop: Recorded, base_url: str) -> None:
    page = desktop.page
    page.goto(f"{base_url}/")
    page.locator(FIELD).click()
    page.locator(".md-search-result__meta").filter(has_text="Ketik untuk mulai pencarian").wait_for(timeout=15000)
    page.locator(FIELD).press_sequentially("xylofonzz")
    page.locator(".md-search-result__meta").filter(has_text="Tidak ada dokumen yang sesuai").wait_for(timeout=15000)
    assert page.locator(RESULT_LINKS).count() == 0


def test_the_search_index_is_fetched_only_when_the_reader_opens_search(phone: Recorded, base_url: str) -> None:
    # A reader who never searches pays nothing for it; one who does fetches Pagefind's chunks, never a whole index.
    page = phone.page
    page.goto(f"{base_url}/{PASPOR}/")
    page.wait_for_load_state("networkidle")
    assert not any("/pagefind/" in url for url in phone.urls)
    page.locator("label.md-header__button[for=__search]").click()  # the magnifier in the header
    assert page.locator("#__search").is_checked()
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")  # a phone's keyboard
    page.locator(FIELD).press_sequentially("paspor")
    page.locator(RESULT_LINKS).first.wait_for(timeout=15000)
    assert any(url.endswith("/pagefind/pagefind.js") for url in phone.urls)
    assert any("/pagefind/index/" in url for url in phone.urls)
    assert not any(
        "search_index" in url or "/workers/search." in url for url in phone.urls
    )  # the theme's search is off


def test_the_home_search_box_opens_the_sites_search_and_escape_closes_it(desktop: Recorded, base_url: str) -> None:
    page = desktop.page
    page.goto(f"{base_url}/")
    page.get_by_label("Cari layanan, persyaratan, atau instansi", exact=True).fill("paspor")
    page.get_by_role("button", name="Cari", exact=True).click()
    page.locator(RESULT_LINKS).first.wait_for(timeout=15000)
    assert page.locator(RESULT_LINKS).first.get_attribute("href") == f"/{PASPOR}/"
    assert page.locator(FIELD).input_value() == "paspor"
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    assert "q=" not in page.url  # closing forgets the words, as the theme's search did


def test_enter_opens_the_best_result_and_arrows_walk_the_results(desktop: Recorded, base_url: str) -> None:
    page = desktop.page
    page.goto(f"{base_url}/")
    _search(page, "paspor")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"/{PASPOR}/"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/{PASPOR}/")
    assert not page.locator("#__search").is_checked()


def test_slash_opens_the_search_from_anywhere_on_the_page(desktop: Recorded, base_url: str) -> None:
    page = desktop.page
    page.goto(f"{base_url}/{PASPOR}/")
    page.keyboard.press("/")
    assert page.locator("#__search").is_checked()
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")


@pytest.mark.parametrize("width", [PHONE["width"], DESKTOP["width"]])
def test_search_results_keep_words_apart_and_pass_axe(browser: Browser, base_url: str, width: int) -> None:
    reader = Recorded(browser, width)
    try:
        page = reader.page
        page.goto(f"{base_url}/")
        page.get_by_label("Cari layanan, persyaratan, atau instansi", exact=True).fill("paspor")
        page.get_by_role("button", name="Cari", exact=True).click()
        results = page.locator(".md-search-result")
        results.locator(RESULT_LINKS).first.wait_for(timeout=15000)
        text = results.inner_text()
        assert "Paspor60" not in text and "Pelayanan Rekomendasi Paspor" in text
        assert results.locator("ol.md-search-result__list").get_attribute("role") == "list"
        assert (
            results.locator(".md-search-result__meta").get_attribute("aria-live") == "polite"
        )  # the count is read out
        assert axe_violations(page) == []  # the result count's contrast, the two search landmarks, the list
    finally:
        reader.context.close()


def test_without_javascript_the_header_offers_the_a_to_z_list_in_place_of_search(
    browser: Browser, base_url: str
) -> None:
    reader = Recorded(browser, PHONE["width"], scripts=False)
    try:
        page = reader.page
        page.goto(f"{base_url}/{PASPOR}/")
        assert page.locator("label.md-header__button[for=__search]").is_hidden()  # the theme hides what needs script
        page.get_by_role("link", name="Daftar layanan A–Z", exact=True).click()
        page.wait_for_url(f"{base_url}/daftar-layanan/")
        assert page.get_by_role("heading", name="Daftar Layanan A–Z", exact=True).is_visible()
        assert axe_violations(page) == []
    finally:
        reader.context.close()


def test_with_javascript_the_headers_link_to_the_a_to_z_list_gives_way_to_search(
    phone: Recorded, base_url: str
) -> None:
    page = phone.page
    page.goto(f"{base_url}/{PASPOR}/")
    assert page.locator("a.cari-tanpa-js").count() == 1 and page.locator("a.cari-tanpa-js").is_hidden()
    assert page.locator("label.md-header__button[for=__search]").is_visible()  # the magnifier, on a phone


def test_when_search_cannot_load_it_says_so_and_links_the_a_to_z_list(desktop: Recorded, base_url: str) -> None:
    page = desktop.page
    page.route("**/pagefind/pagefind.js", lambda route: route.abort())
    page.goto(f"{base_url}/")
    page.locator(FIELD).click()
    meta = page.locator(".md-search-result__meta")
    meta.filter(has_text="Pencarian tidak dapat dimuat.").wait_for(timeout=15000)
    assert (
        " ".join(meta.inner_text().split())
        == "Pencarian tidak dapat dimuat. Semua layanan tercantum di Daftar Layanan A–Z."
    )
    meta.get_by_role("link", name="Daftar Layanan A–Z").click()
    page.wait_for_url(f"{base_url}/daftar-layanan/")
