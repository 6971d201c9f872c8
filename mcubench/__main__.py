"""`python -m mcubench`: the same command line as the `mcubench` script."""

import sys

from mcubench.benchmarks.cli import main

sys.exit(main())
