"""What a docs site's own configuration says about its pages: the titles its navigation gives
them (mkdocs.yml `nav:`) and the languages it is written in (the mkdocs-static-i18n plugin).

Many Markdown pages have no `#` title: the site names them in `mkdocs.yml`
(`- "x <= snapshot()": cmp_snapshot.md`), and without it a citation shows a title made from the
file name ("Cmp snapshot"). The config is found in the indexed folder or above it (mkdocs.yml
usually sits beside `docs/`), and used only when its `docs_dir` is that folder, holds it or
lies inside it. It is read with PyYAML's safe loader, every tag it does not know (mkdocs's
`!ENV`, `!relative`, `!!python/name:…`) read as nothing: a tag never runs code and never stops
the config from being read. A config that is not YAML is ignored with a log line.

A nav title is used only for a page without a title of its own (retrieval.loaders): its `#`
heading or front-matter title is what a reader sees on the page. Nav sections are not added to
a quote's section path (that is the headings above the quote in its page, and what the context
rerank embeds): a nav title that says nothing alone ("Overview") is read with its section
("Hooks › Overview"), and a bare `hooks/index.md` in a section is titled by the section, as
mkdocs-material's section index pages are.
"""

from __future__ import annotations

import logging
import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from retrieval.display import clean_field
from retrieval.loaders import LoadError, decode_text, read_bytes, says_nothing

log = logging.getLogger(__name__)

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
# the docs folder and this many folders above it are looked in (`docs/src/markdown` is three
# below its mkdocs.yml)
LEVELS_UP = 3
MAX_CONFIG_BYTES = 1_000_000
# nav entries read at most: YAML aliases can make a small file a huge tree to walk
MAX_ENTRIES = 20_000
_INDEX_NAMES = ("index.md", "readme.md", "index.markdown", "readme.markdown")


