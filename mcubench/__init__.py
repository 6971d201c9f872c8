"""mcubench: instruction-level MCU simulation and energy/latency benchmarking for TinyML."""

__version__ = "0.1.0"
