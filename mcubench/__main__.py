"""`python -m mcubench`: the same command line as the `mcubench` script."""

import sys

from mcubench.benchmarks.cli import program

sys.exit(program())
