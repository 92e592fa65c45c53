"""Page titles from the docs site's own navigation (mkdocs.yml `nav:`), and translated copies
of pages left out (`guide.pl.rst` beside `guide.rst`): through the real YAML loader, parser,
indexer, engine (real model, real Chroma) and both front ends' renderers."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.render import render_answer
from citebot.textrender import citation_line, render_summary
from retrieval.engine import Engine
from retrieval.sitenav import read_site_config
from retrieval.translations import TRANSLATION, translated_pages
from tests.conftest import make_settings

# the shape of inline-snapshot's and hatch's mkdocs.yml (mkdocs-material): a nested nav whose
# titles are code, tags a safe loader does not know, and settings that must never run
MKDOCS_YML = """\
site_name: snapcheck
repo_url: https://example.org/snapcheck
edit_uri: !ENV [EDIT_URI, "edit/main/docs"]
theme:
  name: material
  features: [navigation.indexes]
nav:
- Home:
  - Introduction: index.md
  - Configuration: configuration.md
- Core:
  - assert x == ...: fix_assert.md
  - snapshot:
    - x == snapshot(): eq_snapshot.md
    - x <= snapshot(): cmp_snapshot.md
  - snapshot_arg.md
  - external:
    - external/index.md
    - Overview: external/overview.md
    - external(): external/external.md
- Removed page: gone.md
- GitHub: https://github.com/example/snapcheck
- Insiders: insiders.md#sponsors
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
plugins:
  - search
  - blog:
      enabled: !ENV [CI, false]
hooks:
  - !!python/object/apply:os.system ["touch {canary}"]
"""

CMP = """\
Compare a value with a snapshot using `<=`, `>=`, `<` or `>`.

```python
def test_something():
    assert 5 <= snapshot(10)
```

The snapshot value is only updated when the comparison fails and `--inline-snapshot=fix` is
given, so a test that passes keeps its bound.
"""

EQ = """\
# Equal snapshots

