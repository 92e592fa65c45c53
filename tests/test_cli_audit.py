"""The command line against hostile names, settings and files (the audit of session 7): a clear
one-line message, a non-zero exit where it failed, no traceback, nothing lost."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import retrieval.engine as engine_mod
from bot.render import summary_text
from citebot.cli import app
from retrieval.engine import Engine
from retrieval.models import IndexSummary, SkippedFile
from retrieval.units import ChunkUnits, UnitStore
from tests.conftest import SEED_FILE, SEEDS
from tests.test_hardening_support import cli_env

QUESTION = "Who is the head of US Central Command?"


def run(*args: str, **env: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, list(args), env=env or None)
    exc = None if isinstance(result.exception, SystemExit) else result.exception
    return result.exit_code, " ".join(result.output.split()), exc


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for f in SEEDS.iterdir():
        (docs / f.name).write_bytes(f.read_bytes())
    return docs


def test_file_names_with_brackets_print_as_named(tmp_path: Path) -> None:
    """rich read `[red]bakery.txt` as a colour tag (the summary said `bakery.txt`), and a
    folder `x[` holding `]y.txt` made `x[/]y.txt`: a closing tag, a MarkupError traceback."""
    docs = _docs(tmp_path)
    (docs / "[red]bakery.txt").write_text("The bakery opens at six every morning.\n")
    (docs / "x[").mkdir()
    (docs / "x[" / "]y.txt").write_text("The harbour master is Olaf Brightwater.\n")
    code, out, exc = run("index", "--docs", str(docs), "--data", str(tmp_path / "data"))
    assert exc is None and code == 0, out
    assert "added: [red]bakery.txt" in out and "added: x[/]y.txt" in out
    # the same in an error message: a missing folder whose name holds a closing tag
    code, out, exc = run("index", "--docs", "[/]", "--data", str(tmp_path / "data"))
    assert exc is None and code == 1
    assert "error: The documents folder [/] does not exist; nothing was changed" in out


@pytest.mark.parametrize(
    ("env", "says"),
    [
        # list and map settings that are not JSON failed in pydantic-settings' source, before
        # validation, as a SettingsError traceback
        ({"CITEBOT_ADMIN_ROLE_IDS": "1,2"}, "CITEBOT_ADMIN_ROLE_IDS is not valid JSON"),
        ({"CITEBOT_GUILD_DOCS": "{bad"}, "CITEBOT_GUILD_DOCS is not valid JSON"),
        ({"CITEBOT_COOLDOWN_SECONDS": "-1"}, "cooldown_seconds: Input should be greater"),
        ({"CITEBOT_SHARD_COUNT": "-2"}, "shard_count: Input should be greater"),
    ],
)
def test_bad_bot_settings_are_one_line(env: dict[str, str], says: str, tmp_path: Path) -> None:
    code, out, exc = run("bot", "--data", str(tmp_path / "data"), **env)
    assert exc is None and code == 2, out
    assert f"error: invalid settings: {says}" in out
    # `python -m bot` reads them the same way
    r = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=cli_env(**env),
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"citebot: invalid settings: {says}" in r.stderr


def test_settings_that_would_empty_or_misname_the_index_are_refused(
    seed_engine: Engine,
) -> None:
    """CITEBOT_MAX_FILE_MB=-5 skipped every file as "over the -5 MB limit" (and so removed
    them from an existing index); CITEBOT_COLLECTION=a/b was reported as a broken index to
    rebuild."""
    where = ["--docs", str(seed_engine.settings.docs_dir),
             "--data", str(seed_engine.settings.data_dir)]
    for env, says in (
        ({"CITEBOT_MAX_FILE_MB": "-5"}, "max_file_mb: Input should be greater than 0"),
        ({"CITEBOT_MAX_FILE_MB": "0"}, "max_file_mb: Input should be greater than 0"),
        ({"CITEBOT_COLLECTION": "a/b"}, "collection: String should match pattern"),
        ({"CITEBOT_CHUNK_OVERLAP_TOKENS": "9999"}, "chunk_overlap_tokens: Input should be less"),
    ):
        code, out, exc = run("index", *where, **env)
        assert exc is None and code == 2, out
        assert f"error: invalid settings: {says}" in out, out
        assert "--rebuild" not in out
    assert seed_engine.stats().documents == 1


def test_a_file_indexed_with_a_note_is_not_called_skipped(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    (docs / "latin1.txt").write_bytes("Café crème is served at the harbour.\n".encode("cp1252"))
    (docs / "empty.md").write_text("")
    code, out, exc = run("index", "--docs", str(docs), "--data", str(tmp_path / "data"))
    assert exc is None and code == 0, out
    assert "added: latin1.txt" in out
    assert "note: latin1.txt: indexed; not UTF-8; decoded as cp1252" in out
    assert "skipped: latin1.txt" not in out and "skipped: empty.md: no text" in out
    # /reindex's diff lists it apart from the skipped files
    s = IndexSummary(
        added=["latin1.txt"],
        skipped=[SkippedFile("empty.md", "no text"),
                 SkippedFile("latin1.txt", "indexed; decoded as cp1252", indexed=True)],
    )
    text = summary_text(s)
    assert "**Skipped (1):**\n• `empty.md` — no text" in text
    assert "**Indexed with a note (1):**\n• `latin1.txt` — indexed; decoded as cp1252" in text


def test_the_fix_names_the_folders_of_this_run(tmp_path: Path) -> None:
    """`citebot ask --data X` before any index said "Build the index with: citebot index",
    which builds the default .citebot, not X."""
    docs, data = _docs(tmp_path), tmp_path / "my index"
    code, out, exc = run("ask", QUESTION, "--docs", str(docs), "--data", str(data))
    assert exc is None and code == 1
    assert f"Build the index with: citebot index --docs {docs} --data '{data}'" in out, out
    # `sources` of an empty index printed nothing at all
    code, out, exc = run("sources", "--docs", str(docs), "--data", str(data))
    assert exc is None and code == 1
    assert out == ("error: Nothing is indexed yet. Build the index with: citebot index "
                   f"--docs {docs} --data '{data}'")
    code, out, exc = run("index", "--docs", str(docs), "--data", str(data))
    assert code == 0, out
    code, out, exc = run("ask", QUESTION, "--docs", str(docs), "--data", str(data))
    assert code == 0 and "McKenzie" in out


def test_ctrl_c_during_index_says_what_state_is_kept(
    seed_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: Engine, **kw: object) -> IndexSummary:
        raise KeyboardInterrupt

    monkeypatch.setattr(engine_mod.Engine, "index", interrupted)
    where = ["--docs", str(seed_engine.settings.docs_dir),
             "--data", str(seed_engine.settings.data_dir)]
    code, out, exc = run("index", *where)
    assert exc is None and code == 130
    assert "error: interrupted: the index is as it was before this run" in out
    assert "chunks already embedded are kept" in out
    code, out, exc = run("index", "--rebuild", *where)
    assert exc is None and code == 130 and "to rebuild (it starts over)" in out
    monkeypatch.undo()
    code, out, exc = run("ask", QUESTION, *where)
    assert code == 0 and "McKenzie" in out


def test_eval_docs_with_a_binary_or_incomplete_qa_file(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    binary = tmp_path / "qa.jsonl"
    binary.write_bytes(b"\x83\xff\x00garbage")
    code, out, exc = run("eval", "docs", str(docs), str(binary))
    assert exc is None and code == 2  # was a UnicodeDecodeError traceback
    assert f"cannot read {binary}: not UTF-8 text" in out
    partial = tmp_path / "partial.jsonl"
    partial.write_text('{"question": "who?"}\n')
    code, out, exc = run("eval", "docs", str(docs), str(partial))
    assert exc is None and code == 2
    assert "partial.jsonl line 1: missing field 'id'" in out  # was: line 1: 'id'
    code, out, exc = run("eval", "docs", str(docs), str(partial), CITEBOT_TOP_K="abc")
    assert exc is None and code == 2  # was a ValidationError traceback
    assert "invalid settings: top_k" in out


def test_damaged_side_stores_are_set_aside_not_fatal(tmp_path: Path) -> None:
    """Garbage in a side store (quote-unit vectors, knowledge, gaps, feedback, votes) made
    `index` fail with "Could not write to the index … if the disk is full" (units) or a
    DatabaseError traceback (knowledge, feedback: `index`, `ask`, `stats`, `knowledge list`)."""
    docs, data = _docs(tmp_path), tmp_path / "data"
    where = ["--docs", str(docs), "--data", str(data)]
    assert run("knowledge", "add", "The harbour fee is ten euros a day.", *where)[0] == 0
    assert run("ask", "What is the capital of Atlantis?", *where)[0] == 0  # a gap
    stores = sorted(data.glob("*.sqlite3"))
    assert {"units-citebot", "knowledge", "gaps", "feedback"} <= {p.stem for p in stores}
    for p in stores:
        p.write_bytes(b"\x83 not a database " * 200)
    for args in (["index"], ["ask", QUESTION], ["stats"], ["knowledge", "list"], ["gaps"],
                 ["feedback", "reset"]):
        code, out, exc = run(*args, *where)
        assert exc is None and code == 0, (args, out, exc)
    # the knowledge entry is still listed (from its file) and answered from
    assert "@knowledge/local/" in run("knowledge", "list", *where)[1]
    code, out, _ = run("ask", "How much is the harbour fee?", *where)
    assert code == 0 and "ten euros" in out
    # each damaged file that was opened was kept aside, none deleted
    kept = {p.name.split(".damaged-")[0] for p in data.glob("*.damaged-*")}
    assert {"knowledge.sqlite3", "gaps.sqlite3", "feedback.sqlite3"} <= kept
    assert kept <= {p.name for p in stores}


def test_damaged_unit_vectors_are_made_again(tmp_path: Path) -> None:
    """`ask` then `index` on a garbage units file: "Could not write to the index (DatabaseError:
    file is not a database) … if the disk is full, free some space", on every later run."""
    path = tmp_path / "units-c.sqlite3"
    path.write_bytes(b"\x83 not a database " * 200)
    store = UnitStore(path)
    assert store.load("v1", ["a"], 4) == {}
    units = ChunkUnits(
        spans=[(0, 4)], vecs=np.ones((1, 4), np.float32), ctx=np.ones((1, 4), np.float32),
        heads=np.ones((1, 4), np.float32),
    )
    store.put("v1", [("a", units)])
    assert list(store.load("v1", ["a"], 4)) == ["a"]
    assert len(list(tmp_path.glob("units-c.sqlite3.damaged-*"))) == 1


