"""The command line as a community moderator or docs admin meets it (session 8's polish): the
real `python -m citebot` entry in a subprocess, real model, real Chroma."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.test_hardening_support import cli_env


def citebot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citebot", *args], cwd=cwd, env=cli_env(**env),
        capture_output=True, text=True, timeout=300,
    )


READ_ONLY = [
    ["ask", "Who leads CENTCOM?"],
    ["ask", "Who leads CENTCOM?", "What is a chunk?"],
    ["ask", "hello"],
    ["stats"],
    ["sources"],
    ["gaps"],
    ["knowledge", "list"],
    ["knowledge", "remove", "note.md"],
    ["feedback", "reset"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_command_that_only_reads_never_creates_a_mistyped_data_folder(
    tmp_path: Path, args: list[str]
) -> None:
    """`citebot ask --data indx` created `indx/chroma` (and `knowledge list`, `knowledge
    remove`, `feedback reset` created the folder too); two questions printed the message once
    per question and exited 0; `sources` said it on stdout and exited 0 where `stats` failed."""
    typo = tmp_path / "indx"
    r = citebot(*args, "--data", str(typo), cwd=tmp_path, CITEBOT_DOCS_DIR=str(SEEDS))
    assert not typo.exists(), f"{args} created {typo}"
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"error: Nothing is indexed yet. Build the index with: citebot index --data {typo}"
    ]


def test_ask_json_on_a_mistyped_data_folder_prints_one_object_per_question(
    tmp_path: Path,
) -> None:
    """Scripts reading `--json` keep getting one object per question, with the error."""
    typo = tmp_path / "indx"
    r = citebot("ask", "--json", "Who leads CENTCOM?", "What is a chunk?", "--data", str(typo),
                cwd=tmp_path, CITEBOT_DOCS_DIR=str(SEEDS))
    assert not typo.exists()
    assert r.returncode == 1, r.stderr
    objects = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["question"] for o in objects] == ["Who leads CENTCOM?", "What is a chunk?"]
    assert all(not o["answered"] and o["error"].startswith("Nothing is indexed yet.")
               for o in objects)


def test_a_citebotignore_that_is_a_folder_stops_the_index_in_one_line_naming_it(
    tmp_path: Path,
) -> None:
    """The message blamed the documents folder and told to "check the path: --docs,
    CITEBOT_DOCS_DIR or CITEBOT_GUILD_DOCS", which were right; it now names the file, says
    nothing changed and what to do. The index keeps answering as before."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    (docs / "ferry.txt").write_text("The ferry leaves at nine from pier four.\n")
    where = ["--docs", str(docs), "--data", str(data)]
    assert citebot("index", *where, cwd=tmp_path).returncode == 0
    (docs / ".citebotignore").mkdir()
    (docs / "harbour.txt").write_text("The harbour master is Olaf Brightwater.\n")
    r = citebot("index", *where, cwd=tmp_path)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [
        f"error: {docs / '.citebotignore'} is a folder, not a file of patterns; nothing was "
        "indexed or changed. Remove or rename that folder (.citebotignore is a text file of "
        "patterns, one per line, as in .gitignore)."
    ], r.stderr
    r = citebot("sources", *where, cwd=tmp_path)
    assert r.stdout.splitlines() == ["ferry.txt · “ferry” · 1 chunk"], r.stdout


