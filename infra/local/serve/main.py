"""The command line: start every part in order, registering each stop, wait for a signal, stop in reverse."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from infra.local.dynamodb_local import DynamoDBLocal, DynamoDBLocalError
from infra.local.mail_catcher import MailCatcher
from infra.local.paths import CODE_PATHS, PROJECT_ROOT
from infra.local.serve.console import log_to_console, say, shown
from infra.local.serve.environment import configure_environment
from infra.local.serve.errors import ServeError
from infra.local.serve.gateway import (
    ApiGateway,
    check_api_configuration,
    load_app,
    pass_on_waiting_steps,
    refresh_api_catalogue,
)
from infra.local.serve.http_server import LayananServer
from infra.local.serve.outbox_pump import OutboxPump
from infra.local.serve.site_builder import LiveSiteBuilder, SiteBuildError
from infra.local.serve.site_headers import SiteHeadersError, site_headers
from infra.local.serve.var_folder import exclusive_lock, load_or_create_secret
from infra.local.serve.watcher import Watcher
from infra.local.uploads_server import UploadsServer

DEFAULT_PORT = 8000
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.serve", description="The whole product on this machine, on one origin."
    )
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
        "              each one is announced here with the .txt to open for its links (hidden on the console)",
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
    log_to_console()

    # Bind the port first: a taken port fails fast, before java starts, and port 0 learns its number.
    try:
        server = LayananServer(settings.port, settings.site_dir, site_headers())
    except SiteHeadersError as error:
        raise ServeError(str(error)) from None
    except OSError as error:
        taken = f"cannot listen on 127.0.0.1:{settings.port} ({error.strerror})"
        raise ServeError(f"{taken}: try PORT=8001 make serve") from None
    cleanup.callback(server.server_close)

    dynamodb = DynamoDBLocal(db_path=settings.var_dir / "dynamodb", log_path=settings.var_dir / "log" / "dynamodb.log")
    cleanup.callback(dynamodb.stop)
    dynamodb.start()
    mail = MailCatcher(settings.var_dir / "mail").start()
    cleanup.callback(mail.stop)
    # The applicants' files: a local S3 that enforces presigned POST policies; data under var/uploads.
    # The site's origin may post with a script (progress bars), as the bucket's CORS rule allows the domain.
    site_origin = f"http://127.0.0.1:{server.port}"
    uploads = UploadsServer(settings.var_dir / "uploads", secret="local", allowed_origins=(site_origin,)).start()
    cleanup.callback(uploads.stop)

    configure_environment(
        base_url=f"http://127.0.0.1:{server.port}",
        dynamodb_endpoint=dynamodb.endpoint,
        smtp_port=mail.port,
        standards=settings.standards,
        secret=load_or_create_secret(settings.var_dir / "secret"),
        uploads_endpoint=uploads.url,
    )
    app = load_app()
    import boto3
    from chalicelib.storage.table import ensure_table

    ensure_table(boto3.client("dynamodb", endpoint_url=dynamodb.endpoint), os.environ["LAYANAN_TABLE"])
    check_api_configuration()
    for line in pass_on_waiting_steps():  # the officer directory changed since the last start
        say(line)

    say(f"Building the site from {shown(settings.standards)}/ into {shown(settings.site_dir)}/ ...")
    # Kept running while watching: it holds the last build, so an edit rebuilds only the pages it changes.
    builder = LiveSiteBuilder(settings.standards, settings.site_dir)
    cleanup.callback(builder.close)
    try:
        say(f"Site built in {builder.build().seconds:.1f} s.")
    except SiteBuildError as error:
        raise ServeError(f"the site does not build; fix the standards and start again:\n{error}") from None
    if not settings.watch:
        builder.close()

    stop = threading.Event()

    def rebuild() -> None:
        say("[watch] standards changed: rebuilding the site ...")
        try:
            rebuilt = builder.build(before_swap=refresh_api_catalogue)
        except SiteBuildError as error:
            say(f"[watch] the site did not build; still serving the previous one:\n{error}")
            return
        if rebuilt.kind == "pages":
            pages = ", ".join(rebuilt.pages) or "no page changed"
            say(f"[watch] {len(rebuilt.pages)} page(s) rebuilt in {rebuilt.seconds:.1f} s ({pages}): reload the page.")
        elif rebuilt.kind == "full":
            say(f"[watch] site rebuilt in {rebuilt.seconds:.1f} s: reload the page.")
        else:
            say("[watch] no standard's content changed: nothing to rebuild.")

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
