"""The layers hold: `retrieval` (library) < `bot` (Discord) < `citebot` (application), and no
module takes part in an import cycle. Deferred imports inside functions count too (grimp reads
every import statement). `lint-imports` checks the same layer contracts from pyproject.toml."""

from __future__ import annotations

import grimp
import networkx as nx
import pytest

PACKAGES = ("retrieval", "bot", "citebot")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=True)


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """One cycle per group of modules that import each other (directly or through others)."""
    g = nx.DiGraph()
    for module in graph.modules:
        if module.split(".")[0] in PACKAGES:
            for imported in graph.find_modules_directly_imported_by(module):
                g.add_edge(module, imported)
    cycles = []
    for group in nx.strongly_connected_components(g):
        if len(group) > 1:
            cycles.append([a for a, _ in nx.find_cycle(g.subgraph(group))])
    return sorted(cycles)


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    cycles = import_cycles(graph)
    for cycle in cycles:
        print(" -> ".join([*cycle, cycle[0]]))
    assert cycles == []


@pytest.mark.parametrize("forbidden", ["bot", "citebot", "discord", "typer", "rich"])
def test_retrieval_is_a_library(graph: grimp.ImportGraph, forbidden: str) -> None:
    chain = graph.find_shortest_chain(importer="retrieval", imported=forbidden, as_packages=True)
    assert chain is None, f"retrieval imports {forbidden}: {' -> '.join(chain or ())}"


def test_bot_does_not_import_the_application(graph: grimp.ImportGraph) -> None:
    chain = graph.find_shortest_chain(importer="bot", imported="citebot", as_packages=True)
    assert chain is None, " -> ".join(chain or ())


def test_the_checker_sees_a_cycle() -> None:
    g = grimp.ImportGraph()
    for m in ("retrieval", "retrieval.a", "retrieval.b"):
        g.add_module(m)
    g.add_import(importer="retrieval.a", imported="retrieval.b")
    g.add_import(importer="retrieval.b", imported="retrieval.a")
    assert import_cycles(g) == [["retrieval.a", "retrieval.b"]] or import_cycles(g) == [
        ["retrieval.b", "retrieval.a"]
    ]
