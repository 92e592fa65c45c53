"""What a moderator met trying the product (session 15): a mistyped --docs sent them to an
index command that fails too; a question asked while the first index was being built said
"build the index" (and a second index only said another one is running); `citebot bot -h` did
not say it answers without indexing first; nothing checked that .env.example names every
setting. Real CLI subprocesses, real index, the real discord.py client against the fake."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from filelock import FileLock

from bot.settings import BotSettings
from retrieval.engine import Engine
from retrieval.errors import IndexBuilding, NotIndexed
from retrieval.settings import Settings
from retrieval.stats import index_lock_path
from tests import e2e_support as e2e
from tests.test_cli_polish import citebot

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

GUIDE = "# Guide\n\nWidgets spin at ten rotations per second by default.\n"
CHECK = "(check the path: --docs, CITEBOT_DOCS_DIR or CITEBOT_GUILD_DOCS)."


def test_a_mistyped_docs_folder_is_named_not_sent_to_a_failing_index(tmp_path: Path) -> None:
    """`citebot ask --docs /typo` said "Nothing is indexed yet. Build the index with: citebot
    index --docs /typo", which fails with "does not exist"."""
    typo, data = tmp_path / "dcos", tmp_path / "data"
    r = citebot("ask", "How fast do widgets spin?", "--docs", str(typo), "--data", str(data),
                cwd=tmp_path)
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr.splitlines() == [f"error: The documents folder {typo} does not exist {CHECK}"]
    assert not data.exists()
    r = citebot("ask", "--json", "How fast?", "Why?", "--docs", str(typo), "--data", str(data),
                cwd=tmp_path)
    objects = [json.loads(line) for line in r.stdout.splitlines()]
    assert r.returncode == 1 and [o["question"] for o in objects] == ["How fast?", "Why?"]
    assert {o["error"] for o in objects} == {f"The documents folder {typo} does not exist {CHECK}"}
    # with an index built from the right folder, the typo is still named (not "the index was
    # built from docs, not from dcos: give that folder its own index")
    docs = e2e.docs_folder(tmp_path, {"guide.md": GUIDE})
    assert citebot("index", "--docs", str(docs), "--data", str(data), cwd=tmp_path).returncode == 0
    for args in (["ask", "How fast do widgets spin?"], ["sources"], ["stats"]):
        r = citebot(*args, "--docs", str(typo), "--data", str(data), cwd=tmp_path)
        assert r.returncode == 1 and r.stderr.splitlines() == [
            f"error: The documents folder {typo} does not exist {CHECK}"], (args, r.stderr)
    r = citebot("sources", "--docs", str(docs / "guide.md"), "--data", str(data), cwd=tmp_path)
    assert r.stderr.splitlines() == [
        f"error: The documents folder {docs / 'guide.md'} is not a folder {CHECK}"]
    # the folder the index was built from, gone: its index still answers
    (docs / "guide.md").unlink()
    docs.rmdir()
    r = citebot("sources", "--docs", str(docs), "--data", str(data), cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("guide.md · “Guide”"), r.stderr


def test_a_question_while_the_first_index_is_built_says_so(tmp_path: Path) -> None:
    """Asked while the first `citebot index` ran, `ask` and `sources` said "Nothing is indexed
    yet. Build the index with: citebot index …", and that second index only said "Another
    reindex is already running"."""
    docs = e2e.docs_folder(tmp_path, {"guide.md": GUIDE})
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(_env_file=None, docs_dir=docs, data_dir=data)  # type: ignore[call-arg]
    lock = FileLock(str(index_lock_path(settings)))  # what a running `citebot index` holds
    where = ["--docs", str(docs), "--data", str(data)]
    building = ("Nothing is indexed yet: the first index is being built now. Try again when it "
                "has finished.")
    with lock:
        failure = Engine(settings).ask("How fast do widgets spin?", record=False).failure
        assert isinstance(failure, IndexBuilding)
        r = citebot("ask", "How fast do widgets spin?", *where, cwd=tmp_path)
        assert r.returncode == 1 and building in r.stdout + r.stderr, (r.stdout, r.stderr)
        r = citebot("sources", *where, cwd=tmp_path)
        assert r.returncode == 1 and r.stderr.splitlines() == [f"error: {building}"]
    failure = Engine(settings).ask("How fast do widgets spin?", record=False).failure
    assert type(failure) is NotIndexed  # the lock released and still nothing: build it
    r = citebot("sources", *where, cwd=tmp_path)
    assert "Build the index with: citebot index" in r.stderr


@pytest.mark.asyncio
async def test_discord_says_the_first_index_is_being_built(tmp_path: Path) -> None:
    """In Discord, "To build it, a moderator can run /reindex." while the first /reindex (or
    the operator's `citebot index`) was still building it."""
    e2e.docs_folder(tmp_path, {"guide.md": GUIDE})
    guild = 540_000_000_000_000_950
    settings = e2e.bot_settings(tmp_path, "building")
    engine = Engine(settings)
    settings.data_dir.mkdir()
    async with e2e.fake_discord(guild) as fake:
        alice = fake.add_member(guild, 700_000_000_000_000_095, "alice")
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            with FileLock(str(index_lock_path(settings))):
                edit = await e2e.ask_by_slash(fake, guild, alice, "How fast do widgets spin?",
                                              contains="being built")
    assert e2e.description(edit.json) == (
        "⚠️ Nothing is indexed yet: the first index is being built now. Please try again in a "
        "minute.")


@pytest.mark.parametrize("cls", [Settings, BotSettings])
def test_env_example_names_every_setting(cls: type[Settings]) -> None:
    """A new admin reads .env.example to find what can be set: a setting missing there is
    found only in the code."""
    text = (Path(__file__).resolve().parent.parent / ".env.example").read_text()
    named = set(re.findall(r"(?m)^#?[ \t]*([A-Z][A-Z0-9_]+)=", text))
    prefix = str(cls.model_config.get("env_prefix", ""))
    missing = []
    for name, f in cls.model_fields.items():
        keys = {(prefix + name).upper(), str(f.validation_alias or "").upper(),
                str(f.alias or "").upper()}
        if not keys & named:
            missing.append(name)
    assert missing == []


def test_bot_help_says_it_does_not_index_first(tmp_path: Path) -> None:
    r = citebot("bot", "-h", cwd=tmp_path)
    assert r.returncode == 0
    said = " ".join(r.stdout.split())
    assert "without indexing first (citebot run indexes, then starts it" in said
    assert "DISCORD_TOKEN, from the environment or .env" in said
