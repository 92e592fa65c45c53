"""The extension points: Discord commands come from the extensions in bot.cogs.EXTENSIONS and
have unique names; every file suffix the README advertises has a loader that works."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.client import create_bot
from bot.cogs import EXTENSIONS
from bot.settings import BotSettings
from bot.views import DYNAMIC_ITEMS
from retrieval import loaders
from tests.docgen import write_docx, write_html, write_pdf

README = Path(__file__).resolve().parent.parent / "README.md"
SENTENCE = "The orchard ships apples in October."


async def test_every_extension_loads_and_command_names_are_unique(tmp_path: Path) -> None:
    settings = BotSettings(_env_file=None, docs_dir=tmp_path, data_dir=tmp_path)  # type: ignore[call-arg]
    bot = create_bot(settings)
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    assert sorted(bot.extensions) == sorted(EXTENSIONS)
    names = [c.qualified_name for cog in bot.cogs.values() for c in cog.walk_app_commands()]
    assert names and not [n for n, k in Counter(names).items() if k > 1], names
    assert sorted(names) == sorted(c.qualified_name for c in bot.tree.walk_commands())
    assert {"ask", "reindex", "sources", "stats"} <= set(names)
    prefixes = [re.match(r"cb:\w+", item.__discord_ui_compiled_template__.pattern).group(0)  # type: ignore[union-attr]
                for item in DYNAMIC_ITEMS]
    assert len(prefixes) == len(set(prefixes)), prefixes


def test_readme_advertises_exactly_the_registered_suffixes() -> None:
    line = next(ln for ln in README.read_text().splitlines() if ln.startswith("Formats:"))
    assert set(re.findall(r"`(\.\w+)`", line)) == set(loaders.LOADERS)


SAMPLES = {
    ".txt": lambda p: p.write_text(SENTENCE),
    ".md": lambda p: p.write_text(f"# Orchard\n\n{SENTENCE}\n"),
    ".markdown": lambda p: p.write_text(f"# Orchard\n\n{SENTENCE}\n"),
    ".rst": lambda p: p.write_text(f"Orchard\n=======\n\n{SENTENCE}\n"),
    ".pdf": lambda p: write_pdf(p, [SENTENCE]),
    ".html": lambda p: write_html(p, "Orchard", f"<p>{SENTENCE}</p>"),
    ".htm": lambda p: write_html(p, "Orchard", f"<p>{SENTENCE}</p>"),
    ".docx": lambda p: write_docx(p, [SENTENCE]),
}


@pytest.mark.parametrize("suffix", sorted(loaders.LOADERS))
def test_every_registered_suffix_loads_its_format(tmp_path: Path, suffix: str) -> None:
    assert suffix in SAMPLES, f"add a sample {suffix} file to this test"
    path = tmp_path / f"orchard{suffix}"
    SAMPLES[suffix](path)
    doc = loaders.load_file(path, path.name, 10_000_000)
    assert SENTENCE in " ".join(doc.text.split())


def test_a_suffix_has_one_loader() -> None:
    with pytest.raises(ValueError, match="two loaders"):
        loaders.loader(".pdf")(lambda data: loaders.Extracted(""))