@dataclass(frozen=True)
class SiteConfig:
    """What the site config says about the indexed folder's pages. `titles`: page path
    (relative to the indexed folder) -> its nav title; `languages`: the i18n plugin's
    locales, `default_language` its default one; `config`: where it was read, for messages."""

    config: str = ""
    titles: dict[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ()
    default_language: str = ""
    # the site's docs_dir inside the indexed folder ("" when it is that folder; None when the
    # indexed folder is only a part of the docs_dir)
    docs_prefix: str | None = ""
    # the folder markdown-include / mdx_include resolve `{! path !}` against (`base_path`)
    include_base: Path | None = None


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with any tag it does not know read as nothing (None)."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_Loader.add_multi_constructor("", _unknown_tag)


def read_site_config(root: Path) -> SiteConfig:
    """The site config that applies to the docs folder `root` (empty if none does)."""
    root = root.resolve()
    for path in _candidates(root):
        try:
            data = read_bytes(path, MAX_CONFIG_BYTES)
            loaded = yaml.load(decode_text(data)[0], Loader=_Loader)  # noqa: S506 (safe loader)
        except (LoadError, OSError) as e:
            log.warning("%s: not read (%s); page titles from its nav are not used", path, e)
            return SiteConfig()
        except (yaml.YAMLError, RecursionError, ValueError) as e:
            where = getattr(e, "problem_mark", None)
            at = f" at line {where.line + 1}" if where is not None else ""
            log.warning("%s: not valid YAML%s; page titles from its nav are not used", path, at)
            return SiteConfig()
        if not isinstance(loaded, dict):
            log.warning("%s: not a mapping of settings; page titles from its nav are not used",
                        path)
            return SiteConfig()
        docs_dir = _docs_dir(path.parent, loaded.get("docs_dir"))
        if docs_dir is None:
            continue
        if docs_dir == root or _inside(root, docs_dir):  # indexing docs/ or a folder in it
            prefix = root.relative_to(docs_dir).as_posix() if docs_dir != root else ""
            into = ""
        elif _inside(docs_dir, root):  # indexing the project, docs/ in it
            prefix, into = "", docs_dir.relative_to(root).as_posix()
        else:
            continue  # another site's config (docs_dir elsewhere)
        titles: dict[str, str] = {}
        for page, title in _nav_titles(loaded.get("nav")):
            rel = _rel(page, prefix, into)
            if rel is not None:
                titles.setdefault(rel, title)  # a page listed twice: its first place
        languages, default = _i18n(loaded.get("plugins"))
        shown = os.path.relpath(path, root).replace(os.sep, "/")
        return SiteConfig(shown, titles, languages, default, None if prefix else into,
                          _include_base(path.parent, loaded.get("markdown_extensions")))
    return SiteConfig()


def _candidates(root: Path) -> Iterator[Path]:
    folder = root
    for _ in range(LEVELS_UP + 1):
        for name in CONFIG_NAMES:
            path = folder / name
            try:
                found = path.is_file()
            except OSError:  # a folder above that may not be looked into
                found = False
            if found:
                yield path
                break
        if folder.parent == folder:
            return
        folder = folder.parent


def _docs_dir(config_dir: Path, value: Any) -> Path | None:
    if value is None:
        value = "docs"
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return (config_dir / value.strip()).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


def _inside(path: Path, folder: Path) -> bool:
    return path != folder and path.is_relative_to(folder)


def _rel(page: str, prefix: str, into: str) -> str | None:
    """A nav path (relative to docs_dir) as a path in the indexed folder, or None if the page
    is outside it."""
    page = posixpath.normpath(page.strip().lstrip("/"))
    if page.startswith("../") or page in (".", ".."):
        return None
    if prefix:
        if not page.startswith(prefix + "/"):
            return None
        return page[len(prefix) + 1 :]
    return f"{into}/{page}" if into else page


def _title(value: Any) -> str:
    return clean_field(str(value)) if isinstance(value, str | int | float) else ""


def _nav_titles(nav: Any) -> Iterator[tuple[str, str]]:
    """(page path, title) for each titled page of an mkdocs nav: `- Title: page.md`, nested in
    `- Section: [...]`; external links and untitled entries give nothing, but a bare section
    index page (`- hooks/index.md` in section "Hooks") is titled by its section."""
    budget = [MAX_ENTRIES]

    def walk(items: Any, sections: tuple[str, ...], depth: int) -> Iterator[tuple[str, str]]:
        if not isinstance(items, list) or depth > 20:
            return
        for item in items:
            budget[0] -= 1
            if budget[0] < 0:
                return
            if isinstance(item, str):
                if sections and posixpath.basename(item.strip()).lower() in _INDEX_NAMES:
                    yield item, sections[-1]
                continue
            if not isinstance(item, dict):
                continue
            for key, value in item.items():
                title = _title(key)
                if not title:
                    continue
                if isinstance(value, list):
                    yield from walk(value, (*sections, title), depth + 1)
                elif isinstance(value, str) and _is_page(value):
                    if says_nothing(title) and sections and not says_nothing(sections[-1]):
                        title = f"{sections[-1]} › {title}"
                    yield value.split("#", 1)[0], title

    return walk(nav, (), 0)


def _is_page(value: str) -> bool:
    """A nav target that is a file of the docs (not `https://…`, `mailto:`, an anchor)."""
    value = value.strip()
    return bool(value) and "://" not in value and not value.startswith(("#", "mailto:"))


_INCLUDE_EXTENSIONS = ("markdown_include.include", "markdown_include", "mdx_include")


def _include_base(config_dir: Path, extensions: Any) -> Path | None:
    """markdown-include's / mdx_include's `base_path` (relative to the folder mkdocs runs in,
    the config's), when the config sets one."""
    items = extensions if isinstance(extensions, list) else [extensions]
    for item in items:
        if not isinstance(item, dict):
            continue
        for name in _INCLUDE_EXTENSIONS:
            conf = item.get(name)
            base = conf.get("base_path") if isinstance(conf, dict) else None
            if isinstance(base, str) and base.strip():
                try:
                    return Path(os.path.normpath(config_dir / base.strip()))
                except (OSError, ValueError):
                    return None
    return None


def _i18n(plugins: Any) -> tuple[tuple[str, ...], str]:
    """The mkdocs-static-i18n plugin's locales and default locale, if it is configured
    (`plugins: [{i18n: {languages: [{locale: en, default: true}, {locale: fr}]}}]`; the older
    form `default_language: en`, `languages: {fr: …}`)."""
    items = plugins if isinstance(plugins, list) else [plugins] if isinstance(plugins, dict) else []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("i18n"), dict):
            continue
        conf = item["i18n"]
        locales: list[str] = []
        default = _title(conf.get("default_language"))
        langs = conf.get("languages")
        if isinstance(langs, list):
            for lang in langs:
                if isinstance(lang, dict) and _title(lang.get("locale")):
                    locales.append(_title(lang.get("locale")))
                    if lang.get("default") is True:
                        default = _title(lang.get("locale"))
        elif isinstance(langs, dict):
            locales += [_title(k) for k in langs if _title(k)]
        if default and default not in locales:
            locales.insert(0, default)
        return tuple(locales), default
    return (), ""
