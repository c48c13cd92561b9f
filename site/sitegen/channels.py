"""Complaint channels as links a phone can act on: tel:, mailto:, WhatsApp, Telegram, the web."""

from __future__ import annotations

from chalicelib.schema import Channel
from sitegen.quality import channel_problem, phone_digits


def international(digits: str) -> str:
    """'082158948200' -> '6282158948200' (the form wa.me and tel: links need)."""
    return "62" + digits[1:]


def channel_href(channel: Channel) -> str | None:
    """The link for a channel, or None when its value cannot be linked (it is then shown as text)."""
    if channel_problem(channel) is not None:
        return None
    value = channel.value.strip()
    digits = phone_digits(value)
    if channel.type == "email":
        return f"mailto:{value}"
    if channel.type == "phone" and digits:
        return f"tel:+{international(digits)}"
    if channel.type == "whatsapp" and digits:
        return f"https://wa.me/{international(digits)}"
    if channel.type == "telegram" and digits:
        return f"https://t.me/+{international(digits)}"
    if channel.type in ("website", "social") and value.startswith(("http://", "https://")):
        return value
    # A bare social handle names no network we could link to; postal, box, in person and app are text.
    return None
