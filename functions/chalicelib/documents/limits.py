"""How long links live and how much of a file the API reads: the limits the issue sets, in one place."""

from __future__ import annotations

UPLOAD_FORM_SECONDS = 15 * 60  # a presigned POST lives at most 15 minutes
DOWNLOAD_LINK_SECONDS = 5 * 60  # an officer's presigned GET lives at most 5 minutes, made when the page is shown
SNIFF_BYTES = 64 * 1024  # the one ranged GET reads this much: the magic bytes, and the whole of a small PDF
DRAFT_PREFIX = "drafts/"  # every upload lives under drafts/<draft id>/ until the application is sent
SENT_PREFIX = "sent/"  # a sent application's files, copied out of drafts/ (whose lifecycle deletes after a day)
