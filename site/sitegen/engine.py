"""mkdocs' build, in stages this module holds (issue 15): the same pages as `mkdocs build --strict`, faster.

mkdocs.commands.build.build does four things in one call: read the config and the theme, gather the files and
the navigation, turn every page's Markdown into HTML, and put every page through the theme's templates. Here
the first two are done once and kept (`Engine`), so that:

- the last two can run per page on both cores (`build(workers=2)` forks after the shared state is ready;
  each worker renders and writes its share of the pages and sends back what the parent needs: the search
  entries, the anchors for link validation, and the warnings);
- a page's Markdown converted once is not converted again while neither it nor the generator changes
  (`RenderCache`, keyed by the generator's version, the configuration and the page's own Markdown);
- `make serve` rebuilds only the pages an edit changed (`rebuild_pages`), into a folder of its own, with the
  configuration, the theme's template environment and the navigation of the last build.
- a page whose HTML the generator can write without its Markdown (`direct`: sitegen/direct.py, the service
  pages) is not converted at all: its content, table of contents, title and anchors are set as Page.render
  would have set them, when the page's file is still the text the generator wrote;
- a page outside the navigation is not put through the theme's template when two pages of its kind were
  (`Skeletons`: sitegen/skeleton.py fills in the kind's template output with the page's own values);
- generated pages can be held in memory as mkdocs files (`pages`, File.generated) instead of written to the
  docs folder only to be read again.

Output is byte for byte the output of mkdocs' own build (tests/site/test_engine.py compares them).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from mkdocs import utils
from mkdocs.commands.build import _build_extra_template, _build_theme_template, get_context
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

from sitegen.parallel import forked_map
from sitegen.skeleton import Skeletons

SEARCH_PLUGIN = "material/search"
# Below this many pages, starting workers costs more than it saves.
PARALLEL_FROM_PAGES = 64
KEEP_UNUSED_DAYS = 14


class EngineError(Exception):
    """mkdocs refused the site: in strict mode every warning is an error. The message lists them."""


def generator_version() -> str:
    """Our own code and the versions of what renders Markdown: a change to any of them renews every page."""
    import markdown
    import material
    import mkdocs

    digest = hashlib.sha256()
    for name in (mkdocs.__version__, markdown.__version__, material.__version__):
        digest.update(name.encode() + b"\0")
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


@dataclass
class Rendered:
    """What mkdocs' Page.render leaves on a page: all that the templates and the link checks read."""

    content: str
    toc: Any
    title: str | None
    anchors: set[str]
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri

    @classmethod
    def of(cls, page: Page) -> Rendered:
        links = page.links_to_anchors
        return cls(
            content=page.content or "",
            toc=page.toc,
            title=page._title_from_render,
            anchors=set(page.present_anchor_ids or ()),
            links_to_anchors=None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        )

    def apply(self, page: Page, files: Files) -> None:
        page.content = self.content
        page.toc = self.toc
        page._title_from_render = self.title
        page.present_anchor_ids = set(self.anchors)
        page.links_to_anchors = _links_by_file(self.links_to_anchors, files)


def _links_by_file(links: dict[str, dict[str, str]] | None, files: Files) -> dict[File, dict[str, str]] | None:
    if links is None:
        return None
    found = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}
    return {file: anchors for file, anchors in found.items() if file is not None}


@dataclass
class WrittenPage:
    """A page as written into the site, with what the link checks read: kept when no plugin watches pages."""

    html: bytes
    anchors: set[str]
    links_to_anchors: dict[str, dict[str, str]] | None


_Cached = TypeVar("_Cached", Rendered, WrittenPage)
# A page's HTML made without its Markdown (sitegen.direct), from its docs path and its file's text; None: the
# page's Markdown is rendered as mkdocs renders it.
DirectRenderer = Callable[[str, str], Rendered | None]


