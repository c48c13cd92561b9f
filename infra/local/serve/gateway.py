"""The Chalice app under /api, run in this process by chalice's own LocalGateway (the engine of `chalice local`)."""

from __future__ import annotations

import base64
import importlib
from typing import TYPE_CHECKING, Any

from infra.local.serve.errors import ServeError

if TYPE_CHECKING:
    from chalice.app import Chalice

API_PREFIX = "/api"


class ApiGateway:
    """The Chalice app behind chalice's LocalGateway, thread-safe.

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
        """One request, as API Gateway would pass it on: status, headers and body of the app's answer."""
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
    """Import functions/app.py only now: its wiring reads the env vars configure_environment() set."""
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


def pass_on_waiting_steps() -> list[str]:
    """At start, after an edit of the officer directory (LAYANAN_OFFICERS_FILE, read once per start): the steps
    waiting on an officer no longer listed are mailed to the role's current officers, as `make officers` does on
    AWS (chalicelib/officers/handover.py). Starting again with the same file sends nothing. What was done, as
    lines for the console."""
    from chalicelib.officers.handover import HandoverService
    from chalicelib.wiring import get_services

    services = get_services()
    handover = HandoverService(
        services.store,
        services.directory,
        services.clock,
        services.nonces,
        services.secret,
        services.settings.token_ttl_days,
    )
    report = handover.run()
    lines = [
        f"{h.reference} step {h.step}: {', '.join(h.removed)} left {h.role_id}; new links queued for "
        f"{', '.join(h.recipients)}"
        for h in report.handed_over
    ]
    lines += [f"{reference}: nobody is listed for {role}; its step waits" for reference, role in report.unstaffed]
    return lines


def refresh_api_catalogue() -> None:
    """After a standards edit, make the API re-read the catalogue (forms, fields, approval chains)."""
    from chalicelib import wiring

    wiring.reset()
