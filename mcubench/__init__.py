"""mcubench: instruction-level MCU simulation and energy/latency benchmarking for TinyML.

The public API (mcubench.api) is reachable from here: `mcubench.load_device(...)`, `mcubench.simulate(...)`.
It is loaded on first use, so that importing a ground-floor module (mcubench.core.*) stays light.
"""

__version__ = "0.1.0"


def _api():
    import importlib

    return importlib.import_module("mcubench.api")


def __getattr__(name):
    api = _api()

    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'mcubench' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + _api().__all__)
