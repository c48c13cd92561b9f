"""Complaint channels as links a phone can act on: tel:, mailto:, WhatsApp, Telegram, the web."""

from __future__ import annotations

import functools

from chalicelib.contacts.phones import normalise_phone
from chalicelib.standard.schema import Channel

from sitegen.quality import channel_problem

# A bare account name links to its network's profile page when the label names the network.
SOCIAL_PROFILES = {
    "instagram": "https://www.instagram.com/{}/",
    "facebook": "https://www.facebook.com/{}",
    "twitter": "https://x.com/{}",
    "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}",
}


def _social(channel: Channel, value: str) -> str | None:
    if value.startswith(("http://", "https://")):
        return value
    label = channel.label.casefold()
    network = next((name for name in SOCIAL_PROFILES if name in label), None)
    return SOCIAL_PROFILES[network].format(value.lstrip("@")) if network else None


@functools.lru_cache(maxsize=4096)  # the agency's channels are listed on each of its services' pages
def channel_href(channel: Channel) -> str | None:
    """The link for a channel, or None when its value cannot be linked (it is then shown as text)."""
    if channel_problem(channel) is not None:
        return None
    value = channel.value.strip()
    e164 = normalise_phone(value) if channel.type in ("phone", "whatsapp", "telegram") else None
    if channel.type == "email":
        return f"mailto:{value}"
    # A fax number is listed as a phone, but calling it reaches a machine.
    if channel.type == "phone" and e164 and "fax" not in channel.label.casefold():
        return f"tel:{e164}"
    if channel.type == "whatsapp" and e164:
        return f"https://wa.me/{e164.removeprefix('+')}"  # wa.me takes the digits without the +
    if channel.type == "telegram" and e164:
        return f"https://t.me/{e164}"
    if channel.type == "website":
        return value
    if channel.type == "social":
        return _social(channel, value)
    return None  # postal, box, in person and app are read, not followed
