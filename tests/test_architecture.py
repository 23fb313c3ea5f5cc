"""The house plan holds (docs/ARCHITECTURE.md): the core never loads Slack, no module reaches
itself again through its imports, and the import contracts in pyproject.toml are kept.

These read the code, not its behaviour: a change that tangles the layers fails here before it
is ever reviewed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage")
CORE = (
    "bot.planning",
    "bot.monitoring",
    "bot.review",
    "bot.reward",
    "bot.reporting",
    "bot.feedback",
    "bot.oneonone",
    "bot.org",
    "bot.blocks",
    "bot.ticks",
    "bot.outbox",
    "bot.ports",
)
SLACK = ("slack_sdk", "slack_bolt")
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


@pytest.mark.parametrize("package", CORE)
def test_the_core_loads_without_slack(package: str) -> None:
    """Imported in a fresh interpreter, a core package pulls in neither Slack's SDK nor Bolt
    (nor the listeners): it can be used and tested with no Slack at all."""
    probe = (
        f"import sys, {package}; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {SLACK + ('handlers',)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_no_module_reaches_itself_through_its_imports() -> None:
    """Function-level imports count: grimp reads every import statement in a module."""
    graph = grimp.build_graph(*PACKAGES)
    loops = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            chain = graph.find_shortest_chain(imported=module, importer=imported)
            if chain is not None:
                loops.append(" -> ".join((module, *chain)))
                break
    assert loops == []


def test_the_import_contracts_are_kept() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:]


def _alone(module: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True
    )
    return "" if done.returncode == 0 else f"{module}: {done.stderr.strip().splitlines()[-1]}"


def test_every_rendering_module_imports_on_its_own() -> None:
    """A Block Kit module imported first (as a listener package may) must not meet its cycle's
    package half-loaded: a package face that imports its notify modules, which import the
    blocks back, fails only at run time and only in some import orders."""
    modules = sorted(f"bot.blocks.{path.stem}" for path in (ROOT / "bot" / "blocks").glob("*.py"))
    failures = [text for text in map(_alone, modules) if text]
    assert failures == []
