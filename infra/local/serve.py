"""`make serve`: the whole product on this machine, with no AWS account, on one origin.

    http://127.0.0.1:8000/       the static site (built from standards/ into build/site, rebuilt on edits)
    http://127.0.0.1:8000/api/   the Chalice app, run in this process through chalice's LocalGateway

behind which run AWS's DynamoDB Local (tables kept under var/dynamodb/), an SMTP catcher (every message
kept under var/mail/, approval links printed here), and a loop delivering the API's outbox every second.
Production routes the same way: CloudFront sends /api/* to API Gateway (stage "api") and the rest to S3.
Ctrl-C (or SIGTERM) stops everything it started, java included, and exits 0.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import importlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from infra.local.dynamodb_local import PROJECT_ROOT, DynamoDBLocal, DynamoDBLocalError
from infra.local.mail_catcher import MailCatcher

if TYPE_CHECKING:
    from chalice.app import Chalice

DEFAULT_PORT = 8000
TABLE_NAME = "layanan-local"
REGION = "ap-southeast-3"  # Jakarta: the region production runs in
API_PREFIX = "/api"
MAX_API_BODY = 1024 * 1024  # API Gateway allows 10 MB; our forms are a few KB and the API bounds them again
OUTBOX_INTERVAL_SECONDS = 1.0
WATCH_INTERVAL_SECONDS = 0.5
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# The code the site build and the API import: the same paths the Makefile puts on PYTHONPATH.
CODE_PATHS = (PROJECT_ROOT / "functions", PROJECT_ROOT / "site", PROJECT_ROOT)


class ServeError(RuntimeError):
    """Serve cannot start: the message says what to do."""


class SiteBuildError(RuntimeError):
    """The site build failed; the message holds the end of its output."""


class _Stop(BaseException):
    """Raised in the main thread by SIGINT/SIGTERM/SIGHUP: unwinds start-up or the wait, then cleans up."""


@dataclass(frozen=True)
class Settings:
    port: int
    var_dir: Path
    standards: Path
    site_dir: Path
    watch: bool


def parse_args(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(prog="python -m infra.local.serve", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", DEFAULT_PORT)),
        help="port on 127.0.0.1 (default $PORT or 8000; 0 picks a free one)",
    )
    parser.add_argument("--var-dir", type=Path, default=PROJECT_ROOT / "var", help="state kept across restarts")
    parser.add_argument("--standards", type=Path, default=PROJECT_ROOT / "standards")
    parser.add_argument("--site-dir", type=Path, default=PROJECT_ROOT / "build" / "site")
    parser.add_argument("--no-watch", dest="watch", action="store_false", help="do not rebuild on edits")
    args = parser.parse_args(argv)
    return Settings(
        port=args.port,
        var_dir=args.var_dir.resolve(),
        standards=args.standards.resolve(),
        site_dir=args.site_dir.resolve(),
        watch=args.watch,
    )


def say(text: str) -> None:
    print(text, flush=True)


def shown(path: Path) -> str:
    """A path relative to the working directory when it is below it: shorter on the console."""
    with contextlib.suppress(ValueError):
        return f"{path.relative_to(Path.cwd())}"
    return str(path)


# --- state under var/ ------------------------------------------------------------------------------


def load_or_create_secret(path: Path) -> str:
    """The signing secret, made once: a new one at each start would invalidate every emailed link."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secret + "\n")
    return secret


