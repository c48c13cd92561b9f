"""Who the client is, by address: the proxy's header when one is configured, else API Gateway's source IP."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping


def client_ip(headers: Mapping[str, str], source_ip: str, header: str) -> str:
    """The client's address: from `header` (set by CloudFront, which overwrites what a client sends) when
    configured and well formed, else API Gateway's source address.

    CloudFront-Viewer-Address is "ip:port"; an IPv6 address comes unbracketed ("2001:db8::1:443"), so the
    port is what follows the last colon. Brackets are accepted too.
    """
    if header:
        value = str(headers.get(header.lower(), "") or headers.get(header, "") or "").strip()
        address, colon, port = value.rpartition(":")
        if colon and port.isdigit():
            address = address.removeprefix("[").removesuffix("]")
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                pass
    return source_ip
