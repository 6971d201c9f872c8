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


def test_import_contract_holds(namespace_tree):
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=namespace_tree, capture_output=True, text=True,
                          env={"PYTHONPATH": str(namespace_tree), "PATH": "/usr/bin:/bin"}, timeout=300)
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
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=bad, capture_output=True, text=True,
                          env={"PYTHONPATH": str(bad), "PATH": "/usr/bin:/bin"}, timeout=300)
    assert proc.returncode != 0
    assert "mcubench.core.upward -> mcubench.simulator.engine" in proc.stdout