@contextlib.contextmanager
def exclusive_lock(var_dir: Path) -> Iterator[None]:
    """One serve per var/: two DynamoDB Locals on one SQLite file would corrupt it."""
    var_dir.mkdir(parents=True, exist_ok=True)
    with (var_dir / "serve.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServeError(f"another `make serve` is already using {shown(var_dir)}/: stop it first") from None
        yield


def configure_environment(
    *, base_url: str, dynamodb_endpoint: str, smtp_port: int, standards: Path, secret: str
) -> None:
    """The API's configuration (read from env vars, as on Lambda) pointing at the local services."""
    # Dummy credentials, always: boto3 must never pick up a real profile and talk to a real account.
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "LAYANAN_DYNAMODB_ENDPOINT": dynamodb_endpoint,
            "LAYANAN_MAIL_TRANSPORT": "smtp",
            "LAYANAN_SMTP_HOST": "127.0.0.1",
            "LAYANAN_SMTP_PORT": str(smtp_port),
            "LAYANAN_BASE_URL": base_url,
            "LAYANAN_STANDARDS_DIR": str(standards),
            "LAYANAN_SECRET": secret,
        }
    )
    # A developer may point these elsewhere (their own officer addresses, say); keep what they set.
    os.environ.setdefault("LAYANAN_TABLE", TABLE_NAME)
    os.environ.setdefault("LAYANAN_MAIL_FROM", "Layanan (lokal) <layanan@localhost>")
    os.environ.setdefault("LAYANAN_OFFICERS_FILE", str(PROJECT_ROOT / "infra" / "local" / "officers.sample.yml"))


def code_environment() -> dict[str, str]:
    """This process's environment with the project's code on PYTHONPATH, for the site build subprocess."""
    environment = dict(os.environ)
    paths = [str(path) for path in CODE_PATHS]
    if environment.get("PYTHONPATH"):
        paths.append(environment["PYTHONPATH"])
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    environment.setdefault("NO_MKDOCS_2_WARNING", "1")
    return environment


# --- the site -----------------------------------------------------------------------------------------


