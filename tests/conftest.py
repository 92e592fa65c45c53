"""Shared fixtures: the real bundled model, real Chroma indexes in temporary folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.settings import BotSettings  # noqa: E402
from retrieval.corpus import ChunkRecord  # noqa: E402
from retrieval.embedder import Embedder, get_embedder  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

try:
    from tests.fakediscord import FakeDiscord
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakediscord import FakeDiscord  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_FILE = "000_340cc8f4d0151897.txt"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's .env or CITEBOT_* variables."""
    for key in list(os.environ):
        if key.startswith("CITEBOT_") or key == "DISCORD_TOKEN":
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setitem(Settings.model_config, "env_file", None)
    monkeypatch.setitem(BotSettings.model_config, "env_file", None)


@pytest.fixture(autouse=True)
def _strict_fake_discord() -> Iterator[None]:
    """Every request the bot sent to a fake Discord during the test is one real Discord
    accepts (schema of its route in openapi.json + documented limits), and no message it sent
    could ping anyone (allowed_mentions allows nothing); else the test fails naming the route
    and the field. Fakes started and stopped inside the test are checked too."""
    marks = {id(f): (len(f.violations), len(f.pings)) for f in FakeDiscord.running}
    first_new = len(FakeDiscord.started)
    yield
    fakes = {id(f): f for f in [*FakeDiscord.running, *FakeDiscord.started[first_new:]]}
    for f in fakes.values():
        violations, pings = marks.get(id(f), (0, 0))
        f.assert_no_violations(since=violations)
        f.assert_no_pings(since=pings)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    s = Settings(_env_file=None)  # the default backend (onnx-int8) from the shared model cache
    return get_embedder(s.resolved_model(), s.model, s.backend, s.cache_dir)


def make_settings(docs: Path, data: Path, **kw: object) -> Settings:
    return Settings(_env_file=None, docs_dir=docs, data_dir=data, **kw)  # type: ignore[arg-type]


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    """Write each file (path under root -> text, or bytes as they are), making its folders."""
    for name, body in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            p.write_bytes(body)
        else:
            p.write_text(body, encoding="utf-8")


def chunks_holding(engine: Engine, source: str, kind: str) -> list[ChunkRecord]:
    """The indexed chunks of `source` holding a block of `kind` ("table", "list_item"), in
    order."""
    return [c for c in engine.view().chunks
            if c.source == source and any(b[0] == kind for b in c.blocks)]


def indexed_engine(root: Path, docs: dict[str, str], **kw: object) -> Engine:
    """An Engine on root/docs holding these files (name -> text), indexed into root/data."""
    folder = root / "docs"
    folder.mkdir()
    for name, text in docs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    engine = Engine(make_settings(folder, root / "data", **kw))
    engine.index()
    return engine


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    return docs


@pytest.fixture
def engine_factory(tmp_path: Path) -> Callable[..., Engine]:
    def make(docs: Path, data: Path | None = None, **kw: object) -> Engine:
        return Engine(make_settings(docs, data or tmp_path / "data", **kw))

    return make


@pytest.fixture(scope="session")
def seed_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """One indexed copy of seeds/ shared by read-only tests."""
    root = tmp_path_factory.mktemp("seed")
    docs = root / "docs"
    shutil.copytree(SEEDS, docs)
    engine = Engine(make_settings(docs, root / "data"))
    engine.index()
    return engine
