"""`make serve` as a developer runs it: one origin for site and API, edits show, Ctrl-C stops everything;
and as an attacker finds it: bursts queue, slow requests are dropped, bodies are read strictly and bounded,
the site's files carry production's headers, and no log line holds a working status key or review token."""

from __future__ import annotations

import json
import re
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from infra.local.mail_catcher import MailFolder, links_in, readable_copy
from infra.local.paths import PROJECT_ROOT
from infra.local.serve.http_server import LayananServer
from infra.local.serve_process import ServeProcess
from infra.publish import load_template
from tests.static_server import running

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


# --- what an attacker finds: the connection, the body, the headers -----------------------------------------


def exchange(port: int, request: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes, keep the connection open, and return the start of the answer (b"" if it was closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as client:
        client.sendall(request)
        return client.recv(65536)


def port_of(serve: ServeProcess) -> int:
    return int(serve.url.rsplit(":", 1)[1])


@pytest.mark.parametrize("size", [b"-1", b"+5", b"0x5", b"5_0", b" 5", b"zz", b""])
def test_a_chunk_size_that_is_not_hex_is_refused_at_once(serve: ServeProcess, size: bytes) -> None:
    head = b"POST /api/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    answer = exchange(port_of(serve), head + b"Transfer-Encoding: chunked\r\n\r\n" + size + b"\r\n")
    assert answer.startswith(b"HTTP/1.0 400 "), answer  # while the client still holds the connection open


def test_a_request_with_both_a_length_and_chunks_is_refused(serve: ServeProcess) -> None:
    head = b"POST /api/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
    answer = exchange(port_of(serve), head + b"Transfer-Encoding: chunked\r\n\r\n")  # refused on the head
    assert answer.startswith(b"HTTP/1.0 400 "), answer


@pytest.mark.parametrize("path", ["/", PAGE, "/api/submissions"])
def test_a_body_over_one_mebibyte_is_refused_on_every_path_before_it_is_sent(serve: ServeProcess, path: str) -> None:
    method = "POST" if path.startswith("/api/") else "GET"
    head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n".encode()
    answer = exchange(port_of(serve), head + f"Content-Length: {1024 * 1024 + 1}\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.0 413 "), answer


def test_chunks_adding_up_to_more_than_one_mebibyte_are_refused(serve: ServeProcess) -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"80000\r\n" + b"a" * 0x80000 + b"\r\n"  # half a MiB each: the third one's size passes the cap
    answer = exchange(port_of(serve), head + chunk * 2 + b"80000\r\n")
    assert answer.startswith(b"HTTP/1.0 413 "), answer


def test_a_folder_without_an_index_is_not_listed(serve: ServeProcess) -> None:
    assert (serve.site_dir / "assets").is_dir() and not (serve.site_dir / "assets" / "index.html").exists()
    status, _, body = get(serve.url + "/assets/")
    assert status == 404
    assert body == (serve.site_dir / "404.html").read_bytes()  # the site's own page, not a listing


def production_site_headers() -> tuple[dict[str, str], set[str]]:
    """The headers CloudFront's SiteHeaders policy adds in infra/template.yml, and its security settings."""
    template = load_template((PROJECT_ROOT / "infra" / "template.yml").read_text(encoding="utf-8"))
    config = template["Resources"]["SiteHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    headers = {
        "Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    headers |= {item["Header"]: item["Value"] for item in config["CustomHeadersConfig"]["Items"]}
    return headers, set(security)


def directives(policy: str) -> list[str]:
    return [" ".join(part.split()) for part in policy.split(";") if part.strip()]


@pytest.mark.parametrize("path", ["/", PAGE, "/data/standards.json", "/tidak-ada/"])
def test_the_site_s_files_carry_the_headers_cloudfront_adds_in_production(serve: ServeProcess, path: str) -> None:
    expected, settings = production_site_headers()
    # Should the template gain a security setting, serve must learn it (infra/local/serve/site_headers.py).
    assert settings <= {"ContentSecurityPolicy", "FrameOptions", "ContentTypeOptions", "ReferrerPolicy",
                        "StrictTransportSecurity", "XSSProtection"}  # fmt: skip
    _, served, _ = get(serve.url + path)

    # Over plain HTTP on 127.0.0.1, only what needs HTTPS is left out.
    production_csp = directives(expected.pop("Content-Security-Policy"))
    assert directives(served["Content-Security-Policy"]) == [
        directive for directive in production_csp if directive != "upgrade-insecure-requests"
    ]
    assert "Strict-Transport-Security" not in served
    for name, value in expected.items():
        assert served[name] == value, name


def test_the_api_keeps_its_own_content_security_policy(serve: ServeProcess) -> None:
    status, headers, _ = get(serve.url + "/api/status/DPTK-2026-000999?key=" + "x" * 43)
    assert status == 404
    site_csp = directives(production_site_headers()[0]["Content-Security-Policy"])
    assert directives(headers.get("Content-Security-Policy") or "") != site_csp


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>Beranda</title>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<!doctype html><title>Tidak ada</title>", encoding="utf-8")
    return tmp_path


def is_closed_by_server(client: socket.socket, wait: float) -> bool:
    """True once the server has closed the connection (EOF or reset) within `wait` seconds."""
    readable, _, _ = select.select([client], [], [], wait)
    if not readable:
        return False
    try:
        return client.recv(1024) == b""
    except ConnectionError:
        return True


def test_a_half_sent_request_is_dropped_once_its_time_is_up(site: Path) -> None:
    server = LayananServer(0, site, site_headers={})
    server.request_seconds = 0.5
    with running(server), socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the blank line that ends the head
        assert is_closed_by_server(client, wait=10)


def test_a_half_sent_body_is_dropped_once_its_time_is_up(site: Path) -> None:
    server = LayananServer(0, site, site_headers={})
    server.request_seconds = 0.5
    with running(server), socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
        assert is_closed_by_server(client, wait=10)


def test_a_request_trickling_in_byte_by_byte_is_dropped_too(site: Path) -> None:
    server = LayananServer(0, site, site_headers={})
    server.request_seconds = 1.0
    with running(server), socket.create_connection(("127.0.0.1", server.port), timeout=10) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Pelan: ")
        closed = False
        for _ in range(100):  # a byte every 0.1 s keeps any per-read timeout happy, for 10 s at most
            if is_closed_by_server(client, wait=0.1):
                closed = True
                break
            try:
                client.sendall(b"a")
            except ConnectionError:
                closed = True
                break
        assert closed


def test_a_burst_of_connections_waits_in_the_queue_and_each_is_answered(site: Path) -> None:
    burst = 200
    server = LayananServer(0, site, site_headers={})  # bound and listening, not yet accepting: every connection queues
    clients = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(burst)]
    try:
        for client in clients:
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", server.port))
        pending, deadline = set(clients), time.monotonic() + 5
        while pending and time.monotonic() < deadline:  # a full queue drops the handshake: never writable
            _, writable, _ = select.select([], list(pending), [], 0.1)
            pending -= set(writable)
        assert not pending, f"{len(pending)} of {burst} connections were not taken into the queue"
        assert {client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) for client in clients} == {0}

        for client in clients:
            client.setblocking(True)
            client.settimeout(10)
            client.sendall(b"GET / HTTP/1.0\r\n\r\n")
        with running(server):
            answers = [client.recv(12) for client in clients]
        assert answers == [b"HTTP/1.0 200"] * burst
    finally:
        for client in clients:
            client.close()
        server.server_close()


# --- no secret in a log line --------------------------------------------------------------------------------

STATUS_KEY = "Zx81Qp0Lm3Nb6Vc9Xz2As5Df8Gh1Jk4Lq7Wr0Ty3Ui"
REVIEW_TOKEN = "q7Vd0m2Xk9Rz4Lw8Tb1Ns6Hc3Jf5Pa0Ye2Ui7Og4Ek9"


def test_request_lines_show_the_path_but_not_the_status_key_or_review_token(serve: ServeProcess) -> None:
    get(f"{serve.url}/api/status/DPTK-2026-000998?key={STATUS_KEY}")
    get(f"{serve.url}/api/review/DPTK-2026-000998.{REVIEW_TOKEN}")
    get(f"{serve.url}/api/review/DPTK-2026-000998.{REVIEW_TOKEN}/renew", method="POST")

    output = serve.output()
    assert "/api/status/DPTK-2026-000998?key=[disembunyikan]" in output
    assert "/api/review/DPTK-2026-000998.[disembunyikan]" in output
    assert "/api/review/DPTK-2026-000998.[disembunyikan]/renew" in output
    assert STATUS_KEY not in output and REVIEW_TOKEN not in output


def paspor_application(standards: Path) -> dict[str, Any]:
    from chalicelib.standard.catalogue import load_catalogue

    standard = load_catalogue(standards).find("disperinaker-klungkung/rekomendasi-paspor")
    assert standard is not None
    return {
        "service": "disperinaker-klungkung/rekomendasi-paspor",
        "fields": {
            "nama": "Ni Made Ayu Lestari",
            "nik": "5105015708900001",  # Bali, Klungkung, a woman born 17-08-1990
            "tempat_lahir": "Semarapura",
            "tanggal_lahir": "1990-08-17",
            "alamat": "Jl. Gajah Mada No. 10, Semarapura, Klungkung",
            "telepon": "0812-3456-7890",
            "email": "ayu.lestari@example.com",
            "negara_tujuan": "Jepang",
            "nama_perusahaan": "PT Bina Karya Mandiri",
        },
        "requirements_confirmed": [True] * len(standard.components["requirements"].items),
        "answers": {"syarat_menikah": "tidak", "pilihan_jalur_penempatan": "1"},  # the standard's questions
        "consent": True,
        "idempotency_key": "uji-log-tanpa-rahasia",
    }


SECRET_IN_LINK = re.compile(r"/api/(?:status/[^?]+\?key=|review/[A-Z0-9-]+\.)([A-Za-z0-9_-]{20,})")


def test_after_a_real_application_no_log_line_holds_a_working_link(serve: ServeProcess, standards: Path) -> None:
    request = urllib.request.Request(
        serve.url + "/api/submissions",
        data=json.dumps(paspor_application(standards)).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as created:
        reference = json.loads(created.read())["reference"]
    mail = MailFolder(serve.var_dir / "mail")
    mail.wait_for(lambda m: reference in str(m["Subject"]) and "/api/review/" in " ".join(links_in(m)))
    receipt = mail.wait_for(lambda m: m["To"] == "ayu.lestari@example.com" and reference in str(m["Subject"]))
    secrets = {
        match.group(1) for message in mail.messages() for link in links_in(message) for match in
        [SECRET_IN_LINK.search(link)] if match and reference in link
    }  # fmt: skip
    assert len(secrets) >= 2, secrets  # the applicant's status key and the first officer's review token
    for link in links_in(receipt):  # the applicant opens the status page: its request line is logged
        if "/api/status/" in link:
            get(link)

    logs = [serve.output(), *(f.read_text(errors="replace") for f in (serve.var_dir / "log").rglob("*") if f.is_file())]
    for secret in secrets:
        assert not any(secret in log for log in logs), "a working link is in a log line"
    assert "[disembunyikan]" in serve.output()
    # The mailbox keeps them whole: that is where the developer, as each officer, opens them.
    copies = "".join(readable_copy(eml).read_text(encoding="utf-8") for eml in mail.files())
    assert all(secret in copies for secret in secrets)
    # ... readable by their owner only.
    assert stat.S_IMODE(mail.path.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in mail.path.iterdir()} == {0o600}


def test_the_var_folder_and_what_holds_personal_data_are_readable_by_their_owner_only(serve: ServeProcess) -> None:
    var = serve.var_dir
    folders = [var, var / "dynamodb", var / "log"]
    files = [var / "secret", var / "dynamodb" / "shared-local-instance.db", var / "log" / "dynamodb.log"]
    assert {path: stat.S_IMODE(path.stat().st_mode) for path in folders} == dict.fromkeys(folders, 0o700)
    assert {path: stat.S_IMODE(path.stat().st_mode) for path in files} == dict.fromkeys(files, 0o600)


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


def test_a_broken_edit_keeps_the_last_good_page_and_prints_the_checker_s_file_and_line(
    serve: ServeProcess, standards: Path
) -> None:
    source = standards / STANDARD
    good = source.read_text(encoding="utf-8")
    before = get(serve.url + PAGE)[2]
    source.write_text(good.replace("## Persyaratan Pelayanan", "## Persyaratan Yang Salah"), encoding="utf-8")
    deadline = time.monotonic() + 30
    line = re.compile(r"KESALAHAN \S*standards/disperinaker-klungkung/rekomendasi-paspor\.md:\d+: ")
    while not line.search(serve.output()):
        assert time.monotonic() < deadline, serve.output()
        time.sleep(0.2)
    assert "still serving the previous one" in serve.output()
    assert get(serve.url + PAGE)[2] == before
    source.write_text(good, encoding="utf-8")  # as the last good build read it: nothing to rebuild
    while "nothing to rebuild" not in serve.output():
        assert time.monotonic() < deadline, serve.output()
        time.sleep(0.2)
    assert get(serve.url + PAGE)[2] == before


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
