"""The layering contract (.importlinter, issue 36) names every app, so a new app must be given its place."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def layered_apps() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    return {name.strip() for line in layers.splitlines() for name in line.split("|") if name.strip()}


def test_every_app_has_its_place_in_the_layers():
    apps = {f"caseaudit.{path.parent.name}" for path in (ROOT / "caseaudit").glob("*/apps.py")}
    assert apps - layered_apps() == set(), "give each new app its layer in .importlinter"
    assert layered_apps() - apps == set(), "a layer names an app that is not there"


def test_the_contract_lists_no_arrow_the_wrong_way():
    # The four exceptions of decision 0099 are gone (decision 0100): an app that needs something from one
    # above it asks for a signal, a command by name or a page mounted by caseaudit/urls.py instead.
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    assert not config.has_option("importlinter:contract:layers", "ignore_imports")


def test_no_two_apps_import_each_other_even_by_a_long_way_round():
    import grimp

    graph = grimp.build_graph("caseaudit", exclude_type_checking_imports=True)
    apps = sorted(layered_apps())
    arrows = {
        a: {b for b in apps if b != a and graph.direct_import_exists(importer=a, imported=b, as_packages=True)}
        for a in apps
    }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(b == goal or (b not in seen and reaches(b, goal, seen | {b})) for b in arrows[start])

    circles = [(a, b) for a in apps for b in arrows[a] if reaches(b, a, {b})]
    assert circles == []