def test_knowledge_add_refuses_a_folder_or_a_missing_file(tmp_path: Path) -> None:
    """`citebot knowledge add docs` (a folder) or `… add notes.txt` (a typo) added an entry whose
    whole text was "docs" / "notes.txt"."""
    docs, data = _docs(tmp_path), tmp_path / "data"
    where = ["--docs", str(docs), "--data", str(data)]
    code, out, exc = run("knowledge", "add", str(docs), *where)
    assert exc is None and code == 2 and f"{docs} is a folder; give a file or a text" in out
    code, out, exc = run("knowledge", "add", "notes.txt", *where)
    assert exc is None and code == 2 and "there is no file notes.txt" in out
    assert not data.exists()  # nothing was written: no entry, no index
    # a sentence that names a file is a text; an existing file is read
    assert run("knowledge", "add", "The old pier.md page moved to the wiki.", *where)[0] == 0
    note = tmp_path / "ferry.txt"
    note.write_text("The ferry leaves at nine from pier four.\n")
    code, out, _ = run("knowledge", "add", str(note), *where)
    assert code == 0 and "“ferry”" in out


def test_a_dotenv_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    """A .env saved as cp1252 ("café" in a comment) ended every command, and `python -m bot`,
    in a UnicodeDecodeError traceback from Chroma's own settings, read when it is imported."""
    (tmp_path / ".env").write_bytes("# the café's bot\nCITEBOT_TOP_K=2\n".encode("cp1252"))
    for cmd in (["-m", "citebot", "stats"], ["-m", "bot"]):
        r = subprocess.run(
            [sys.executable, *cmd], cwd=tmp_path, env=cli_env(),
            capture_output=True, text=True, timeout=120,
        )
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert "invalid settings: the .env file in this folder is not UTF-8 text" in r.stderr


