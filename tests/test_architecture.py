"""The layers of pyproject.toml's import-linter contract hold: no stage imports a stage above it or beside it.

The stage folders are mapped into the mcubench namespace by the package build, which import-linter's
module walker does not follow; the test lays the namespace out as symlinks, as an installed wheel has it.
"""

from pathlib import Path
import shutil
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("simulator", "cost_models", "firmware", "benchmarks", "reports")


@pytest.fixture(scope="module")
def namespace_tree(tmp_path_factory):
    top = tmp_path_factory.mktemp("tree")
    package = top / "mcubench"
    package.mkdir()
    for entry in (ROOT / "mcubench").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for stage in STAGES:
        (package / stage).symlink_to(ROOT / stage)
    shutil.copy(ROOT / "pyproject.toml", top / "pyproject.toml")
    return top


def lint_imports(tree):
    """import-linter on the laid-out tree, in a child process whose import path is that tree only."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, timeout=300)


def test_import_contract_holds(namespace_tree):
    proc = lint_imports(namespace_tree)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def test_import_contract_catches_an_upward_import(namespace_tree, tmp_path):
    """The check is live: a core module importing a stage breaks it."""
    bad = tmp_path / "tree"
    shutil.copytree(namespace_tree, bad, symlinks=True)
    core = bad / "mcubench" / "core"
    core.unlink()
    shutil.copytree(ROOT / "mcubench" / "core", core, ignore=shutil.ignore_patterns("__pycache__"))
    (core / "upward.py").write_text("from mcubench.simulator import engine\n")
    proc = lint_imports(bad)
    assert proc.returncode != 0
    assert "mcubench.core.upward -> mcubench.simulator.engine" in proc.stdout
