"""A lead-in quoted with the code or console session it introduces is scored by what the lead-in
says as well as by the whole unit (the better of the two cosines), so a long transcript or
program under it does not drown the sentence. Real parser, real model, real Chroma, on samples
shaped like the pages where this went wrong (pip's MyST "Dependency resolution" page, whose
`ResolutionImpossible` lead-in sits over a console transcript)."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import Weights, score_windows, windows_for
from retrieval.embedder import Embedder
from retrieval.lexical import stems
from retrieval.units import embed_units, unit_spans
from tests.conftest import chunks_holding, indexed_engine

RESOLUTION = """# Dependency Resolution

pip is capable of determining and installing the dependencies of packages. The
process of determining which version of a dependency to install is known as
dependency resolution.

## Dealing with dependency conflicts

This section provides practical suggestions to pip users who encounter
a `ResolutionImpossible` error, where pip cannot install their specified
packages due to conflicting dependencies.

### Understanding your error message

When you get a `ResolutionImpossible` error, you might see something
like this:

```{pip-cli}
$ pip install package_coffee==0.44.1 package_tea==4.3.0
[regular pip output]
ERROR: Cannot install package_coffee==0.44.1 and package_tea==4.3.0 because these package \
versions have conflicting dependencies.

The conflict is caused by:
    package_coffee 0.44.1 depends on package_water<3.0.0,>=2.4.2
    package_tea 4.3.0 depends on package_water==2.3.1
```

In this example, pip cannot install the packages you have requested,
because they each depend on different versions of the same package
(``package_water``):

- ``package_coffee`` version ``0.44.1`` depends on a version of
  ``package_water`` that is less than ``3.0.0`` but greater than or equal to
  ``2.4.2``
- ``package_tea`` version ``4.3.0`` depends on version ``2.3.1`` of
  ``package_water``

### Possible solutions

The solution to your error will depend on your individual use case. Here
are some things to try:

#### Audit your top level requirements

As a first step, it is useful to audit your project and remove any
unnecessary or out of date requirements. Removing these can significantly
reduce the complexity of dependency resolution.
"""

LEAD = "When you get a `ResolutionImpossible` error, you might see something\nlike this:"


def test_a_lead_in_over_a_console_transcript_is_scored_by_what_it_says(
    tmp_path: Path, embedder: Embedder
) -> None:
    """The unit "When you get a `ResolutionImpossible` error, you might see something like
    this:" + its transcript was embedded as one text in which the output dominates (pip: cosine
    0.34 with the question, 0.85 for the lead-in alone), and "what does ResolutionImpossible
    mean?" was refused on pip's docs (59 pages; this one-page sample answers it either way). The
    lead-in is embedded on its own too and the unit scored by the better of the two cosines:
    the lead-in counts whatever the length of the output, the code still counts when the
    lead-in says little ("Signature: ..."), and the quote is still the lead-in with the whole
    transcript."""
    engine = indexed_engine(tmp_path, {"topics/dependency-resolution.md": RESOLUTION})
    chunk = next(c for c in chunks_holding(engine, "topics/dependency-resolution.md", "code")
                 if LEAD in c.text)
    unit = next(w for w in windows_for(chunk, 0) if w.kind == "code" and w.text.startswith(LEAD))
    assert unit.lead_text == (
        "When you get a ResolutionImpossible error, you might see something\nlike this:")

    # the unit keeps its own embedding; its lead-in is embedded on its own beside it (the
    # int8 model's vectors move a little with their batch: cosine ~0.99)
    made = embed_units([chunk], embedder.encode, embedder.token_spans)[0]
    row = made.spans.index((unit.start, unit.end))
    own, lead = embedder.encode([unit.search_text, unit.lead_text])
    assert made.leads is not None
    assert float(made.vecs[row] @ own) > 0.98 and float(made.leads[row] @ lead) > 0.98
    assert unit_spans(chunk) == made.spans
    # units without a lead-in have none
    assert not any(made.leads[i].any() for i in range(len(made.spans)) if i != row)

    # what is stored is what is read back, and the unit is scored by the better of the two
    vecs = engine.quoter.window_vectors([unit], engine.view())
    assert float(vecs.leads[0] @ lead) > 0.98
    question = 'what does "ResolutionImpossible" mean and how do I fix it?'
    q = embedder.encode([question])[0]
    scored = score_windows(q, stems(question), [unit], vecs.units, engine.view().lexical,
                           Weights(), lead_vecs=vecs.leads)[0]
    assert float(lead @ q) > float(own @ q) + 0.3  # the transcript drowns the sentence
    assert abs(scored.dense - float(vecs.leads[0] @ q)) < 1e-5

    answer = engine.ask('what does "ResolutionImpossible" mean and how do I fix it?')
    assert answer.answered, answer
    first = answer.quotes[0]
    assert first.text.startswith(LEAD), [c.text for c in answer.quotes]
    # the whole transcript is quoted with it, an exact slice of the file
    assert "package_tea 4.3.0 depends on package_water==2.3.1" in first.text
    assert all(engine.verify(c) for c in answer.quotes)


INSPECTING = """# Inspecting installed packages