@pytest.mark.parametrize(
    ("encoding", "pattern"),
    [("utf-16", "drafts/"), ("cp1252", "brouillons-é/"), ("utf-8-sig", "drafts/")],
)
def test_a_citebotignore_saved_by_a_windows_editor_still_leaves_its_files_out(
    tmp_path: Path, encoding: str, pattern: str
) -> None:
    """Read as UTF-8 with replacement characters, a UTF-16 file (Notepad's "Unicode") held
    no pattern that matched anything and a cp1252 `é` never matched the UTF-8 file name: the
    drafts it was written to leave out were indexed, silently."""
    from retrieval.loaders import iter_candidate_files

    docs = tmp_path / "docs"
    for rel in ("guide.md", f"{pattern}plan.md"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("# Plan\n\nWords.\n")
    (docs / ".citebotignore").write_bytes(f"# private\r\n{pattern}\r\n".encode(encoding))
    listed = {rel for rel, path, _ in iter_candidate_files(docs) if path is not None}
    assert listed == {"guide.md"}


def test_a_citebotignore_that_is_not_text_stops_the_index(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# Guide\n\nWords.\n")
    (docs / ".citebotignore").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4)
    r = citebot("index", "--docs", str(docs), "--data", str(tmp_path / "data"), cwd=tmp_path)
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith(f"error: {docs / '.citebotignore'} is not text (binary file")
    assert "nothing was indexed or changed, so that no file it leaves out gets indexed" in r.stderr
    r = citebot("sources", "--docs", str(docs), "--data", str(tmp_path / "data"), cwd=tmp_path)
    assert r.returncode == 1 and "Nothing is indexed yet." in r.stderr


def _autodoc_site(docs: Path, api_pages: int = 1) -> None:
    """A Sphinx folder: a guide in prose that points at an API page with `:doc:`, and API
    pages of autodoc directives only (their text lives in the code)."""
    (docs / "api").mkdir(parents=True)
    (docs / "index.rst").write_text(
        "Guide\n=====\n\nThe widget API is described in :doc:`api/widget`. Widgets spin at "
        "ten rotations per second by default.\n"
    )
    (docs / "api" / "widget.rst").write_text(
        "Widget API\n==========\n\n.. automodule:: widget\n   :members:\n"
    )
    for n in range(1, api_pages):
        (docs / "api" / f"part{n:02}.rst").write_text(
            f"Part {n}\n=======\n\n.. automodule:: widget.part{n}\n   :members:\n"
        )


def test_sources_lists_the_pages_left_out_with_nothing_to_quote(tmp_path: Path) -> None:
    """`citebot index` said "skipped: api/widget.rst: nothing to quote" once, then `citebot
    sources` listed only the indexed files: someone asking why api/widget.rst is never quoted
    could not find it there."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    _autodoc_site(docs)
    where = ["--docs", str(docs), "--data", str(data)]
    assert citebot("index", *where, cwd=tmp_path).returncode == 0
    r = citebot("sources", *where, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "index.rst · “Guide” · 1 chunk",
        "Not indexed, 1 page with nothing to quote (only headings and markup, e.g. autodoc "
        "pages):",
        "api/widget.rst · “Widget API” · not quotable",
    ]
    # and stats says why the folder's two pages make one document
    stats = citebot("stats", *where, cwd=tmp_path).stdout.splitlines()
    assert stats[:2] == ["Indexed:    1 document, 1 chunk",
                         "Left out:   1 page not quotable (see citebot sources)"]
    got = json.loads(citebot("stats", "--json", *where, cwd=tmp_path).stdout)
    assert got["not_quotable"] == 1
    assert got["left_out"] == {"nothing to quote": 1, "translation": 0, "skipped": 0}
    # a page that gains prose is indexed at the next run and leaves the list
    (docs / "api" / "widget.rst").write_text(
        "Widget API\n==========\n\nA widget spins.\n\n.. automodule:: widget\n"
    )
    assert citebot("index", *where, cwd=tmp_path).returncode == 0
    assert "not quotable" not in citebot("sources", *where, cwd=tmp_path).stdout


def test_an_untitled_doc_role_to_a_page_with_nothing_to_quote_shows_its_title(
    tmp_path: Path,
) -> None:
    """`:doc:`api/widget`` was shown as `api/widget` (its target was not indexed, so its title
    was unknown); the index now records the title of each page it leaves out."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    _autodoc_site(docs)
    where = ["--docs", str(docs), "--data", str(data)]
    assert citebot("index", *where, cwd=tmp_path).returncode == 0
    r = citebot("ask", "Where is the widget API described?", "--json", "-k", "1", *where,
                cwd=tmp_path)
    (quote,) = json.loads(r.stdout)["quotes"]
    assert quote["text"] == "The widget API is described in :doc:`api/widget`."
    r = citebot("ask", "Where is the widget API described?", "-k", "1", *where, cwd=tmp_path)
    assert "The widget API is described in Widget API." in r.stdout, r.stdout


def test_knowledge_list_says_when_there_is_none_and_the_same_text_is_added_once(
    tmp_path: Path,
) -> None:
    """`knowledge list` printed nothing at all (as a failure looks), and adding the same text
    twice made a second entry that every answer then quoted again."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    (docs / "ferry.txt").write_text("The ferry leaves at nine from pier four.\n")
    where = ["--docs", str(docs), "--data", str(data)]
    assert citebot("index", *where, cwd=tmp_path).returncode == 0
    r = citebot("knowledge", "list", *where, cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout == "No knowledge entries yet. Add one with: citebot knowledge add FILE|TEXT\n"
    tip = "The harbour radio keys are renewed every Monday at noon."
    assert citebot("knowledge", "add", tip, "--title", "Radio", *where, cwd=tmp_path
                   ).returncode == 0
    r = citebot("knowledge", "add", tip, *where, cwd=tmp_path)
    assert r.returncode == 2
    day = r.stderr.split("as ", 1)[-1][:10]
    assert r.stderr == ("error: the same text is already in the knowledge as "
                        f"{day}-radio.txt\n"), r.stderr
    r = citebot("knowledge", "list", "--json", *where, cwd=tmp_path)
    assert len(r.stdout.splitlines()) == 1


def test_index_of_a_missing_folder_creates_no_data_folder_and_an_empty_one_says_so(
    tmp_path: Path,
) -> None:
    """`citebot index --docs typo --data new` refused ("nothing was changed") but left `new/`
    behind (with a lock file), and a folder without a single readable file ended in a plain
    "total 0 in 0 documents", exit 0, like a success."""
    new = tmp_path / "new"
    r = citebot("index", "--docs", str(tmp_path / "dcos"), "--data", str(new), cwd=tmp_path)
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1, r.stderr
    assert f"The documents folder {tmp_path / 'dcos'} does not exist" in r.stderr
    assert not new.exists()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text("project = 'x'\n")
    r = citebot("index", "--docs", str(docs), "--data", str(new), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-2:] == [
        "  skipped: conf.py: unsupported file type .py",
        "Nothing is indexed: no file in the documents folder could be read (citebot reads "
        ".docx, .htm, .html, .markdown, .md, .pdf, .rst, .txt).",
    ]


def test_a_questions_file_is_read_like_a_document_or_refused_in_one_plain_line(
    tmp_path: Path,
) -> None:
    """`ask --file` printed Python's "[Errno 2] No such file or directory: 'q.txt'" and
    refused a questions file saved as UTF-16 by Notepad ("'utf-8' codec can't decode…")."""
    data = tmp_path / "data"
    assert citebot("index", "--docs", str(SEEDS), "--data", str(data), cwd=tmp_path
                   ).returncode == 0
    where = ["--docs", str(SEEDS), "--data", str(data)]
    r = citebot("ask", "--file", "q.txt", *where, cwd=tmp_path)
    assert (r.returncode, r.stderr) == (2, "error: cannot read q.txt: No such file or directory\n")
    (tmp_path / "qs").mkdir()
    r = citebot("ask", "--file", "qs", *where, cwd=tmp_path)
    assert (r.returncode, r.stderr) == (2, "error: cannot read qs: it is a folder\n")
    (tmp_path / "q.txt").write_text("Who leads US Central Command?\n", encoding="utf-16")
    r = citebot("ask", "--file", "q.txt", "-k", "1", *where, cwd=tmp_path)
    assert r.returncode == 0 and "McKenzie" in r.stdout, r.stderr


def test_knowledge_add_that_cannot_be_indexed_is_not_kept_half_added(tmp_path: Path) -> None:
    """With a mistyped --docs, `knowledge add` wrote the entry, then failed the index saying
    "nothing was changed"; adding it again with the right folder was then refused as a
    duplicate, and the entry was not searchable until the next `citebot index`."""
    data = tmp_path / "data"
    assert citebot("index", "--docs", str(SEEDS), "--data", str(data), cwd=tmp_path
                   ).returncode == 0
    tip = "The harbour radio keys are renewed every Monday at noon."
    r = citebot("knowledge", "add", tip, "--docs", str(tmp_path / "seeds"), "--data", str(data),
                cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: The documents folder {tmp_path / 'seeds'} does not "
                               "exist; nothing was changed"), r.stderr
    where = ["--docs", str(SEEDS), "--data", str(data)]
    assert citebot("knowledge", "list", "--json", *where, cwd=tmp_path).stdout == ""
    assert citebot("knowledge", "add", tip, *where, cwd=tmp_path).returncode == 0
    r = citebot("ask", "When are the harbour radio keys renewed?", "-k", "1", *where,
                cwd=tmp_path)
    assert "every Monday at noon" in r.stdout, r.stdout


def test_an_untitled_ref_to_a_label_on_a_page_with_nothing_to_quote_shows_its_title(
    tmp_path: Path,
) -> None:
    """Labels were read from indexed files only: `:ref:`widget-api`` to the label above an
    autodoc page's title was shown as `widget-api`."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    (docs / "api").mkdir(parents=True)
    (docs / "index.rst").write_text(
        "Guide\n=====\n\nEvery widget method is listed in :ref:`widget-api`. Widgets spin "
        "at ten rotations per second by default.\n"
    )
    (docs / "api" / "widget.rst").write_text(
        ".. _widget-api:\n\nWidget API reference\n====================\n\n"
        ".. automodule:: widget\n   :members:\n"
    )
    where = ["--docs", str(docs), "--data", str(data)]
    assert citebot("index", *where, cwd=tmp_path).returncode == 0
    r = citebot("ask", "Where is every widget method listed?", "-k", "1", *where, cwd=tmp_path)
    assert "Every widget method is listed in Widget API reference." in r.stdout, r.stdout


def test_index_rebuild_says_why_every_file_counts_as_added(tmp_path: Path) -> None:
    where = ["--docs", str(SEEDS), "--data", str(tmp_path / "data")]
    assert citebot("index", *where, cwd=tmp_path).returncode == 0
    r = citebot("index", "--rebuild", *where, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("rebuilt (every file read again, so all count as added): added 1,")


def test_knowledge_remove_with_a_mistyped_docs_folder_removes_nothing(tmp_path: Path) -> None:
    """It deleted the entry, then the index that follows failed on the docs folder with a
    DocsUnavailable traceback (and the index kept quoting the entry)."""
    data = tmp_path / "data"
    where = ["--docs", str(SEEDS), "--data", str(data)]
    assert citebot("knowledge", "add", "The pier closes at dusk.", "--title", "Pier", *where,
                   cwd=tmp_path).returncode == 0
    (entry,) = [json.loads(line) for line in citebot("knowledge", "list", "--json", *where,
                                                     cwd=tmp_path).stdout.splitlines()]
    name = entry["source"].rsplit("/", 1)[-1]
    r = citebot("knowledge", "remove", name, "--docs", str(tmp_path / "seeds"), "--data",
                str(data), cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith(f"error: The documents folder {tmp_path / 'seeds'} does not "
                               "exist; nothing was changed")
    assert name in citebot("knowledge", "list", *where, cwd=tmp_path).stdout
    r = citebot("knowledge", "remove", name, *where, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, f"removed {entry['source']}\n")


def test_asking_with_only_data_answers_from_the_folder_the_index_was_built_from(
    tmp_path: Path,
) -> None:
    """`citebot index --docs guide --data idx` then `citebot ask --data idx "…"` refused: the
    default documents folder (seeds/) is not the one the index was built from. With no folder
    named, the index's own is used; a folder that is named is still checked."""
    docs = tmp_path / "guide"
    docs.mkdir()
    (docs / "spin.md").write_text("# Spinning\n\nCall spin with the number of turns you want.\n")
    data = tmp_path / "idx"
    r = citebot("index", "--docs", str(docs), "--data", str(data), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = citebot("ask", "--json", "how do I spin it?", "--data", str(data), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    answer = json.loads(r.stdout)
    assert answer["answered"] and answer["quotes"][0]["source"] == "spin.md"
    r = citebot("sources", "--data", str(data), cwd=tmp_path)
    assert r.returncode == 0 and "spin.md" in r.stdout
    r = citebot("ask", "how do I spin it?", "--data", str(data), cwd=tmp_path,
                CITEBOT_DOCS_DIR=str(SEEDS))
    assert r.returncode == 1
    assert "was built from" in r.stdout + r.stderr
