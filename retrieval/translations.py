"""Translated copies of pages in a docs folder (`guide.pl.rst` beside `guide.rst`,
`index.fr.md` beside `index.md`, mkdocs-static-i18n's `docs/fr/…`).

Indexed with the original, a translation answers the same questions a second time, in a
language the asker did not use (slixmpp's Polish plugin guide quoted after the English one).
By default (CITEBOT_TRANSLATIONS=skip) such a copy is left out, listed with its original; `index`
reads every file as before.

A file is a translation only when its original is there too, and only by a real language code:
`name.<code>.<ext>` (optionally `name.pt-BR.ext`, `name.zh_Hant.ext`) with `name.<ext>` (or,
for mkdocs-static-i18n's suffix layout, `name.<default language>.<ext>`) in the same folder; a
folder `<code>/` of the languages an i18n plugin config lists, mirroring the default language's
pages. `setup.py.rst`, `v1.2.md`, `release.1.0.md` are not translations (no language code), nor
is `io/index.md` beside `index.md` without a site config naming `io` a language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.sitenav import SiteConfig

TRANSLATION = "a translation of "  # the reason a translated page is skipped starts so

# ISO 639-1, every two-letter language code (the 183 of the standard; written out because no
# dependency of the project ships the list)
LANGUAGES = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia
id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo
lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl
ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk
tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())

# `guide.pl.rst`, `index.pt-BR.md`, `index.zh_Hant.md`: stem, language, region/script, suffix
_SUFFIXED = re.compile(
    r"(?P<stem>.+)\.(?P<lang>[a-z]{2})(?:[-_](?:[A-Za-z]{2}|[0-9]{3}|[A-Z][a-z]{3}))?"
    r"(?P<ext>\.[A-Za-z0-9]+)")


def language_of(code: str) -> str | None:
    """The ISO 639-1 language of a locale code (`pt-BR` -> `pt`), None if it is none."""
    m = re.fullmatch(r"([a-z]{2})(?:[-_](?:[A-Za-z]{2}|[0-9]{3}|[A-Z][a-z]{3}))?", code)
    return m.group(1) if m and m.group(1) in LANGUAGES else None


def translated_pages(rels: Iterable[str], site: SiteConfig | None = None) -> dict[str, str]:
    """Each translated page among `rels` (paths in the docs folder, `/`-separated) -> its
    original's path."""
    names = set(rels)
    site = site or SiteConfig()
    default = site.default_language
    out: dict[str, str] = {}
    for rel in sorted(names):
        folder, _, name = rel.rpartition("/")
        m = _SUFFIXED.fullmatch(name)
        if m and language_of(name[len(m.group("stem")) + 1 : -len(m.group("ext"))]):
            lang = name[len(m.group("stem")) + 1 : -len(m.group("ext"))]
            base = (folder + "/" if folder else "") + m.group("stem")
            for original in (base + m.group("ext"),
                             f"{base}.{default}{m.group('ext')}" if default else ""):
                if original and original != rel and original in names and lang != default:
                    out[rel] = original
                    break
            if rel in out:
                continue
        in_folder = _folder_original(rel, names, site)
        if in_folder:
            out[rel] = in_folder
    return out


def _folder_original(rel: str, names: set[str], site: SiteConfig) -> str | None:
    """mkdocs-static-i18n's folder layout: `fr/guide.md` (under the site's docs folder) is
    the translation of `en/guide.md` (the default language's folder) or of `guide.md`, when
    the site config lists `fr` among its languages."""
    if not site.languages or not site.default_language or site.docs_prefix is None:
        return None
    prefix = site.docs_prefix + "/" if site.docs_prefix else ""
    if not rel.startswith(prefix):
        return None
    first, _, rest = rel[len(prefix):].partition("/")
    if not rest or first == site.default_language or first not in site.languages:
        return None
    for original in (f"{prefix}{site.default_language}/{rest}", f"{prefix}{rest}"):
        if original in names:
            return original
    return None
