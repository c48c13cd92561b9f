"""The frame of every API page (chalicelib/templates/pages/layout.html) and the answer at /api/ itself."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from chalice.test import Client
from chalicelib.web import api_pages

# One name on the site and on the API's pages: the site's own, from its configuration.
SITE_CONFIG = Path(__file__).resolve().parents[2] / "site" / "mkdocs.yml"
SITE_NAME: str = yaml.safe_load(SITE_CONFIG.read_text(encoding="utf-8"))["site_name"]


def test_api_root_answers_an_indonesian_404_page_with_the_way_back_to_the_site(client: Client) -> None:
    response = client.http.get("/", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    html = response.body.decode("utf-8")
    assert "<h1>Halaman tidak ditemukan</h1>" in html
    assert "Missing Authentication Token" not in html
    assert '<a href="/">Kembali ke beranda</a>' in html  # in the frame of every page


def test_api_root_answers_json_to_a_client_asking_for_json(client: Client) -> None:
    response = client.http.get("/", headers={"accept": "application/json"})
    assert response.status_code == 404
    assert json.loads(response.body)["message"].startswith("Halaman tidak ditemukan")


def test_api_root_answers_head_without_a_body(client: Client) -> None:
    response = client.http.request("HEAD", "/", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.body == b""


def test_every_api_page_carries_the_sites_name_and_links_back_to_the_site() -> None:
    html = api_pages.notice_page("Permintaan ditolak", ["Buka lagi tautan dari email Anda."])
    assert f"<title>Permintaan ditolak - {SITE_NAME}</title>" in html
    header = html.split('<header class="kepala">')[1].split("</header>")[0]
    assert f'<a href="/">{SITE_NAME}</a>' in header
    assert "Layanan Publik<" not in html  # the old name, which the site never used
    footer = html.split('<footer class="kaki">')[1].split("</footer>")[0]
    assert '<a href="/">Kembali ke beranda</a>' in footer
    assert '<a href="/daftar-layanan/">Daftar Layanan A–Z</a>' in footer
