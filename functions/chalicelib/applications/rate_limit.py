"""Who the client is, and how many applications one client may submit per window.

The count is kept in the table, inside the submission's own transaction (storage.py): a submission is
stored and counted together, or neither. Windows are fixed (aligned to multiples of the window length),
so a client may fit up to twice the limit around a window's edge: enough to stop a flood, simple to reason
about. Only an HMAC of the client's address is stored, never the address. An IPv6 client is counted by its
/64 (one subscriber's network, in which it may pick any address); an IPv4 one by its address.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime

DEFAULT_LIMIT = 10
DEFAULT_WINDOW_SECONDS = 600


class RateLimitedError(Exception):
    """The client's window is full: nothing was stored. `retry_after` seconds until it ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limit reached; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class RateCharge:
    """One more submission from `client_hash` in the window starting at `window_start` (epoch seconds)."""

    client_hash: str
    window_start: int
    window_end: int  # epoch seconds: the counter's TTL
    limit: int
    retry_after: int  # seconds from now until the window ends


@dataclass(frozen=True)
class RateLimit:
    limit: int = DEFAULT_LIMIT  # submissions per client per window; 0: no limit
    window_seconds: int = DEFAULT_WINDOW_SECONDS

    def charge(self, secret: bytes, client_ip: str, now: datetime) -> RateCharge | None:
        """What the submission's transaction must count, or None when limiting is off."""
        if self.limit <= 0:
            return None
        instant = now.astimezone(UTC).timestamp()
        start = int(instant // self.window_seconds) * self.window_seconds
        end = start + self.window_seconds
        return RateCharge(
            client_hash=client_hash(secret, counted_address(client_ip)),
            window_start=start,
            window_end=end,
            limit=self.limit,
            retry_after=max(1, math.ceil(end - instant)),
        )


def counted_address(client_ip: str) -> str:
    """What one client is, for counting: an IPv6 address's /64, else the address as given."""
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return client_ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_hash(secret: bytes, client_ip: str) -> str:
    """Recognises a returning address without storing it (nor letting a table reader test guesses)."""
    return hmac.new(secret, f"rate\0{client_ip}".encode(), hashlib.sha256).hexdigest()
