"""Questions about the documents themselves: "what is this document about?", "what are these
docs about?", "summarize this article".

Searched as typed, such a question has no topic: its words ("document", "about") are in no
document, or in any, so it was refused ("the documents never use “document”") or answered from
whichever sentence mentions a document. What answers it is the document's own opening: its
title says what it is about, and its first paragraph says it in sentences. So the question is
searched with the document's title, in that document only, its chunks in the order they come
(the first ones first): the quotes are its opening sentences, cited as any other quote, and
the answer says so.

Which document: the only one indexed, or else the folder's front page (`index.*`, `README.*`
at the top of the docs folder). With several documents and no front page there is no "this
document": the question is searched as typed, as before. Knowledge entries are never it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from retrieval.knowledge import PREFIX as KNOWLEDGE

if TYPE_CHECKING:
    from retrieval.corpus import CorpusView

_DOC = (r"(?:document|doc|documentation|article|page|text|file|paper|story|report|post|"
        r"piece|essay|manual|guide|material|content|website|site)s?")
_THIS = r"(?:this|the|these|those|that|your|the\s+indexed|the\s+given)"
_ABOUT = [
    # what is this document about? what are these docs about? what's the article on?
    rf"(?:so\s+)?(?:what\s+is|what's|whats|what\s+are|what're)\s+{_THIS}\s+{_DOC}\s+"
    r"(?:all\s+|mainly\s+|mostly\s+|actually\s+|even\s+)?(?:about|on)",
    # what does this document say / cover / talk about / discuss / describe?
    rf"what\s+(?:does|do)\s+{_THIS}\s+{_DOC}\s+(?:say|cover|talk\s+about|discuss|describe|"
    r"explain|contain|deal\s+with|tell\s+(?:me|us))",
    # summarize this document / give me a summary of the article / overview of these docs
    r"(?:(?:can|could)\s+you\s+)?(?:please\s+)?(?:summari[sz]e|sum\s+up|"
    r"(?:give\s+(?:me|us)\s+)?(?:a\s+|an\s+)?(?:short\s+|brief\s+|quick\s+)?"
    rf"(?:summary|overview|gist|tl;?dr)\s+of)\s+{_THIS}\s+{_DOC}",
    # what is the topic / subject / gist / main point of this document?
    r"(?:what\s+is|what's|whats)\s+the\s+(?:main\s+)?(?:topic|subject|gist|point|theme)\s+of\s+"
    rf"{_THIS}\s+{_DOC}",
]
_ABOUT_RE = re.compile(r"^\s*(?:" + "|".join(_ABOUT) + r")\s*(?:please\s*)?[?.!]*\s*$",
                       re.IGNORECASE)
FRONT_PAGES = ("index", "readme")  # a folder's front page, in this order


def asks_about_the_documents(question: str) -> bool:
    """Whether `question` asks what the document(s) are about, naming no topic."""
    return bool(_ABOUT_RE.match(" ".join(question.split())))


def document_asked_about(view: CorpusView, question: str) -> str | None:
    """The document a question about "this document" is about: the only document indexed,
    else the folder's front page (`index.*`, else `README.*`, at the top); None when the
    question is not about the documents or no document is the one."""
    if not asks_about_the_documents(question):
        return None
    sources = list(dict.fromkeys(c.source for c in view.chunks
                                 if not c.source.startswith(KNOWLEDGE)))
    if len(sources) == 1:
        return sources[0]
    for name in FRONT_PAGES:
        for s in sources:
            p = PurePosixPath(s)
            if len(p.parts) == 1 and p.stem.lower() == name:
                return s
    return None


def opening(view: CorpusView, source: str) -> tuple[str, list[str]]:
    """What a question about `source` is searched with (its title, else the first line of its
    text) and its chunks in file order (the first ones first)."""
    chunks = sorted((c for c in view.chunks if c.source == source), key=lambda c: c.char_start)
    title = (chunks[0].title if chunks else "") or ""
    if not title.strip() and chunks:
        title = next((ln for ln in chunks[0].text.split("\n") if ln.strip()), "")
    return " ".join(title.split()), [c.id for c in chunks]
