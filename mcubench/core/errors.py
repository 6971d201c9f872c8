"""The one exception tree of mcubench.

Every error a user can cause (bad file, bad name, firmware that faults) is a McubenchError subclass;
the CLI prints it as one line on stderr and exits non-zero. Anything else is a bug and gets a traceback
only with --traceback.
"""


class McubenchError(Exception):
    """Root of every error mcubench reports to the user as one line."""


class UsageError(McubenchError):
    """A command-line argument or option combination that cannot work."""


class DeviceError(McubenchError):
    """Unknown device name or an invalid device description file."""


class ElfError(McubenchError):
    """Not an ELF, wrong architecture, or segments outside the device's memory."""


class SimulationError(McubenchError):
    """The firmware did not run to a clean exit."""


class FirmwareFault(SimulationError):
    """The firmware faulted: carries PC, symbol, faulting address and access type."""

    def __init__(self, message, pc=None, symbol=None, address=None, access=None):
        super().__init__(message)
        self.pc = pc
        self.symbol = symbol
        self.address = address
        self.access = access


class BudgetExceeded(SimulationError):
    """The firmware ran past its instruction budget without exiting."""


class RegionError(McubenchError):
    """A region symbol that is not in the ELF, or malformed region markers."""


class TraceError(McubenchError):
    """A saved trace that cannot be read or does not fit the device asked for."""


class ModelError(McubenchError):
    """A .tflite file that is corrupt, not int8, or uses an unsupported op."""


class FitError(McubenchError):
    """A model whose weights or arena do not fit the device's flash or RAM.

    shortfalls: one (memory name, bytes needed, bytes it has) per memory that is too small; empty when
    only the message can say it."""

    def __init__(self, message, shortfalls=()):
        super().__init__(message)
        self.shortfalls = [tuple(s) for s in shortfalls]


class BuildError(McubenchError):
    """The cross-compiler or linker failed."""


class SuiteError(McubenchError):
    """A suite file, model or dataset that cannot be used."""


class ResultsError(McubenchError):
    """A results or baseline record that cannot be read."""


class OutputError(McubenchError):
    """An output file or folder cannot be written."""
