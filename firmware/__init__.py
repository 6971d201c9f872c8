"""Firmware: the int8 C runtime, the .tflite-to-firmware compiler and the platform (start-up, linker)."""

from .compiler.build import BuildVariant, Firmware, FirmwareTensor, Layer, compile_model  # noqa: F401
from .compiler.lowering import SUPPORTED_OPS  # noqa: F401
from .compiler.tflite_reader import TensorInfo  # noqa: F401
