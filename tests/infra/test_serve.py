"""`make serve` as a developer runs it: one origin for site and API, edits show, Ctrl-C stops everything."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path

import pytest

from infra.local.paths import PROJECT_ROOT
from infra.local.serve_process import ServeProcess

pytestmark = pytest.mark.integration

STANDARD = Path("disperinaker-klungkung") / "rekomendasi-paspor.md"
PAGE = "/disperinaker-klungkung/rekomendasi-paspor/"


def get(url: str, method: str = "GET") -> tuple[int, Message, bytes]:
    """Status, headers (case-insensitive) and body; error statuses are answers too."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def standards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of standards/: the watch test edits it, never the real one."""
    copy = tmp_path_factory.mktemp("standards") / "standards"
    shutil.copytree(PROJECT_ROOT / "standards", copy)
    return copy


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory, standards: Path) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("serve")
    process = ServeProcess(root / "var", root / "site", standards).start()
    try:
        yield process
    finally:
        process.stop()


def test_the_site_is_served_at_the_root(serve: ServeProcess) -> None:
    status, headers, body = get(serve.url + "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<html" in body


def test_a_folder_serves_its_index_and_assets_have_their_types(serve: ServeProcess) -> None:
    status, _, body = get(serve.url + PAGE)
    assert status == 200 and b"Rekomendasi Paspor" in body
    assert get(serve.url + "/data/standards.json")[1]["Content-Type"] == "application/json; charset=utf-8"
    css = next((serve.site_dir / "assets" / "stylesheets").glob("*.css")).name
    assert get(f"{serve.url}/assets/stylesheets/{css}")[1]["Content-Type"] == "text/css; charset=utf-8"


def test_a_missing_page_is_a_404_with_the_site_page(serve: ServeProcess) -> None:
    status, headers, _ = get(serve.url + "/tidak-ada/")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")


def test_the_api_answers_on_the_same_origin(serve: ServeProcess) -> None:
    status, headers, body = get(serve.url + "/api/openapi.json")
    assert status == 200, body
    assert headers["Content-Type"].startswith("application/json")
    assert "openapi" in json.loads(body)


def test_head_on_the_api_sends_no_body(serve: ServeProcess) -> None:
    status, _, body = get(serve.url + "/api/openapi.json", method="HEAD")
    assert body == b""
    assert status in (200, 405)  # HEAD is the app's choice per route; the gateway only must not send a body


def test_parallel_requests_each_see_their_own_request(serve: ServeProcess) -> None:
    # Chalice keeps the current request on the app object; serve makes it per thread, as chalice local does.
    # The status route reads the Accept header after a DynamoDB call: were the request shared between
    # threads, some answers would come in the other request's format.
    url = serve.url + "/api/status/DPTK-2026-000999?key=" + "x" * 43
    accepts = ["application/json", "text/html"] * 30

    def fetch(accept: str) -> str:
        request = urllib.request.Request(url, headers={"Accept": accept})
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(request, timeout=10)
        assert missing.value.code == 404
        return str(missing.value.headers["Content-Type"])

    with ThreadPoolExecutor(max_workers=16) as pool:
        types = list(pool.map(fetch, accepts))
    assert [kind.split(";")[0] for kind in types] == accepts


def test_the_site_is_read_only(serve: ServeProcess) -> None:
    assert get(serve.url + "/", method="POST")[0] == 405


def test_a_method_nobody_serves_is_not_allowed_rather_than_a_server_error(serve: ServeProcess) -> None:
    for method in ("TRACE", "QUERY"):
        assert get(serve.url + "/", method=method)[0] == 405
        assert get(serve.url + "/api/submissions", method=method)[0] == 405


def test_a_chunked_body_is_read_like_any_other(serve: ServeProcess) -> None:
    request = urllib.request.Request(
        serve.url + "/api/submissions",
        data=iter([b'{"service": ', b'"tidak/ada"}']),  # an iterable body goes out chunked, without a length
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 422  # the app read the whole body: the service it names is unknown
    assert "service" in json.loads(refused.value.read())["errors"]


def test_state_lives_in_the_var_folder(serve: ServeProcess) -> None:
    assert (serve.var_dir / "dynamodb" / "shared-local-instance.db").is_file()
    assert (serve.var_dir / "secret").stat().st_mode & 0o077 == 0  # only the owner reads the secret
    assert "Mail " in serve.output() and str(serve.var_dir / "mail") in serve.output()


def form_returned_with_errors(serve: ServeProcess) -> str:
    """An incomplete no-JavaScript submission: the API renders the form again from its catalogue."""
    incomplete = urllib.request.Request(
        serve.url + "/api/submissions",
        data=b"service=disperinaker-klungkung%2Frekomendasi-paspor",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(incomplete, timeout=10)
    assert refused.value.code == 422
    return str(refused.value.read().decode("utf-8"))


def test_an_edited_standard_shows_without_a_restart(serve: ServeProcess, standards: Path) -> None:
    source = standards / STANDARD
    text = source.read_text(encoding="utf-8")
    assert "\ntitle: Pelayanan Rekomendasi Paspor\n" in text
    assert "Paspor Kilat" not in form_returned_with_errors(serve)  # the API has loaded the catalogue
    source.write_text(
        text.replace("\ntitle: Pelayanan Rekomendasi Paspor\n", "\ntitle: Pelayanan Rekomendasi Paspor Kilat\n"),
        encoding="utf-8",
    )
    deadline = time.monotonic() + 30
    while b"Paspor Kilat" not in get(serve.url + PAGE)[2]:
        assert time.monotonic() < deadline, serve.output()
        time.sleep(0.2)

    # The API reads the catalogue again too: the form it sends back with errors carries the new title.
    assert "Paspor Kilat" in form_returned_with_errors(serve)


def test_a_second_serve_on_the_same_var_folder_is_refused(serve: ServeProcess) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "infra.local.serve", "--port", "0", "--var-dir", str(serve.var_dir)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 1
    assert "already using" in second.stderr


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_signal_stops_everything_and_exits_0(tmp_path: Path, how: signal.Signals) -> None:
    process = ServeProcess(tmp_path / "var", tmp_path / "site").start()
    assert len(process.java_pids()) == 1

    started = time.monotonic()
    code = process.stop(how)

    assert code == 0, process.output()
    assert time.monotonic() - started < 15
    assert process.java_pids() == []
    assert "Stopped" in process.output()


def test_a_bad_api_setting_fails_the_start_with_its_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LAYANAN_OFFICERS_FILE", str(tmp_path / "tidak-ada.yml"))
    process = ServeProcess(tmp_path / "var", tmp_path / "site")
    with pytest.raises(RuntimeError, match=r"exited with code 1(.|\n)*tidak-ada\.yml"):
        process.start()
    assert process.java_pids() == []
