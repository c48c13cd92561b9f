"""axe-core (npm, pinned in package.json) run in a page the browser tests opened: zero violations allowed.

The script is injected with Playwright's add_script_tag, so pages need not ship it; a page whose
Content-Security-Policy forbids it (the API's pages) needs a context made with bypass_csp=True.

With JavaScript off (java_script_enabled=False) the page runs no script tag and its timers never fire,
but Playwright's own evaluate still runs: axe's source is evaluated directly, after a stand-in for
setTimeout that runs the callback as a microtask (axe splits its work with setTimeout). The page is
then checked as its reader without JavaScript sees it: <noscript> content shown, nothing drawn by script.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

_TIMERS_AS_MICROTASKS = """() => {
  window.setTimeout = (callback, delay, ...args) => { Promise.resolve().then(() => callback(...args)); return 0; };
  window.clearTimeout = () => {};
}"""


def _load_axe(page: Page) -> bool:
    """Make axe available in the page; False when the page runs no script of its own."""
    if page.evaluate("() => typeof window.axe === 'object'"):
        return bool(page.evaluate("() => !window.__axeWithoutScripts"))
    tag = page.add_script_tag(path=str(AXE))
    if page.evaluate("() => typeof window.axe === 'object'"):
        return True
    tag.evaluate("element => element.remove()")  # JavaScript is off: the tag never ran
    page.evaluate(_TIMERS_AS_MICROTASKS)
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.__axeWithoutScripts = true;")
    return False


def axe_violations(page: Page) -> list[str]:
    """One line per violated rule: its id, what it asks and where (the CSS selectors of its nodes)."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `make assets` (npm ci)")
    if _load_axe(page):
        # Judge the page at rest: text still fading in (the theme's search results) is not what is read.
        page.wait_for_function("() => document.getAnimations().every(animation => animation.playState !== 'running')")
    result: dict[str, Any] = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{rule['id']}: {rule['help']} ({', '.join(' '.join(node['target']) for node in rule['nodes'])})"
        for rule in result["violations"]
    ]
