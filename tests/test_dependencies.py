"""Every third-party module the product imports is a declared dependency: a plain one, or (for the few
features that say what to install when it is missing) an extra. `mcubench bench` once needed tflite_micro,
which only the test extra declared: installed as documented, it failed with an internal error."""

import ast
import importlib.metadata
from pathlib import Path
import re
import sys
import tomllib

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ["mcubench", "simulator", "cost_models", "firmware", "benchmarks", "reports"]
# Imported only by features that name the extra to install when it is missing, or by test-only paths.
OPTIONAL = {
    "distributed": "cluster",  # bench --scheduler: a one-line error names mcubench[cluster]
    "ai_edge_litert": "test",  # benchmarks/reference.py reference="litert": a second oracle for the tests
}
TRAINING = ROOT / "benchmarks" / "training"  # re-training the suite's models: the train extra


def _name(requirement):
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _imports():
    found = {}
    for root in PRODUCT:
        for path in (ROOT / root).rglob("*.py"):
            if TRAINING in path.parents:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top != "mcubench":
                        found.setdefault(top, path.relative_to(ROOT))
    return found


@pytest.mark.slow
def test_product_imports_are_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    plain = {_name(r) for r in project["dependencies"]}
    extras = {k: {_name(r) for r in v} for k, v in project["optional-dependencies"].items()}
    distributions = importlib.metadata.packages_distributions()
    for module, where in _imports().items():
        names = {_name(d) for d in distributions.get(module, [module])}
        if module in OPTIONAL:
            assert names & extras[OPTIONAL[module]], f"{module} ({where}) is not in the {OPTIONAL[module]} extra"
        else:
            assert names & plain, f"{where} imports {module}, which no plain dependency provides ({sorted(names)})"
