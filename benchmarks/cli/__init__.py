"""The `mcubench` command: one module per subcommand, domain errors as one line on stderr.

Each subcommand module defines NAME, HELP, configure(parser) and execute(args) -> int.

The exit status (EXIT_*, printed by --help) lets CI tell "performance got worse" (1) from "the job is
misconfigured" (2) and from a bug in mcubench (3).
"""

import argparse
import importlib
import logging
import math
import os
import sys

from mcubench import __version__
from mcubench.core.errors import McubenchError

EXIT_OK = 0
EXIT_REGRESSION = 1  # `mcubench check` found a figure worse than the baseline allows
EXIT_USAGE = 2  # bad usage or bad input (a McubenchError; argparse exits 2 too)
EXIT_INTERNAL = 3  # a bug in mcubench
EXIT_FIRMWARE = 4  # the firmware `run` or `trace` ran exited with a non-zero status (--allow-exit-status)
EXIT_INTERRUPTED = 130  # SIGINT (Ctrl-C), as a shell reports a process killed by it (128 + 2)

EXIT_STATUS_HELP = """exit status:
  0    success
  1    `mcubench check` found a regression against the baseline
  2    bad usage or bad input (one line on stderr)
  3    internal error: a bug in mcubench (rerun with --traceback and report it)
  4    the firmware (`run`, `trace`) exited with a non-zero status (--allow-exit-status accepts it)
  130  interrupted (Ctrl-C)"""

# Subcommand modules, in the order `mcubench --help` lists them.
SUBCOMMAND_MODULES = ("devices", "trace", "run", "build", "platform", "bench", "report", "check", "validate")


def one_line(text: str) -> str:
    """An error message as one line: control characters from the input it quotes (a field named "\\n" in
    a JSON file, say) are shown escaped, as Python's repr shows them."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr, like every other error (argparse prints the usage too)."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"mcubench: error: {one_line(message)} (see {self.prog} --help)\n")


def positive_number(text):
    """An argparse type: a finite number > 0 (nan, inf, 0 and negatives are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, not {text}")
    return value


def non_negative_int(text):
    """An argparse type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, not {text}")
    return value


def _load_subcommands():
    modules = []
    for name in SUBCOMMAND_MODULES:
        try:
            modules.append(importlib.import_module(f"{__name__}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    return modules


def build_parser():
    parser = _Parser(
        prog="mcubench",
        description="Simulate TinyML firmware on microcontrollers and estimate latency, energy and memory.",
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mcubench {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show a Python traceback on errors")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="say on stderr what is being done (firmware builds, measured pairs)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _load_subcommands():
        sub = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP,
                                    epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
        module.configure(sub)
        sub.set_defaults(_execute=module.execute)
    return parser


def _configure_logging(verbose):
    """Diagnostics of the package's loggers go to stderr, one line each: warnings always, the steps of the
    work with --verbose. What a command prints as its result stays on stdout, and errors as they were."""
    logger = logging.getLogger("mcubench")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("mcubench: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is when a record comes (main() may run many times in one process)."""

    def emit(self, record):
        print(self.format(record), file=sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) or a usage error (2): a code, as from any command
        return stop.code
    if not getattr(args, "_execute", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    _configure_logging(args.verbose)
    try:
        return int(args._execute(args) or 0)
    except McubenchError as exc:
        if args.traceback:
            raise
        print(f"mcubench: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("mcubench: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`mcubench devices | head`): not an error; silence the flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug, not bad input: say so in one line, offer the traceback
        if args.traceback:
            raise
        print(f"mcubench: internal error: {type(exc).__name__}: {one_line(str(exc))} (rerun with --traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL


def program() -> int:
    """The `mcubench` command (console script and `python -m mcubench`): main() as a program, which ends
    on the first Ctrl-C and ignores the presses that follow while it winds down (simulator/interrupts.py).
    Tests call main() instead, so their own process keeps Python's usual Ctrl-C."""
    from mcubench.simulator import interrupts

    interrupts.end_program_on_ctrl_c()
    return main()


if __name__ == "__main__":
    sys.exit(program())