def test_a_model_that_cannot_load_changes_nothing(tmp_path: Path) -> None:
    """The embedding model failing to load (a wrong CITEBOT_MODEL, a CITEBOT_CACHE_DIR that is a
    file) failed every file as "could not be read": `index --rebuild` exited 0 having swapped in
    an index of 0 documents, and a plain `index` removed each changed file's indexed version."""
    docs, data = _docs(tmp_path), tmp_path / "data"
    where = ["--docs", str(docs), "--data", str(data)]
    assert run("index", *where)[0] == 0
    code, out, exc = run("index", "--rebuild", *where, CITEBOT_MODEL=str(tmp_path / "no-model"))
    assert exc is None and code == 1
    assert f"The embedding model {tmp_path / 'no-model'} cannot be loaded" in out
    (docs / SEED_FILE).write_text((SEEDS / SEED_FILE).read_text() + "\nA new last line.\n")
    (tmp_path / "cache-file").write_text("")
    code, out, exc = run("index", *where, CITEBOT_CACHE_DIR=str(tmp_path / "cache-file"))
    assert exc is None and code == 1 and "cannot be loaded" in out and "removed" not in out
    code, out, _ = run("ask", QUESTION, *where)
    assert code == 0 and "McKenzie" in out  # the indexed version still answers
    # a question with the model unloadable: the same sentence, no traceback
    code, out, exc = run("ask", QUESTION, *where, CITEBOT_CACHE_DIR=str(tmp_path / "cache-file"))
    assert exc is None and code == 1 and "cannot be loaded" in out
