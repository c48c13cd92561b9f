"""`python -m sitegen.live --standards DIR --site DIR`: the site builder `make serve` keeps running.

It holds the last good build in memory (sitegen/incremental.py) and answers one JSON line on stdout for
each line it reads on stdin (`build`, or `search` once a partial rebuild's files are in the site: Pagefind
then indexes the site again in the background, sitegen/live_search.py):

- `{"ok": true, "kind": "full", "folder": ...}`: a whole new site in `folder`, to swap in;
- `{"ok": true, "kind": "pages", "folder": ..., "files": [...], "pages": [...]}`: only these files changed,
  written under `folder`, to move into the site;
- `{"ok": true, "kind": "none"}`: nothing changed;
- `{"ok": false, "error": ...}`: the standards do not build (the checker's file:line lines); nothing changed;
- `{"ok": true, "kind": "restart"}`: the generator's own code or the theme changed since it started: it
  exits, and the caller starts a new one, which builds the whole site with the new code.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from sitegen.incremental import LiveBuildError, LiveSite
from sitegen.live_search import SearchRefresh


def answer(site: LiveSite) -> dict[str, Any]:
    if site.code_changed():
        return {"ok": True, "kind": "restart"}
    started = time.monotonic()
    try:
        update = site.update()
    except LiveBuildError as error:
        return {"ok": False, "error": str(error), "seconds": time.monotonic() - started}
    return {
        "ok": True,
        "kind": update.kind,
        "folder": str(update.folder),
        "files": list(update.files),
        "pages": list(update.pages),
        "seconds": time.monotonic() - started,
    }


def serve(site: LiveSite, requests: TextIO, replies: TextIO) -> None:
    search = SearchRefresh(site.site)
    try:
        for request in requests:
            if request.strip() == "search":  # the edited pages are in the site: index it again, in the background
                search.start()
                reply: dict[str, Any] = {"ok": True, "kind": "search"}
            else:
                # No thread of a search run alive while a whole build forks its workers; the caller asks for
                # the search again once new pages are in, and one stopped here for nothing starts again.
                interrupted = search.pending
                search.stop()
                reply = answer(site)
                if interrupted and reply.get("kind") not in ("pages", "full", "restart"):
                    search.start()
            replies.write(json.dumps(reply, ensure_ascii=False) + "\n")
            replies.flush()
            if reply.get("kind") == "restart":
                return
    finally:
        search.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitegen.live")
    parser.add_argument("--standards", type=Path, required=True)
    parser.add_argument("--site", type=Path, required=True)
    args = parser.parse_args(argv)
    # The replies go to the real stdout; anything else printed goes to stderr and cannot garble them.
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr
    logging.getLogger("mkdocs").propagate = False  # the engine collects mkdocs' warnings into the replies
    serve(LiveSite(args.standards.resolve(), args.site.resolve()), sys.stdin, replies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
