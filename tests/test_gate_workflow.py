"""The example GitHub Actions workflow in docs/ stays in step with the command line it calls."""

from pathlib import Path
import shlex

import pytest
import yaml  # PyYAML comes with tflite-micro, one of the test extras

from mcubench.benchmarks.cli import build_parser

WORKFLOW = Path(__file__).resolve().parents[1] / "docs" / "ci-github-actions.yml"


def _mcubench_commands():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    env = {k: str(v) for k, v in workflow["env"].items()}
    commands = []
    for step in workflow["jobs"]["perf-gate"]["steps"]:
        for line in step.get("run", "").splitlines():
            line = line.strip()
            if line.startswith("mcubench "):
                expanded = line
                for key, value in env.items():
                    expanded = expanded.replace(f'"${key}"', value).replace(f"${key}", value)
                commands.append(shlex.split(expanded)[1:])
    return commands


def test_workflow_runs_bench_then_check():
    assert [argv[0] for argv in _mcubench_commands()] == ["bench", "check"]


@pytest.mark.parametrize("argv", _mcubench_commands(), ids=lambda argv: argv[0])
def test_every_mcubench_command_in_the_workflow_parses(argv):
    args = build_parser().parse_args(argv)  # an unknown option exits with status 2
    assert args.command == argv[0]


def test_check_step_writes_what_the_summary_step_reads():
    check = next(argv for argv in _mcubench_commands() if argv[0] == "check")
    args = build_parser().parse_args(check)
    text = WORKFLOW.read_text()
    assert f"cat {args.markdown} >> \"$GITHUB_STEP_SUMMARY\"" in text
