"""Release notes in the chunk pool: a project's changelog page (title "Changelog", "Change
log", "Changes", "Release notes", "History", "News", "What's new", maybe after the project's
name or before a version; a file named CHANGES / changelog / HISTORY / NEWS / release-notes,
or any page under a folder so named) lists one line per change ("Close connections after use
(#2724)", "Add capability for global laziness") and often repeats whole sections of the guides
it announces.
Its entries share the question's words with the page that explains the feature, so a long
changelog took most of the few chunks quotes are chosen from (quoter.POOL_CHUNKS) and the
guide never got a look: a user trial on an API wrapper's docs (a 2,300-line changelog beside
20 short guide pages) lost two of 29 questions from its first three quotes that way. Unless
the question asks about versions or changes, at most MAX_IN_POOL release-notes chunks enter
the pool; the next best chunks of the other pages take the other places. Scores are not
touched (a chunk keeps its fused rank), so a changelog entry still answers when it is the
best evidence. A running "What's new" page is release notes; "What's New in Python 3.11" (one
release, each change explained in prose) is not."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from retrieval.corpus import ChunkRecord, CorpusView

MAX_IN_POOL = 2

_VERSION = r"(?:\s*\(?v?\d+(?:\.[\w*]+)*\)?)?"  # "Changelog 2.x", "Release notes (v3)"
_TAIL = r"(?:(?:\s*[:\u2013\u2014-]|\s+for)\s.*)?"  # "Changelog for 2.x", "News — 2024"
_NOT_NAME = (r"(?:a|an|the|this|that|our|your|my|its|to|how|why|about|on|of|for|in|and|"
             r"writ\w*|add\w*|keep\w*|updat\w*|generat\w*|edit\w*|mak\w*|creat\w*)\b")
_TITLE = re.compile(
    # a name may come first: "Hatch changelog", "Kombu Change history" (not "Writing a
    # changelog", a guide; nor a bare "X history": "Message history" is a feature's page)
    rf"(?:(?!{_NOT_NAME})[\w.-]+\s+){{0,2}}"
    r"(?:change[ -]?log|release[ -]notes|(?:release|version|change)\s+history)"
    rf"{_VERSION}{_TAIL}"
    rf"|(?:changes|history|news){_VERSION}{_TAIL}"
    # a running "What's new" page (xarray, IPython) lists every release's changes; "What's New
    # in Python 3.11" explains one release's changes in prose (the title names a version)
    r"|what['\u2019]?s\s+new\??(?:\s+in\s+(?!.*\d)[^:\u2013\u2014]+)?",
    re.I,
)
_FILE = re.compile(r"(?:change[-_]?log|changes|history|release[-_]?notes|news)", re.I)
# a folder of release notes, one page per package or release ("history/hatchling.md",
# "releases/3.0.0.md": a folder of one page per release, whatever each page's title says)
_FOLDER = re.compile(r"(?:change[-_]?logs?|changes|history|release[-_]?notes|releases|news)",
                     re.I)

# a question about versions or changes is answered by the release notes themselves
_ASKS_CHANGES = re.compile(
    r"\b(?:versions?|releases?|released|changelog|change ?log|changed|changes|added|removed|"
    r"deprecat\w*|introduced|since when|upgrad\w*|migrat\w*|breaking|backwards?)\b"
    r"|\bv?\d+\.\d+", re.I)


def is_release_notes(chunk: ChunkRecord) -> bool:
    """Whether the chunk comes from a changelog page (by its title, else its file name)."""
    title = chunk.title.strip().strip("#*").strip()
    if title and _TITLE.fullmatch(title):
        return True
    if chunk.sections and all(_under_notes(path) for path in chunk.sections):
        return True
    path = PurePosixPath(chunk.source)
    return bool(_FILE.fullmatch(path.stem)) or any(
        _FOLDER.fullmatch(part) for part in path.parts[:-1]
    )


def _under_notes(path: tuple[str, ...]) -> bool:
    """A section path under a release-notes heading of the page's first two levels: a page
    that includes the changelog under its own title (a Sphinx "Community Updates" page whose
    second `h1` is "Release History", then one `h2` per release)."""
    return any(_TITLE.fullmatch(h.strip().strip("#*").strip()) for h in path[:2])


def asks_about_changes(question: str) -> bool:
    return _ASKS_CHANGES.search(question) is not None


def release_notes_last(
    fused: Sequence[tuple[str, float]], view: CorpusView, question: str, pool: int
) -> list[str]:
    """The chunk ids of the fused ranking, best first, with the release-notes chunks past
    the first MAX_IN_POOL moved after the first `pool` ids (see the module docstring);
    unchanged for a question about versions or changes."""
    ids = [cid for cid, _ in fused]
    if asks_about_changes(question):
        return ids
    head: list[str] = []
    later: list[str] = []
    notes = 0
    for cid in ids:
        if len(head) >= pool:
            later.append(cid)
        elif is_release_notes(view.chunks[view.by_id[cid]]):
            notes += 1
            (head if notes <= MAX_IN_POOL else later).append(cid)
        else:
            head.append(cid)
    return head + later