class RenderCache:
    """Rendered pages on disk, one file per (generator version, configuration, page, Markdown)."""

    def __init__(self, folder: Path | None, salt: str) -> None:
        self._folder = folder
        self._salt = salt
        self.hits = 0
        self.misses = 0

    def key(self, src_uri: str, markdown: str) -> str:
        digest = hashlib.sha256(self._salt.encode())
        digest.update(b"\0" + src_uri.encode() + b"\0" + markdown.encode())
        return digest.hexdigest()

    def _path(self, key: str) -> Path | None:
        return None if self._folder is None else self._folder / key[:2] / f"{key}.pickle"

    def get(self, key: str, kind: type[_Cached]) -> _Cached | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            found = pickle.loads(path.read_bytes())  # our own cache, written by put() below
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            self.misses += 1
            return None
        if not isinstance(found, kind):
            self.misses += 1
            return None
        self.hits += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # used: kept by prune_unused()
        return found

    def prune_unused(self, days: float = KEEP_UNUSED_DAYS) -> None:
        """Forget pages no build has used for `days` (every edit and every new generator adds entries)."""
        if self._folder is None or not self._folder.is_dir():
            return
        limit = time.time() - days * 86400
        for entry in self._folder.glob("*/*.pickle"):
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < limit:
                    entry.unlink()

    def put(self, key: str, rendered: Rendered | WrittenPage) -> None:
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole then renamed: a build stopped half-way, or a worker beside it, never leaves half a file.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            handle.write(pickle.dumps(rendered, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, path)


def _stable(value: Any) -> Any:
    """A value whose repr is the same in every process (sets are ordered by hashes that vary per process)."""
    if isinstance(value, dict):
        return sorted((str(key), _stable(item)) for key, item in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_stable(item)) for item in value)
    if isinstance(value, (list, tuple)):
        return [_stable(item) for item in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collecting() -> Iterator[_Collect]:
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        yield collect
    finally:
        logger.removeHandler(collect)


@dataclass
class _PageResult:
    src_uri: str
    anchors: set[str]
    links_to_anchors: dict[str, dict[str, str]] | None
    search_entries: list[dict[str, Any]]


@dataclass
class _ShareResult:
    pages: list[_PageResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hits: int = 0
    misses: int = 0


class Engine:
    """One site's mkdocs state: configuration, files, navigation and the theme's templates, kept between builds."""

    def __init__(
        self,
        config_path: Path,
        cache_dir: Path | None = None,
        direct: DirectRenderer | None = None,
        reserved_segments: Sequence[str] = (),
        skeleton_pages: bool = True,
        pages: Mapping[str, str] | None = None,
    ) -> None:
        """`reserved_segments`: the first folders of what the templates link to besides the navigation and
        the static files (written after the build, as a search index); `skeleton_pages`: False renders every
        page through the theme's template (sitegen/skeleton.py is the shortcut); `pages`: Markdown pages by
        their paths in the docs, held in memory as if they were files there (File.generated: thousands of
        files written only to be read again cost more than rendering them, on a busy disk)."""
        self._pages = pages or {}
        self._config_path = config_path
        self._cache_dir = cache_dir
        self._direct = direct
        self._reserved_segments = reserved_segments
        self._skeleton_pages = skeleton_pages
        self._skeletons: Skeletons | None = None
        self.config: MkDocsConfig | Any = None
        self.files: Files | None = None
        self.doc_files: Sequence[File] = ()  # the pages, listed once: the templates get them on every page
        self.nav: Navigation | None = None
        self.env: Any = None
        self.cache = RenderCache(None, "")

    # -- the whole site ---------------------------------------------------------------------------------

    def build(self, workers: int = 1) -> None:
        """Build the whole site into the configuration's site_dir. Raises EngineError on any warning."""
        with _collecting() as collect:
            try:
                self.config = load_config(str(self._config_path), strict=True)
                self._build(workers, collect)
            except EngineError:
                raise
            except Exception as error:
                if self.config is not None:
                    self.config.plugins.on_build_error(error=error)
                raise EngineError("\n".join([str(error), *collect.messages])) from error
            if collect.messages:
                raise EngineError("\n".join(collect.messages))

    def _build(self, workers: int, collect: _Collect) -> None:
        config = self.config.plugins.on_config(self.config)
        self.config = config
        config.plugins.on_pre_build(config=config)
        if config.plugins:  # a plugin may write files of its own: start from an empty folder, as mkdocs does
            utils.clean_directory(config.site_dir)
        files = get_files(config)
        for src_uri, markdown in self._pages.items():
            files.append(File.generated(config, src_uri, content=markdown))
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        self.files, self.nav = files, nav
        doc_files = self.doc_files = files.documentation_pages()
        self.cache = RenderCache(self._cache_dir, self._cache_salt())
        for file in doc_files:
            if file.page is None:
                Page(None, file, config)
        # The pages in the navigation first, here: their titles and neighbours appear on every other page.
        in_nav = {page.file.src_uri for page in nav.pages}
        for file in doc_files:
            if file.src_uri in in_nav:
                assert file.page is not None
                self._populate(file.page)
        self.env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files()
        for template in config.theme.static_templates:
            _build_theme_template(template, self.env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
        self._skeletons = self._new_skeletons()
        results = self._render_all([file.src_uri for file in doc_files], workers)
        for result in results:
            collect.messages.extend(result.warnings)
            self.cache.hits += result.hits
            self.cache.misses += result.misses
        self._take_results([page for result in results for page in result.pages])
        self._validate_anchors()
        config.plugins.on_post_build(config=config)
        self.cache.prune_unused()
        if not config.plugins:  # what an earlier build left and this one did not write (cheaper than emptying it)
            written = {file.dest_uri for file in files} | set(config.theme.static_templates) | {"sitemap.xml.gz"}
            prune(Path(config.site_dir), written | set(config.extra_templates))

    def _cache_salt(self) -> str:
        """What a page's HTML depends on besides its Markdown: the generator, the Markdown settings, and which
        pages exist (a link to a page is rewritten to its address, or warned about when it is missing)."""
        if self._cache_dir is None:
            return ""
        config = self.config
        digest = hashlib.sha256(generator_version().encode())
        settings = (config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"])
        digest.update(repr(settings).encode())
        digest.update(repr(config["validation"]).encode())
        for file in self.doc_files:
            digest.update(file.src_uri.encode() + b"\0")
        # What the theme's templates read besides the page: the configuration and the templates themselves.
        keys = ("site_name", "site_url", "site_description", "copyright", "nav", "extra", "extra_css", "repo_url")
        digest.update(repr([(key, _stable(config[key])) for key in keys]).encode())
        digest.update(repr([str(script) for script in config["extra_javascript"]]).encode())
        digest.update(repr(_stable(dict(config.theme.items()))).encode())
        for folder in config.theme.dirs:
            for template in sorted(Path(folder).rglob("*.html")):
                digest.update(str(template).encode() + b"\0" + template.read_bytes())
        return digest.hexdigest()

    def _render_all(self, src_uris: list[str], workers: int) -> list[_ShareResult]:
        if workers <= 1 or len(src_uris) < PARALLEL_FROM_PAGES:
            return [self._render_share(src_uris, Path(self.config.site_dir))]
        # Interleaved shares: the big pages (agencies, the A–Z list) do not all fall to one worker.
        shares = [src_uris[i::workers] for i in range(workers)]
        site = Path(self.config.site_dir)
        return forked_map(lambda share: self._render_share(share, site), shares, workers)

    def _render_share(self, src_uris: Sequence[str], dest: Path) -> _ShareResult:
        assert self.files is not None
        result = _ShareResult()
        search = self._search_index()
        hits, misses = self.cache.hits, self.cache.misses
        whole_pages = self._cache_dir is not None and not self.config.plugins  # a plugin may watch each page
        with _collecting() as collect:
            for src_uri in src_uris:
                file = self.files.get_file_from_path(src_uri)
                assert file is not None and file.page is not None
                page = file.page
                key = ""
                if whole_pages:
                    key = self.cache.key(f"page\0{src_uri}", file.content_string)
                    written = self.cache.get(key, WrittenPage)
                    if written is not None:
                        utils.write_file(written.html, str(dest / file.dest_uri))
                        result.pages.append(_PageResult(src_uri, written.anchors, written.links_to_anchors, []))
                        continue
                before = len(search.entries) if search is not None else 0
                warned = len(collect.messages)
                if page.content is None:
                    self._populate(page)
                html = self._write(page, dest)
                entries = search.entries[before:] if search is not None else []
                anchors, links = set(page.present_anchor_ids or ()), Rendered.of(page).links_to_anchors
                result.pages.append(_PageResult(src_uri, anchors, links, entries))
                if key and len(collect.messages) == warned:
                    self.cache.put(key, WrittenPage(html, anchors, links))
        result.warnings = collect.messages
        result.hits, result.misses = self.cache.hits - hits, self.cache.misses - misses
        return result

    def _take_results(self, pages: list[_PageResult]) -> None:
        """The workers' share of the state back in this process, in the site's page order."""
        assert self.files is not None
        by_uri = {page.src_uri: page for page in pages}
        search = self._search_index()
        if search is not None:
            search.entries = []
        for file in self.doc_files:
            found = by_uri.get(file.src_uri)
            if found is None or file.page is None:
                continue
            file.page.present_anchor_ids = found.anchors
            file.page.links_to_anchors = _links_by_file(found.links_to_anchors, self.files)
            if search is not None:
                search.entries.extend(found.search_entries)

    def _validate_anchors(self) -> None:
        assert self.files is not None
        level = self.config.validation.links.anchors
        for file in self.doc_files:
            if file.page is not None:
                file.page.validate_anchor_links(files=self.files, log_level=level)

    # -- one page -----------------------------------------------------------------------------------------

    def _populate(self, page: Page) -> None:
        """mkdocs' _populate_page, with the Markdown conversion taken from the cache when it is there."""
        config, files = self.config, self.files
        assert files is not None
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
            direct = None if self._direct is None else self._direct(page.file.src_uri, page.file.content_string)
            key = "" if direct is not None else self.cache.key(page.file.src_uri, page.markdown)
            cached = direct or self.cache.get(key, Rendered)
            if cached is not None:
                cached.apply(page, files)
            else:
                with _collecting() as collect:
                    page.render(config, files)
                if not collect.messages:  # a page that warned is rendered again, and warns again, next time
                    self.cache.put(key, Rendered.of(page))
            assert page.content is not None
            page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
        except Exception as error:
            logging.getLogger("mkdocs").error(f"Error reading page '{page.file.src_uri}': {error}")
            raise
        finally:
            config._current_page = None

    def _write(self, page: Page, dest: Path) -> bytes:
        """mkdocs' _build_page, writing under `dest` (the site, or the folder of a partial rebuild)."""
        try:
            output = self._skeletons.render(page) if self._skeletons else self._output(page)
            html = output.encode("utf-8", errors="xmlcharrefreplace")
            if output.strip():
                utils.write_file(html, str(dest / page.file.dest_uri))
            return html
        except Exception as error:
            logging.getLogger("mkdocs").error(f"Error building page '{page.file.src_uri}': {error}")
            raise

    def _output(self, page: Page) -> str:
        """The page through the theme's template, as mkdocs renders it."""
        config, nav = self.config, self.nav
        assert nav is not None
        config._current_page = page
        page.active = True
        try:
            context = get_context(nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output: str = template.render(context)
            return config.plugins.on_post_page(output, page=page, config=config)
        finally:
            page.active = False
            config._current_page = None

    def _new_skeletons(self) -> Skeletons | None:
        """The theme's template filled in per kind of page (sitegen/skeleton.py), when no plugin watches pages."""
        if self.config.plugins or not self._skeleton_pages:
            return None
        assert self.files is not None and self.nav is not None
        segments = {file.url.split("/", 1)[0] for file in self.files if not file.is_documentation_page()}
        segments |= {page.url.split("/", 1)[0] for page in self.nav.pages}
        return Skeletons(self._output, segments | set(self._reserved_segments))

    def _search_index(self) -> Any:
        plugin = self.config.plugins.get(SEARCH_PLUGIN)
        if plugin is None or not plugin.config.enabled:
            return None
        return plugin.search_index

    # -- some pages again ---------------------------------------------------------------------------------

    def rebuild_pages(self, sources: Mapping[str, str], dest: Path) -> list[Path]:
        """Render these pages again from their new Markdown (by their paths in the docs) into `dest`, with the
        search index, after a build.

        Returns the files written, relative to `dest`. On a warning or an error nothing is kept: the pages'
        Markdown and state and the search entries are as before, and EngineError says why."""
        assert self.files is not None
        pages: list[Page] = []
        for src_uri in sources:
            file = self.files.get_file_from_path(src_uri)
            if file is None or file.page is None:
                raise EngineError(f"{src_uri}: not a page of the last build")
            pages.append(file.page)
        search = self._search_index()
        entries_before = list(search.entries) if search is not None else []
        saved = {
            page.file.src_uri: (Rendered.of(page), page.markdown, page.meta, page.file.content_string) for page in pages
        }
        for page in pages:
            page.file.content_string = sources[page.file.src_uri]
        site_dir = self.config.site_dir
        try:
            with _collecting() as collect:
                urls = {page.url for page in pages}
                if search is not None:
                    search.entries = [e for e in search.entries if e["location"].split("#")[0] not in urls]
                for page in pages:
                    page.content = None
                    self._populate(page)
                    self._write(page, dest)
                self._validate_anchors()
                self.config["site_dir"] = str(dest)  # where on_post_build writes the search index
                self.config.plugins.on_post_build(config=self.config)
            if collect.messages:
                raise EngineError("\n".join(collect.messages))
        except Exception as error:
            for page in pages:
                rendered, markdown, meta, source = saved[page.file.src_uri]
                rendered.apply(page, self.files)
                page.markdown, page.meta, page.file.content_string = markdown, meta, source
            if search is not None:
                search.entries = entries_before
            if isinstance(error, EngineError):
                raise
            raise EngineError(str(error)) from error
        finally:
            self.config["site_dir"] = site_dir
        return sorted(path.relative_to(dest) for path in dest.rglob("*") if path.is_file())


def prune(folder: Path, keep: set[str]) -> None:
    """Remove every file under `folder` whose path relative to it is not in `keep`, then the empty folders."""
    for parent, _, names in os.walk(folder, topdown=False):
        relative = Path(parent).relative_to(folder)
        for name in names:
            if (relative / name).as_posix() not in keep:
                os.unlink(os.path.join(parent, name))
        if parent != str(folder) and not os.listdir(parent):
            os.rmdir(parent)
