"""Benchmark suites, the runner and the mcubench command line."""
