"""The instruction sets mcubench simulates: their names, as device files, traces and firmware builds spell them."""

from enum import StrEnum


class Isa(StrEnum):
    ARMV7E_M = "armv7e-m"  # Cortex-M4/M7: Thumb-2 with the DSP extension
    ARMV6_M = "armv6-m"  # Cortex-M0+: Thumb, no divide, no DSP
    RV32IMC = "rv32imc"  # RISC-V 32-bit integer, multiply/divide, compressed

    @property
    def is_arm(self) -> bool:
        return self is not Isa.RV32IMC