A snapshot compared with `==` is created when its value is missing and fixed when it differs.
"""

OVERVIEW = """\
Values too large to keep in the source are stored in files outside it: the snapshot holds only
a reference to the file, which is read back when the test runs.
"""


def _site(root: Path, yml: str | None = MKDOCS_YML) -> Path:
    """A project: mkdocs.yml beside docs/ (as mkdocs lays it out), the pages in docs/."""
    docs = root / "docs"
    for name, text in {
        "index.md": "Snapcheck keeps the expected values of tests in the source code.\n",
        "configuration.md": "The default flags are set in `pyproject.toml`, in the table "
                            "`[tool.snapcheck]`.\n",
        "fix_assert.md": "A bare `assert x == ...` is filled in with the value of x.\n",
        "eq_snapshot.md": EQ,
        "cmp_snapshot.md": CMP,
        "snapshot_arg.md": "Functions can take a snapshot as their argument.\n",
        "external/index.md": "External values are kept outside the test file, one per file.\n",
        "external/overview.md": OVERVIEW,
        "external/external.md": "`external()` names a value kept in a file of its own.\n",
        "insiders.md": "Sponsors get the new features first.\n",
    }.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    if yml is not None:
        (root / "mkdocs.yml").write_text(yml.replace("{canary}", str(root / "ran")))
    return docs


def test_nav_titles_are_read_safely_from_a_real_shaped_config(tmp_path: Path) -> None:
    """Nested sections, titles that are code, a page listed without a title, a section's index
    page, an external link, an anchor and a page that no longer exists: every page the nav
    titles gets its title; the config's tags (`!ENV`, `!!python/name:`,
    `!!python/object/apply:os.system`) are read as nothing and never run."""
    docs = _site(tmp_path)
    site = read_site_config(docs)
    assert site.config == "../mkdocs.yml"
    assert site.titles == {
        "index.md": "Introduction",
        "configuration.md": "Configuration",
        "fix_assert.md": "assert x == ...",
        "eq_snapshot.md": "x == snapshot()",
        "cmp_snapshot.md": "x <= snapshot()",
        "external/index.md": "external",  # a section's index page: the section's name
        "external/overview.md": "external › Overview",  # says nothing alone
        "external/external.md": "external()",
        "gone.md": "Removed page",  # listed; no file: never used
        "insiders.md": "Insiders",
    }
    assert not (tmp_path / "ran").exists()
    # indexing the project folder itself: the same pages under docs/
    assert read_site_config(tmp_path).titles["docs/cmp_snapshot.md"] == "x <= snapshot()"
    # indexing a part of docs/: paths inside it
    assert read_site_config(docs / "external").titles == {
        "index.md": "external", "overview.md": "external › Overview",
        "external.md": "external()"}


def test_a_config_of_another_folder_or_not_yaml_is_ignored_with_a_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    docs = _site(tmp_path, "site_name: x\nnav:\n  - Home: index.md\n    - broken: [\n")
    with caplog.at_level(logging.WARNING, logger="retrieval.sitenav"):
        site = read_site_config(docs)
    assert site.titles == {}
    assert "mkdocs.yml: not valid YAML at line" in caplog.text
    # docs_dir names another folder: not this site's config
    (tmp_path / "mkdocs.yml").write_text("docs_dir: website\nnav:\n  - Home: index.md\n")
    assert read_site_config(docs).titles == {}
    (tmp_path / "mkdocs.yml").write_text("- just\n- a list\n")
    assert read_site_config(docs).titles == {}


def test_a_page_without_a_title_is_cited_by_its_nav_title(tmp_path: Path) -> None:
    """cmp_snapshot.md has no `#` title: it is cited as the site names it, "x <= snapshot()",
    not "Cmp snapshot" from its file name, in `citebot sources`, `citebot ask` and the Discord
    embed; eq_snapshot.md's own `# Equal snapshots` wins over its nav title."""
    docs = _site(tmp_path)
    engine = Engine(make_settings(docs, tmp_path / "data"))
    engine.index()
    titles = {s.source: s.title for s in engine.sources()}
    assert titles["cmp_snapshot.md"] == "x <= snapshot()"
    assert titles["eq_snapshot.md"] == "Equal snapshots"
    assert titles["external/overview.md"] == "external › Overview"
    answer = engine.ask("when is the bound of a snapshot compared with <= updated?",
                        record=False)
    top = answer.quotes[0]
    assert top.source == "cmp_snapshot.md"
    assert "cmp_snapshot.md · “x <= snapshot()” · lines" in citation_line(top)
    # Discord markup escapes the `<` of the title
    assert "`cmp_snapshot.md` · *x \\<= snapshot()* · " in render_answer(answer).description
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.pop("DISCORD_TOKEN", None)
    out = subprocess.run(
        [sys.executable, "-m", "citebot", "sources", "--docs", str(docs), "--data",
         str(tmp_path / "data")], capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 0, out.stderr
    assert "cmp_snapshot.md · “x <= snapshot()” · " in out.stdout


def test_a_changed_nav_retitles_only_the_pages_it_changes(tmp_path: Path) -> None:
    """The nav title is part of what a page's hash covers: a changed mkdocs.yml re-reads the
    pages it retitles (the report says why) and leaves the others alone; a bad YAML edit
    afterwards drops the nav titles instead of keeping stale ones or failing the index."""
    docs = _site(tmp_path)
    engine = Engine(make_settings(docs, tmp_path / "data"))
    engine.index()
    yml = tmp_path / "mkdocs.yml"
    yml.write_text(yml.read_text().replace("x <= snapshot(): cmp", "x < snapshot(): cmp"))
    summary = engine.index()
    assert summary.changed == ["cmp_snapshot.md"]
    assert summary.added == [] and summary.removed == []
    assert "changed: cmp_snapshot.md (its title in the site's nav (mkdocs.yml) changed)" in (
        render_summary(summary))
    titles = {s.source: s.title for s in engine.sources()}
    assert titles["cmp_snapshot.md"] == "x < snapshot()"
    top = engine.ask("when is the bound of a snapshot compared with <= updated?",
                     record=False).quotes[0]
    assert (top.source, top.title) == ("cmp_snapshot.md", "x < snapshot()")
    assert engine.reader.text("cmp_snapshot.md") == CMP  # the page itself is still quotable
    yml.write_text("nav: [\n")
    summary = engine.index()
    assert "snapshot_arg.md" not in summary.changed  # listed without a title: unaffected
    titles = {s.source: s.title for s in engine.sources()}
    assert titles["cmp_snapshot.md"] == "Cmp snapshot"  # mkdocs's title from the file name


PLUGIN = """\
How to make a plugin
====================

A plugin registers its stanza handlers in ``plugin_init`` and removes them in
``plugin_end``, so that unloading it leaves the client as it was.
"""

PLUGIN_PL = """\
Jak stworzyć wtyczkę
====================

Wtyczka rejestruje obsługę stanz w ``plugin_init`` i usuwa ją w ``plugin_end``, tak aby jej
wyładowanie zostawiało klienta w stanie, w jakim był.
"""


def test_translation_names_need_a_language_code_and_the_original() -> None:
    rels = ["howto/guide.rst", "howto/guide.pl.rst", "index.md", "index.fr.md",
            "index.pt-BR.md", "intro.zh_Hant.md", "intro.md", "api/setup.py.rst",
            "api/setup.rst", "v1.2.md", "v1.md", "release.1.0.md", "release.md",
            "only.de.md", "api/io.rst", "cli.sh.md", "cli.md"]
    assert translated_pages(rels) == {
        "howto/guide.pl.rst": "howto/guide.rst",
        "index.fr.md": "index.md",
        "index.pt-BR.md": "index.md",
        "intro.zh_Hant.md": "intro.md",
    }


def test_i18n_plugin_layouts_use_the_site_default_language(tmp_path: Path) -> None:
    """mkdocs-static-i18n: suffix layout with the default language suffixed too
    (`index.en.md`, `index.fr.md`), and folder layout (`en/…`, `fr/…`), from the plugin's
    config; a folder named like a language without such a config is a folder."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - search\n  - i18n:\n      docs_structure: folder\n      languages:\n"
        "        - locale: en\n          default: true\n          name: English\n"
        "        - locale: fr\n          name: Français\n")
    site = read_site_config(tmp_path / "docs")
    assert (site.languages, site.default_language) == (("en", "fr"), "en")
    rels = ["index.en.md", "index.fr.md", "en/guide.md", "fr/guide.md", "fr/only.md"]
    assert translated_pages(rels, site) == {"index.fr.md": "index.en.md",
                                            "fr/guide.md": "en/guide.md"}
    assert translated_pages(["io/index.md", "index.md", "it/x.md", "x.md"]) == {}


def test_a_translated_copy_is_left_out_and_listed(tmp_path: Path) -> None:
    """The Polish copy of a guide is not indexed beside it (it answered the same question a
    second time); the reindex report and `citebot sources` say what it translates; with
    CITEBOT_TRANSLATIONS=index it is read, and going back to skip removes it from the index."""
    docs = tmp_path / "docs"
    (docs / "howto").mkdir(parents=True)
    (docs / "howto" / "plugin.rst").write_text(PLUGIN, encoding="utf-8")
    (docs / "howto" / "plugin.pl.rst").write_text(PLUGIN_PL, encoding="utf-8")
    (docs / "setup.py.rst").write_text("Setup script\n============\n\nThe setup script "
                                       "builds the wheel from ``pyproject.toml``.\n")
    data = tmp_path / "data"
    engine = Engine(make_settings(docs, data, translations="index"))
    summary = engine.index()
    assert sorted(summary.added) == ["howto/plugin.pl.rst", "howto/plugin.rst", "setup.py.rst"]
    engine = Engine(make_settings(docs, data))  # the default: skip
    summary = engine.index()
    assert summary.removed == ["howto/plugin.pl.rst"]
    assert (f"skipped: howto/plugin.pl.rst: {TRANSLATION}howto/plugin.rst "
            "(CITEBOT_TRANSLATIONS=index reads it)") in render_summary(summary)
    assert sorted(s.source for s in engine.sources()) == ["howto/plugin.rst", "setup.py.rst"]
    quotes = engine.ask("how does a plugin register its handlers?", record=False).quotes
    assert quotes[0].source == "howto/plugin.rst"
    assert "howto/plugin.pl.rst" not in {q.source for q in quotes}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.pop("DISCORD_TOKEN", None)
    out = subprocess.run(
        [sys.executable, "-m", "citebot", "sources", "--docs", str(docs), "--data", str(data)],
        capture_output=True, text=True, env=env, timeout=180)
    assert out.returncode == 0, out.stderr
    assert ("Not indexed, 1 translation of indexed pages (CITEBOT_TRANSLATIONS=index reads "
            "them):\nhowto/plugin.pl.rst · translation of howto/plugin.rst") in out.stdout