pip can tell you what is installed in the current environment and where each package came
from.

## Listing packages

The `list` command prints every installed distribution with its version. Add `--outdated` to
see only those with a newer release on the index.

## Reverse dependencies

Before you uninstall a package it is worth checking what still needs it. To find out which
installed packages depend on a given package, ask for its details like this:

```console
$ pip show packaging
Name: packaging
Version: 24.1
Summary: Core utilities for Python packages
Home-page:
Author:
Author-email: Donald Stufft <donald@stufft.io>
License:
Location: /home/me/.venvs/tools/lib/python3.12/site-packages
Requires:
Required-by: build, pytest, setuptools-scm, sphinx, tox, wheel
```

The `Required-by` line names them; an empty line means nothing else needs it.

## Files of a package

Add `--files` to `show` to list every file the package installed.
"""

HOW_LEAD = ("To find out which\ninstalled packages depend on a given package, ask for its"
            " details like this:")


def test_a_how_to_answered_by_a_command_under_like_this_is_scored_by_its_lead_in(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A how-to whose answer is a command and its output under "…ask for its details like
    this:": the `pip show` output (names, versions, a path) says nothing of "depend on", so
    the unit's own cosine with "how do I find out which packages depend on a package?" is far
    under its lead-in's. The unit is scored by the lead-in's, and is quoted whole, before the
    page's opening, also for a question worded otherwise (on the unit's own cosine it came
    after the opening)."""
    engine = indexed_engine(tmp_path, {"inspecting.md": INSPECTING})
    chunk = next(c for c in chunks_holding(engine, "inspecting.md", "code")
                 if HOW_LEAD in c.text)
    unit = next(w for w in windows_for(chunk, 0)
                if w.kind == "code" and HOW_LEAD in w.text)
    assert unit.lead_text.endswith("ask for its details like this:")
    assert "pip show" not in unit.lead_text

    question = "how do I find out which packages depend on a package?"
    q = embedder.encode([question])[0]
    vecs = engine.quoter.window_vectors([unit], engine.view())
    own, lead = float(vecs.units[0] @ q), float(vecs.leads[0] @ q)
    assert lead > own + 0.1, (own, lead)
    scored = score_windows(q, stems(question), [unit], vecs.units, engine.view().lexical,
                           Weights(), lead_vecs=vecs.leads)[0]
    assert abs(scored.dense - lead) < 1e-5

    answer = engine.ask(question)
    assert answer.answered, answer
    first = answer.quotes[0]
    assert HOW_LEAD in first.text and "Required-by: build" in first.text, first.text
    assert all(engine.verify(c) for c in answer.quotes)

    answer = engine.ask("how can I see what needs a package before uninstalling it?")
    texts = [c.text for c in answer.quotes]
    at = next(i for i, t in enumerate(texts) if HOW_LEAD in t)
    opening = next(i for i, t in enumerate(texts) if t.startswith("pip can tell you"))
    assert at < opening, texts
