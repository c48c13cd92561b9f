"""Instants as stored and exchanged: fixed-width UTC text that sorts like time, and epoch seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(moment: datetime) -> str:
    """UTC, fixed width: strings that sort and compare like the instants they name."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())
