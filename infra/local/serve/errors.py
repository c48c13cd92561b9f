"""The error serve stops on."""

from __future__ import annotations


class ServeError(RuntimeError):
    """Serve cannot start: the message says what to do."""
