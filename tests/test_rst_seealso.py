"""A reST `.. seealso::` box is a pointer quoted last, as a MyST `{seealso}` box is (session 17,
leadin3). Real parser, real model, real Chroma, on a sample shaped like pip's configuration page
and aiohttp's seealso lines."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import signpost_unit, windows_for
from retrieval.parsing.rst import parse_rst
from tests.conftest import indexed_engine

SEEALSO = """Configuration
=============

.. seealso::

   The :doc:`../cli/pip_config` command, which helps manage pip's configuration.

Configuration files
-------------------

pip's configuration files are located in fairly standard locations. Each
file can set any option of pip's commands.

.. seealso::

   :ref:`Environment Variables <env-vars>`

The user configuration file is ``$HOME/.config/pip/pip.conf`` on Unix.

.. seealso:: :ref:`config-reference` section for
             more information about the options a configuration file can set.
"""


def test_a_rest_seealso_box_is_quoted_last_like_a_myst_one(tmp_path: Path) -> None:
    """A `.. seealso::` box with prose ("The :doc:`x` command, which helps manage pip's
    configuration.") was a note like any other and could be the first quote of "where is
    pip's configuration?"; it only names another page. Like a MyST `{seealso}` box it is read
    under "See also" (a signpost: quoted after the answers, still evidence), and one holding
    only a reference is not a block at all."""
    parsed = parse_rst(SEEALSO)
    boxes = [b for b in parsed.blocks if "pip_config" in b.text(SEEALSO)]
    assert len(boxes) == 1 and boxes[0].section[-1] == "See also", boxes
    # its prose on the directive's line, as aiohttp writes it
    inline = [b for b in parsed.blocks if "config-reference" in b.text(SEEALSO)]
    assert len(inline) == 1 and inline[0].section[-1] == "See also", inline
    assert not any("Environment Variables" in b.text(SEEALSO) for b in parsed.blocks)

    engine = indexed_engine(tmp_path, {"topics/configuration.rst": SEEALSO})
    chunk = next(c for c in engine.view().chunks if "pip_config" in c.text)
    box = [w for w in windows_for(chunk, 0) if "pip_config" in w.text]
    assert box and all(signpost_unit(w) for w in box)
    prose = [w for w in windows_for(chunk, 0) if "fairly standard locations" in w.text]
    assert prose and not any(signpost_unit(w) for w in prose)

    answer = engine.ask("how do I manage pip's configuration files?")
    assert answer.answered, answer
    assert "pip_config" not in answer.quotes[0].text, [c.text for c in answer.quotes]