def build_site(standards: Path, site_dir: Path, before_swap: Callable[[], None] | None = None) -> float:
    """Build into a sibling folder, then swap it in: readers never see a half-built site.

    `before_swap` runs once the build has succeeded and before the new site is visible, so the API can
    take the new standards first: a reader who sees the new page never gets an answer from the old ones.

    The build runs as `python -m sitegen build` in a subprocess, so edits to sitegen's own code and
    templates apply too, and mkdocs' global state never accumulates in this long-running process.
    """
    started = time.monotonic()
    staging = site_dir.with_name(site_dir.name + ".next")
    retired = site_dir.with_name(site_dir.name + ".old")
    scratch = staging.with_name(staging.name + "-mkdocs")  # sitegen's work folder beside its output
    shutil.rmtree(staging, ignore_errors=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--standards", str(standards), "--out", str(staging)],
        env=code_environment(),
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(scratch, ignore_errors=True)  # only sitegen's debugging aid; `make site` keeps its own
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        output = (result.stdout + result.stderr).strip()
        raise SiteBuildError(output[-6000:] or f"sitegen build exited with code {result.returncode}")
    if before_swap is not None:
        before_swap()
    shutil.rmtree(retired, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(retired)
    staging.rename(site_dir)
    shutil.rmtree(retired, ignore_errors=True)
    return time.monotonic() - started


def snapshot(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every file's (mtime, size): a change in either is an edit. Editor swap and backup files are skipped."""
    state: dict[Path, tuple[int, int]] = {}
    for path in folder.rglob("*"):
        name = path.name
        if name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")):
            continue
        with contextlib.suppress(FileNotFoundError):  # deleted between listing and stat
            stat = path.stat()
            if path.is_file():
                state[path] = (stat.st_mtime_ns, stat.st_size)
    return state


class Watcher(threading.Thread):
    """Polls a folder; once an edit has settled (no further change for one interval) calls on_change."""

    def __init__(self, folder: Path, on_change: Callable[[], None], stop: threading.Event) -> None:
        super().__init__(name="watch-standards", daemon=True)
        self._folder = folder
        self._on_change = on_change
        self._halt = stop

    def run(self) -> None:
        seen = snapshot(self._folder)
        while not self._halt.wait(WATCH_INTERVAL_SECONDS):
            current = snapshot(self._folder)
            if current == seen:
                continue
            # Editors write in several steps (and `git checkout` touches many files): wait for quiet.
            while not self._halt.wait(WATCH_INTERVAL_SECONDS):
                settled = snapshot(self._folder)
                if settled == current:
                    break
                current = settled
            seen = current
            if not self._halt.is_set():
                self._on_change()


# --- the API ------------------------------------------------------------------------------------------


class ApiGateway:
    """The Chalice app behind chalice's own LocalGateway (the engine of `chalice local`), thread-safe.

    Chalice keeps the current request on the app object; chalice local makes it thread-local by swapping
    the app's class for LocalChalice, and so do we. Lambda's concurrency (separate processes) is not
    reproduced: the app's code is shared between threads here, as with `chalice local`.
    """

    def __init__(self, app: Chalice, prefix: str = API_PREFIX) -> None:
        from chalice.config import Config
        from chalice.local import LocalChalice, LocalGateway

        if not isinstance(app, LocalChalice):
            app.__class__ = type("ThreadLocalChalice", (LocalChalice, app.__class__), {})
        self._gateway = LocalGateway(app, Config.create(chalice_app=app, app_name=app.app_name))
        self.prefix = prefix
        # In production "/api" is the API Gateway stage name, so routes are declared without it and the
        # prefix is stripped; should the app declare its routes with "/api/..." the path passes whole.
        self._strip_prefix = not any(route == prefix or route.startswith(prefix + "/") for route in app.routes)

    def matches(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        from chalice.local import LocalGatewayException

        path = target
        if self._strip_prefix:
            path = target[len(self.prefix) :] or "/"
            if path.startswith("?"):
                path = "/" + path
        try:
            response: dict[str, Any] = self._gateway.handle_request(method, path, headers, body)
        except LocalGatewayException as error:
            error_headers = [(name, str(value)) for name, value in error.headers.items()]
            return error.CODE, [("Content-Type", "application/json"), *error_headers], error.body or b""
        pairs: list[tuple[str, str]] = [(name, str(value)) for name, value in (response.get("headers") or {}).items()]
        for name, values in (response.get("multiValueHeaders") or {}).items():
            pairs += [(name, str(value)) for value in values]
        if not any(name.lower() == "content-type" for name, _ in pairs):
            pairs.append(("Content-Type", "application/json"))
        raw = response.get("body")
        if raw is None:
            payload = b""
        elif response.get("isBase64Encoded"):
            payload = base64.b64decode(raw)
        else:
            payload = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
        return int(response["statusCode"]), pairs, payload


def load_app() -> Chalice:
    """Import functions/app.py only now: its wiring may read the env vars configure_environment() set."""
    module = importlib.import_module("app")
    app: Chalice = module.app
    return app


def check_api_configuration() -> None:
    """Build the API's services and read the officer directory now: a bad setting fails the start, with
    its message, rather than the first application a developer submits."""
    from chalicelib.wiring import get_services

    try:
        get_services().directory()
    except Exception as error:  # whatever the wiring raises, the developer needs its message
        raise ServeError(f"the API's configuration is not usable: {type(error).__name__}: {error}") from None


def refresh_api_catalogue() -> None:
    """After a standards edit, make the API re-read the catalogue (forms, fields, approval chains)."""
    from chalicelib import wiring

    reset = getattr(wiring, "reset", None) or getattr(getattr(wiring, "get_services", None), "cache_clear", None)
    if callable(reset):
        reset()


# --- HTTP: one origin for both ---------------------------------------------------------------------------


class BodyTooLargeError(Exception):
    """A request body over MAX_API_BODY: refused before it is read."""


class LayananServer(ThreadingHTTPServer):
    daemon_threads = True  # a browser's idle keep-alive connection must not block shutdown

    def __init__(self, port: int, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.api: ApiGateway | None = None  # set once the app is loaded; the socket is bound before that
        super().__init__(("127.0.0.1", port), LayananHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class LayananHandler(SimpleHTTPRequestHandler):
    server: LayananServer
    server_version = "layanan-serve"

    def __init__(self, request: Any, client_address: Any, server: LayananServer) -> None:
        super().__init__(request, client_address, server, directory=str(server.site_dir))

    # Routing: /api/* to the Chalice app, GET/HEAD of anything else to the built site.
    def _is_api(self) -> bool:
        return self.server.api is not None and self.server.api.matches(urlsplit(self.path).path)

    def do_GET(self) -> None:
        if self._is_api():
            self._api()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if self._is_api():
            self._api()
        else:
            super().do_HEAD()

    def _api_only(self) -> None:
        if self._is_api():
            self._api()
        else:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED, None, "The site is static: only GET and HEAD.")

    # Every method the API may see, TRACE and QUERY too: the base class answers others 501, a server error.
    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_TRACE = do_QUERY = _api_only

    def _request_body(self) -> bytes | None:
        """The body by Content-Length, or chunked (some clients send an empty or streamed body so)."""
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_API_BODY:
                raise BodyTooLargeError()
            return self.rfile.read(length) if length > 0 else None
        body = bytearray()
        while True:
            size = int(self.rfile.readline(100).split(b";")[0].strip() or b"x", 16)  # ValueError if malformed
            if size == 0:
                for _ in range(100):  # trailers, if any, up to the blank line
                    if not self.rfile.readline(1000).strip():
                        break
                return bytes(body) or None
            if len(body) + size > MAX_API_BODY:
                raise BodyTooLargeError()
            body += self.rfile.read(size)
            self.rfile.readline(10)  # the CRLF after each chunk

    def _api(self) -> None:
        assert self.server.api is not None
        try:
            body = self._request_body()
        except BodyTooLargeError:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed chunked body")
            return
        try:
            status, headers, payload = self.server.api.handle(self.command, self.path, dict(self.headers), body)
        except Exception:  # the app's own errors become 500s inside Chalice; this is a gateway bug
            traceback.print_exc()
            self.send_error(HTTPStatus.BAD_GATEWAY)
            return
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    # Static files: the browser always revalidates, so an edited standard shows on the next reload.
    def end_headers(self) -> None:
        if not self._is_api():
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        guessed = super().guess_type(path)
        if guessed.startswith("text/") or guessed in ("application/json", "application/xml", "image/svg+xml"):
            return f"{guessed}; charset=utf-8"
        return guessed

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # The site's own 404 page, as CloudFront is configured to answer a missing key.
        page = Path(self.server.site_dir) / "404.html"
        if code == HTTPStatus.NOT_FOUND and not self._is_api() and page.is_file():
            content = page.read_bytes()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)
            return
        super().send_error(code, message, explain)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # API calls and failures are worth a console line; the site's assets are noise.
        failed = isinstance(code, int) and code >= 400
        if self._is_api() or failed:
            super().log_request(code, size)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"[http] {format % args}\n")


# --- background work --------------------------------------------------------------------------------


class OutboxPump(threading.Thread):
    """Delivers the API's outbox every second, as the scheduled DeliverOutbox Lambda does every minute on AWS."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__(name="outbox", daemon=True)
        self._halt = stop
        self._last_error = ""

    def run(self) -> None:
        from chalicelib.wiring import get_services

        while not self._halt.wait(OUTBOX_INTERVAL_SECONDS):
            try:
                get_services().deliver_outbox()
            except Exception as error:  # keep pumping: the outbox retries, the next round may succeed
                text = f"{type(error).__name__}: {error}"
                if text != self._last_error:  # once per distinct failure, not every second
                    say(f"[outbox] delivery failed, will retry: {text}")
                    self._last_error = text
            else:
                self._last_error = ""


# --- main ----------------------------------------------------------------------------------------


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    for handled in SIGNALS:
        signal.signal(handled, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
    raise _Stop(signum)


def _banner(settings: Settings, server: LayananServer, dynamodb: DynamoDBLocal, mail: MailCatcher) -> str:
    origin = f"http://127.0.0.1:{server.port}"
    lines = [
        "",
        "Layanan is running on this machine (no AWS account involved):",
        f"  Site        {origin}/",
        f"  API         {origin}/api/   (OpenAPI: {origin}/api/openapi.json)",
        f"  Mail        every message is saved in {shown(mail.folder.path)}/ (SMTP {mail.host}:{mail.port});",
        "              approval links are printed here as mail arrives",
        f"  DynamoDB    {dynamodb.endpoint}  table {os.environ['LAYANAN_TABLE']},"
        f" data in {shown(dynamodb.db_path or settings.var_dir)}/",
        f"  Officers    {shown(Path(os.environ['LAYANAN_OFFICERS_FILE']))}",
    ]
    if settings.watch:
        lines.append(f"  Watching    {shown(settings.standards)}/: edits rebuild the site, no restart needed")
    lines += ["Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


def serve(settings: Settings, cleanup: contextlib.ExitStack) -> None:
    """Start everything, registering each stop on `cleanup`, then wait for a signal."""
    for path in CODE_PATHS:  # `python -m infra.local.serve` without the Makefile's PYTHONPATH works too
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    cleanup.enter_context(exclusive_lock(settings.var_dir))

    # Bind the port first: a taken port fails fast, before java starts, and port 0 learns its number.
    try:
        server = LayananServer(settings.port, settings.site_dir)
    except OSError as error:
        taken = f"cannot listen on 127.0.0.1:{settings.port} ({error.strerror})"
        raise ServeError(f"{taken}: try PORT=8001 make serve") from None
    cleanup.callback(server.server_close)

    dynamodb = DynamoDBLocal(db_path=settings.var_dir / "dynamodb", log_path=settings.var_dir / "log" / "dynamodb.log")
    cleanup.callback(dynamodb.stop)
    dynamodb.start()
    mail = MailCatcher(settings.var_dir / "mail").start()
    cleanup.callback(mail.stop)

    configure_environment(
        base_url=f"http://127.0.0.1:{server.port}",
        dynamodb_endpoint=dynamodb.endpoint,
        smtp_port=mail.port,
        standards=settings.standards,
        secret=load_or_create_secret(settings.var_dir / "secret"),
    )
    app = load_app()
    import boto3
    from chalicelib.storage.table import ensure_table

    ensure_table(boto3.client("dynamodb", endpoint_url=dynamodb.endpoint), os.environ["LAYANAN_TABLE"])
    check_api_configuration()

    say(f"Building the site from {shown(settings.standards)}/ into {shown(settings.site_dir)}/ ...")
    try:
        say(f"Site built in {build_site(settings.standards, settings.site_dir):.1f} s.")
    except SiteBuildError as error:
        raise ServeError(f"the site does not build; fix the standards and start again:\n{error}") from None

    stop = threading.Event()

    def rebuild() -> None:
        say("[watch] standards changed: rebuilding the site ...")
        try:
            seconds = build_site(settings.standards, settings.site_dir, before_swap=refresh_api_catalogue)
        except SiteBuildError as error:
            say(f"[watch] the site did not build; still serving the previous one:\n{error}")
            return
        say(f"[watch] site rebuilt in {seconds:.1f} s: reload the page.")

    server.api = ApiGateway(app)
    http = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    workers: list[threading.Thread] = [OutboxPump(stop)]
    if settings.watch:
        workers.append(Watcher(settings.standards, rebuild, stop))

    def stop_threads() -> None:
        # First of the stops (ExitStack runs them last-in first-out): threads end, then the services.
        stop.set()
        if http.is_alive():  # shutdown() waits for serve_forever forever if it never ran
            server.shutdown()
        for worker in workers:
            if worker.is_alive():
                worker.join(timeout=10)

    cleanup.callback(stop_threads)
    for thread in (http, *workers):
        thread.start()

    say(_banner(settings, server, dynamodb, mail))
    while True:
        time.sleep(3600)  # signals interrupt the sleep by raising _Stop


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    for handled in SIGNALS:
        signal.signal(handled, _raise_stop)
    try:
        with contextlib.ExitStack() as cleanup:
            serve(settings, cleanup)
    except _Stop:
        say("Stopped: the site, the API, the mail catcher and DynamoDB Local are down.")
        return 0
    except (ServeError, DynamoDBLocalError) as error:
        print(f"make serve: {error}", file=sys.stderr, flush=True)
        return 1
    return 0  # pragma: no cover - serve() only returns by a signal or an error


if __name__ == "__main__":
    sys.exit(main())
