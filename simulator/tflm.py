"""The kernels of a TensorFlow Lite Micro firmware, found in the ELF as it was built.

Every TFLM kernel has a registration function, `tflite::Register_CONV_2D()` and so on, that returns its
TFLMRegistration (TfLiteRegistration in older releases): init, free, prepare and invoke pointers, in that
order at the start of the struct in every release (tensorflow/lite/micro/micro_common.h,
tensorflow/lite/c/common.h). The invoke pointer is the kernel's Eval function, which the interpreter
calls once per operator of that type. Running each registration function in the simulator (it only
fills the struct) reads that pointer exactly, whatever the kernel's Eval is called, whether the kernels
are the reference ones or CMSIS-NN, and without any change to the firmware.
"""

import re

from mcubench.core.errors import RegionError
from mcubench.simulator.function_names import Match, base_name, demangle

_REGISTER = re.compile(r"(?:^|::)Register_([A-Z][A-Z0-9_]*)$")
_REGISTRATION_BYTES = 32  # larger than the struct in any release
_INVOKE_OFFSET = 12  # init, free, prepare, invoke: the fourth 32-bit pointer


def kernel_regions(sim) -> list:
    """[Match]: one region per kernel Eval function, named by its op (CONV_2D, ...), in address order.

    RegionError when the ELF has no TFLM registration functions."""
    found = {}  # Eval address -> op names
    for address, symbol in zip(sim.image.symbols.starts, sim.image.symbols.names):
        demangled = demangle(symbol)
        match = _REGISTER.search(base_name(demangled))
        if not match or not demangled.endswith("()"):
            continue
        _, buffer = sim.call(address, scratch_bytes=_REGISTRATION_BYTES)
        invoke = int.from_bytes(sim.read_memory(buffer + _INVOKE_OFFSET, 4), "little") & ~1
        if sim.image.symbols.name_at(invoke) is None:
            continue  # not a registration after all (or a kernel without an invoke function)
        found.setdefault(invoke, []).append(match.group(1))
    if not found:
        raise RegionError(f"{sim.image.name}: --profile tflm found no TensorFlow Lite Micro kernel registrations "
                          "(tflite::Register_*() functions); is the ELF stripped, or not a TFLM build?")
    # An Eval several registrations share (CONV_2D and CONV_2D_INT8) is named by the shortest.
    return [Match(min(names, key=len), [address], [demangle(sim.image.symbols.name_at(address))])
            for address, names in sorted(found.items())]
