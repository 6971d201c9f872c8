"""The native part of the build: the simulator's tracer hooks, a plain C shared library loaded with ctypes.

It links nothing (not even libpython or libunicorn): Unicorn's functions reach it as pointers at run time.
Everything else about the package is in pyproject.toml.
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildCtypesLibrary(build_ext):
    # No PyInit_ symbol exists or is needed: the library is opened with ctypes, not imported.
    def get_export_symbols(self, ext):
        return []


setup(
    # The parts of the tracer (simulator/_tracer.h names them); simulator/native.py compiles the same list
    # when the package was never built.
    ext_modules=[Extension("mcubench.simulator._tracer",
                           sources=[f"simulator/tracer_{part}.c" for part in ("tables", "cache", "regions", "hooks", "api")],
                           depends=["simulator/_tracer.h"], include_dirs=["simulator"], extra_compile_args=["-O2"])],
    cmdclass={"build_ext": BuildCtypesLibrary},
)
