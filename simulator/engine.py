"""The simulation engine: one firmware ELF loaded into Unicorn with a device's memory map, run many times.

Tracing happens in native hooks (simulator/tracer_hooks.c and the other parts _tracer.h names); this module
sets them up, services the rare events in Python (semihosting, faults) and turns the native counters into a
Trace after each run.

    sim = Simulator("fw.elf", device, function_regions=("invoke",))
    result = sim.run(writes={addr: data}, reads={"out": (addr, n)})
    result.trace.instructions, result.reads["out"]
"""

from dataclasses import dataclass
import ctypes

import numpy as np
import unicorn
from unicorn import arm_const, riscv_const
from unicorn import unicorn_const as uc_const
from unicorn.unicorn_py3.unicorn import uc_hook_h, uclib

from mcubench.core.errors import BudgetExceeded, FirmwareFault, RegionError, SimulationError, UsageError
from mcubench.simulator import interrupts, native
from mcubench.simulator.divisions import find_division_sites
from mcubench.simulator.function_names import FunctionIndex, Match
from mcubench.simulator.loader import load_image
from mcubench.simulator.regions import build_regions, rolled_up
from mcubench.simulator.host_files import HostFiles
from mcubench.simulator.semihosting import RV_EBREAK, RV_SLLI, RV_SRAI, Semihost, UnsupportedOperation
from mcubench.simulator.static_reads import LoadDecoder, find_conditional_access_sites
from mcubench.core.trace import Trace
from mcubench.core.isa import Isa

PAGE = 0x1000
# Unused RAM is filled with this byte at reset, so runs without memory tracing can still find how deep
# the stack went and which RAM was written ("stack painting").
PAINT = 0xA5
# An address no run reaches: emu_start needs one, the firmware stops by semihosting exit instead.
_NEVER = 0xFFFFFFFF
# QEMU's exception number for BKPT (target/arm/cpu.h EXCP_BKPT), as Unicorn reports it to UC_HOOK_INTR.
_EXCP_BKPT = 7
_SEMIHOST_BKPT = 0xBEAB  # BKPT #0xAB, Thumb encoding
# Wait-for-interrupt instructions: Thumb WFI, WFE (16-bit) and WFI.W, WFE.W (ARMv7-M ARM A7.7.261-262),
# RISC-V WFI (privileged ISA 3.3.3). Unicorn halts the core on them and returns from emu_start.
_ARM_WAITS = {(2, 0xBF30), (2, 0xBF20), (4, 0x8003F3AF), (4, 0x8002F3AF)}
_RV_WAITS = {(4, 0x10500073)}
# The other exception numbers QEMU's Arm model reports (target/arm/cpu.h), named for fault messages.
_ARM_EXCEPTIONS = {1: "undefined instruction", 2: "SVC", 3: "prefetch abort", 4: "data abort", 7: "breakpoint",
                   8: "exception return", 17: "coprocessor (FPU) access while disabled", 18: "invalid state",
                   19: "stack overflow", 22: "unaligned access"}

_ACCESS = {
    uc_const.UC_MEM_READ_UNMAPPED: "read of unmapped address",
    uc_const.UC_MEM_WRITE_UNMAPPED: "write to unmapped address",
    uc_const.UC_MEM_FETCH_UNMAPPED: "instruction fetch from unmapped address",
    uc_const.UC_MEM_WRITE_PROT: "write to read-only address",
    uc_const.UC_MEM_READ_PROT: "read of unreadable address",
    uc_const.UC_MEM_FETCH_PROT: "instruction fetch from non-executable address",
}

_PERMS = {
    "flash": uc_const.UC_PROT_READ | uc_const.UC_PROT_EXEC,
    "rom": uc_const.UC_PROT_READ | uc_const.UC_PROT_EXEC,
    "sram": uc_const.UC_PROT_ALL,
    "tcm": uc_const.UC_PROT_ALL,
    "peripheral": uc_const.UC_PROT_READ | uc_const.UC_PROT_WRITE,
}
_RAM_KINDS = ("sram", "tcm")


# The native tracer counts instructions in 64 bits; a larger budget would wrap (2**64 behaved as 0).
MAX_BUDGET = 2**64 - 1


def check_budget(budget) -> int:
    """An instruction budget as the tracer takes it: an integer from 1 to 2**64 - 1; UsageError otherwise."""
    if isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= MAX_BUDGET:
        raise UsageError(f"--budget must be an integer from 1 to {MAX_BUDGET}, not {budget!r}")
    return budget


@dataclass
class RunResult:
    trace: Trace
    reads: dict  # name -> bytes read from guest memory after the run


class _Arch:
    """What differs between Cortex-M and RV32 for the engine."""

    def __init__(self, device):
        self.arm = device.isa.is_arm
        if self.arm:
            self.pc, self.sp, self.ret = arm_const.UC_ARM_REG_PC, arm_const.UC_ARM_REG_SP, arm_const.UC_ARM_REG_LR
            self.arg0, self.arg1 = arm_const.UC_ARM_REG_R0, arm_const.UC_ARM_REG_R1
            self.args = (arm_const.UC_ARM_REG_R0, arm_const.UC_ARM_REG_R1, arm_const.UC_ARM_REG_R2,
                         arm_const.UC_ARM_REG_R3)
            if device.isa == Isa.ARMV6_M:
                self.cpu = arm_const.UC_CPU_ARM_CORTEX_M0
            elif device.core.startswith("cortex-m7"):
                self.cpu = arm_const.UC_CPU_ARM_CORTEX_M7
            elif device.core.startswith("cortex-m33"):
                self.cpu = arm_const.UC_CPU_ARM_CORTEX_M33
            else:
                self.cpu = arm_const.UC_CPU_ARM_CORTEX_M4
        else:
            self.pc, self.sp, self.ret = riscv_const.UC_RISCV_REG_PC, riscv_const.UC_RISCV_REG_SP, riscv_const.UC_RISCV_REG_RA
            self.arg0, self.arg1 = riscv_const.UC_RISCV_REG_A0, riscv_const.UC_RISCV_REG_A1
            self.args = (riscv_const.UC_RISCV_REG_A0, riscv_const.UC_RISCV_REG_A1, riscv_const.UC_RISCV_REG_A2,
                         riscv_const.UC_RISCV_REG_A3)
            self.cpu = None

    def new_uc(self):
        if self.arm:
            uc = unicorn.Uc(uc_const.UC_ARCH_ARM, uc_const.UC_MODE_THUMB | uc_const.UC_MODE_MCLASS)
            uc.ctl_set_cpu_model(self.cpu)
        else:
            uc = unicorn.Uc(uc_const.UC_ARCH_RISCV, uc_const.UC_MODE_RISCV32)
        return uc

    def start_address(self, pc):
        return pc | 1 if self.arm else pc


def _fn(name):
    return ctypes.cast(getattr(uclib, name), ctypes.c_void_p).value


class Simulator:
    """A firmware loaded for a device; run() as often as needed, each run from the reset state."""

    def __init__(self, elf, device, *, memory_tracing=True, caches=(), function_regions=(),
                 budget_instructions=200_000_000, exact_markers=None, static_reads=True, host_files=None,
                 command_line=None, stdin=b""):
        """exact_markers: split blocks exactly at region marker stores. It needs Unicorn to keep PC exact
        at the marker store, which a hook on the marker word buys at about 2x the untraced run time when
        memory is not traced anyway; by default (None) it is on only with memory tracing, and untraced
        runs attribute the block holding a marker store to the region it started in.

        static_reads: count loads from the data/stack RAM area by decoding the executed blocks instead of
        hooking each one (see simulator/static_reads.py); the counts are the same, the run is faster.

        host_files: the HostFiles semihosting may open (default: none); command_line: what
        SYS_GET_CMDLINE returns (default: the ELF's name); stdin: the bytes the firmware's stdin holds."""
        interrupts.install()  # Ctrl-C stops a run within milliseconds (simulator/interrupts.py)
        self.device = device
        self.exact_markers = memory_tracing if exact_markers is None else bool(exact_markers)
        self.image = load_image(elf, device)
        self.memory_tracing = bool(memory_tracing)
        self.caches = list(caches)
        for cache in self.caches:
            cache.check()
            if (cache.read or cache.write) and not self.memory_tracing:
                raise UsageError(f"cache {cache.name!r} models data accesses, which need memory tracing")
        # Each region is a name (C, mangled or demangled C++: simulator/function_names.py) or a Match
        # naming its functions directly; a name may stand for several functions.
        index = FunctionIndex(self.image)
        self.region_matches = [r if isinstance(r, Match) else index.find(str(r)) for r in function_regions]
        self.function_regions = [m.name for m in self.region_matches]
        self.region_notes = [note for m in self.region_matches for note in m.notes]
        self.budget_instructions = check_budget(budget_instructions)
        self._function_entries = [address & ~1 for m in self.region_matches for address in m.addresses]
        taken = {}
        for m in self.region_matches:
            for address in m.addresses:
                if taken.setdefault(address & ~1, m.name) != m.name:
                    raise UsageError(f"regions {taken[address & ~1]!r} and {m.name!r} are the same function "
                                     f"({self.image.describe(address & ~1)}): give it once")
        self._function_names = [m.name for m in self.region_matches for _ in m.addresses]
        self._arch = _Arch(device)
        self._areas = list(device.memory_map)
        self._ram = [a for a in self._areas if a.kind in _RAM_KINDS]
        self._stack_top, self._stack_floor = self._stack_range()
        self._static_area = self._choose_static_area() if static_reads and self.memory_tracing else None
        self._uc = self._arch.new_uc()
        self._lib = native.library()
        self._tracer = None
        self._map_memory()
        self._load_read_only_segments()
        self._setup_tracer()
        self._setup_python_hooks()
        self._context = self._uc.context_save()
        self._paint = {a.name: bytes([PAINT]) * a.size for a in self._ram}
        self.host_files = host_files or HostFiles()
        self.command_line = self.image.name if command_line is None else str(command_line)
        self.stdin = bytes(stdin)

    def __del__(self):
        tracer, lib = getattr(self, "_tracer", None), getattr(self, "_lib", None)
        if tracer and lib:
            lib.tracer_free(tracer)
            self._tracer = None

    # --- set-up ----------------------------------------------------------------------------------
    def _stack_range(self):
        """(initial SP, lowest address the stack may reach): the stack grows down towards static data."""
        area = self.device.memory_map.by_name(self.device.placement.stack)
        top = self.image.initial_sp if self.image.initial_sp is not None else area.end
        stack_area = self.device.memory_map.area_at(top - 4, 4) or area
        floor = stack_area.base
        for section in self.image.ram_sections:
            end = section.address + section.size
            if not section.placeholder and stack_area.contains(section.address) and floor < end <= top:
                floor = end
        return top, floor

    def _choose_static_area(self):
        """Index of the area whose loads are counted from the code, or None when that cannot be exact."""
        if not self.exact_markers:
            return None  # loads would be attributed to the region a split block started in
        area = self.device.memory_map.by_name(self.device.placement.data)
        if area.kind not in _RAM_KINDS:
            return None
        if any(c.read and any(lo < area.end and area.base < hi for lo, hi in (c.ranges or [(0, 1 << 32)]))
               for c in self.caches):
            return None  # a data cache needs every load's address
        return self._areas.index(area)

    def symbol_address(self, name: str) -> int:
        """Address of a symbol in the firmware (functions without the Thumb bit); RegionError if absent."""
        return self.image.symbol_address(name)

    def _page_spans(self):
        """[(base, end, perms)]: the areas rounded out to Unicorn's 4 KB pages, overlaps merged."""
        spans = []
        for area in self._areas:
            base, end = area.base & ~(PAGE - 1), (area.end + PAGE - 1) & ~(PAGE - 1)
            if spans and base < spans[-1][1]:  # two small areas share a page: map it once, allow both
                last = spans.pop()
                base, perms = last[0], last[2] | _PERMS[area.kind]
                end = max(end, last[1])
            else:
                perms = _PERMS[area.kind]
            spans.append((base, end, perms))
        return spans

    def _map_memory(self):
        uc = self._uc
        marker = self.device.marker_address
        marker_page = marker & ~(PAGE - 1) if marker is not None else None
        for base, end, perms in self._page_spans():
            if marker_page is not None and base <= marker_page < end:
                # The marker is an MMIO page of its own; the rest of the area is ordinary memory.
                if marker_page > base:
                    uc.mem_map(base, marker_page - base, perms)
                if end > marker_page + PAGE:
                    uc.mem_map(marker_page + PAGE, end - marker_page - PAGE, perms)
            else:
                uc.mem_map(base, end - base, perms)

    def _hook(self, kind, callback, user, begin=1, end=0):
        handle = uc_hook_h()
        status = uclib.uc_hook_add(self._uc._uch, ctypes.byref(handle), kind, ctypes.c_void_p(callback),
                                   ctypes.c_void_p(user), ctypes.c_uint64(begin), ctypes.c_uint64(end))
        if status != uc_const.UC_ERR_OK:
            raise SimulationError(f"cannot install a native hook: {unicorn.UcError(status)}")
        return handle.value

    def _setup_tracer(self):
        lib, arch = self._lib, self._arch
        tracer = lib.tracer_new(self._uc._uch, _fn("uc_reg_read"), _fn("uc_mem_read"), _fn("uc_emu_stop"),
                                native.ISA_CODES["thumb" if arch.arm else "rv32"], arch.sp, arch.ret, arch.pc, arch.arg0)
        if not tracer:
            raise SimulationError("cannot allocate the native tracer")
        self._tracer = tracer
        for area in self._areas:
            if lib.tracer_add_area(tracer, area.base, area.end, area.kind in _RAM_KINDS) != 0:
                raise SimulationError("too many memory areas for the native tracer")
        for address in self._function_entries:
            if lib.tracer_add_function(tracer, address) != 0:
                raise UsageError("too many function regions (at most 256)")
        for cache in self.caches:
            ranges = cache.ranges or [(0, 0xFFFFFFFF)]
            flat = (ctypes.c_uint32 * (2 * len(ranges)))(*[v for r in ranges for v in r])
            flags = sum(native.CACHE_FLAGS[k] for k in ("fetch", "read", "write", "write_allocate") if getattr(cache, k))
            if lib.tracer_add_cache(tracer, cache.line_bytes, cache.sets, cache.ways, flags, len(ranges), flat) != 0:
                raise UsageError(f"cache {cache.name!r} cannot be modelled (at most 8 caches of 8 ranges)")
        if arch.arm:
            lib.tracer_set_reg_write(tracer, _fn("uc_reg_write"), arm_const.UC_ARM_REG_XPSR)
        self._hook(uc_const.UC_HOOK_BLOCK, native.callback_address("tracer_block_hook"), tracer)
        # The heap break: one code hook on sbrk's first instruction (newlib's _sbrk, picolibc's sbrk).
        self.sbrk_symbol = next((n for n in ("_sbrk", "sbrk") if n in self.image.symbols.by_name), None)
        if self.sbrk_symbol:
            entry = self.image.symbols.by_name[self.sbrk_symbol] & ~1
            self._hook(uc_const.UC_HOOK_CODE, native.callback_address("tracer_sbrk_hook"), tracer, entry, entry)
        self._cond_sites = []
        self._load_decoder = None
        if self.memory_tracing:
            read_hook = native.callback_address("tracer_mem_read_hook")
            if self._static_area is None:
                self._hook(uc_const.UC_HOOK_MEM_READ, read_hook, tracer)
            else:
                # Watch loads everywhere except the static area (Unicorn's ranges are inclusive).
                area = self._areas[self._static_area]
                if area.base > 0:
                    self._hook(uc_const.UC_HOOK_MEM_READ, read_hook, tracer, 0, area.base - 1)
                if area.end < 1 << 32:
                    self._hook(uc_const.UC_HOOK_MEM_READ, read_hook, tracer, area.end, (1 << 32) - 1)
            self._hook(uc_const.UC_HOOK_MEM_WRITE, native.callback_address("tracer_mem_write_hook"), tracer)
        if arch.arm and (self.memory_tracing or (self.exact_markers and self.device.marker_address is not None)):
            # Conditional memory instructions: counted (loads) and flagged for the IT-state work-around.
            self._cond_sites = find_conditional_access_sites(self.image.code)
            for address in self._cond_sites:
                user = lib.tracer_add_cond_site(tracer, len(self._cond_sites))
                self._hook(uc_const.UC_HOOK_CODE, native.callback_address("tracer_cond_hook"), user, address, address)
        if self._static_area is not None:
            self._load_decoder = LoadDecoder(self.device.isa, hooked=self._cond_sites)
        # Division sites: one code hook per site, so other instructions pay nothing.
        self._div_sites = find_division_sites(self.image.code, self.device.isa) if self.memory_tracing else []
        for site in self._div_sites:
            user = lib.tracer_add_div_site(tracer, site.address, site.reg_dividend, site.reg_divisor,
                                           site.signed, len(self._div_sites))
            self._hook(uc_const.UC_HOOK_CODE, native.callback_address("tracer_div_hook"), user,
                       site.address, site.address)
        marker = self.device.marker_address
        if marker is not None:
            page = marker & ~(PAGE - 1)
            lib.tracer_set_marker(tracer, marker - page, int(self.exact_markers))
            status = uclib.uc_mmio_map(self._uc._uch, page, PAGE,
                                       ctypes.c_void_p(native.callback_address("tracer_mmio_read")), ctypes.c_void_p(tracer),
                                       ctypes.c_void_p(native.callback_address("tracer_mmio_write")), ctypes.c_void_p(tracer))
            if status != uc_const.UC_ERR_OK:
                raise SimulationError(f"cannot map the region marker page: {unicorn.UcError(status)}")
            if self.exact_markers and not self.memory_tracing:
                self._hook(uc_const.UC_HOOK_MEM_WRITE, native.callback_address("tracer_sync_hook"), tracer,
                           marker, marker + 3)

    def _reset_tracer(self, budget):
        if self._lib.tracer_reset(self._tracer, budget) != 0:
            raise SimulationError(f"{self.image.name}: the native tracer ran out of memory before the run")

    def _setup_python_hooks(self):
        # Rare events only: a Python hook here costs nothing per instruction.
        self._uc.hook_add(uc_const.UC_HOOK_MEM_INVALID, self._on_invalid_access)
        if self._arch.arm:
            self._uc.hook_add(uc_const.UC_HOOK_INTR, self._on_interrupt)

    # --- callbacks (guarded: the first exception is kept and re-raised after emu_start) -----------
    def _keep_error(self, exc):
        if self._error is None:
            self._error = exc
        self._uc.emu_stop()

    def _on_invalid_access(self, uc, access, address, size, value, user):
        if self._bad_access is None:
            self._bad_access = (access, address, size)
        return False

    def _on_interrupt(self, uc, intno, user):
        try:
            pc = uc.reg_read(self._arch.pc)
            if intno == _EXCP_BKPT and int.from_bytes(uc.mem_read(pc, 2), "little") == _SEMIHOST_BKPT:
                self._semihost_call()
                if self._semihost.exit_status is not None:
                    uc.emu_stop()
                else:
                    # Unicorn leaves PC at the BKPT: step over it, staying in Thumb state.
                    uc.reg_write(self._arch.pc, (pc + 2) | 1)
                return
            what = _ARM_EXCEPTIONS.get(intno, f"exception {intno}")
            raise FirmwareFault(f"{self.image.name}: firmware fault: {what} at {self.image.describe(pc)}",
                                pc=pc, symbol=self.image.symbols.name_at(pc), address=pc, access="execute")
        except Exception as exc:  # noqa: BLE001 - kept and re-raised after emu_start
            self._keep_error(exc)

    def _semihost_call(self):
        uc = self._uc
        try:
            result = self._semihost.call(uc.reg_read(self._arch.arg0), uc.reg_read(self._arch.arg1))
        except UnsupportedOperation as exc:
            pc = uc.reg_read(self._arch.pc)
            raise SimulationError(f"{self.image.name}: {exc} at {self.image.describe(pc)}") from None
        uc.reg_write(self._arch.arg0, result & 0xFFFFFFFF)

    def _rv_semihost_trap(self, pc) -> bool:
        """At an EBREAK: service it if it is the semihosting sequence; True when serviced."""
        uc = self._uc
        try:
            before, here, after = (int.from_bytes(uc.mem_read(pc + d, 4), "little") for d in (-4, 0, 4))
        except unicorn.UcError:
            return False
        if (before, here, after) != (RV_SLLI, RV_EBREAK, RV_SRAI):
            return False
        self._semihost_call()
        return True

    # --- running -----------------------------------------------------------------------------
    def read_memory(self, address, n) -> bytes:
        """n bytes of guest memory as the last run (or call) left them; SimulationError if unmapped."""
        return self._read(address, n)

    def _read(self, address, n):
        try:
            return bytes(self._uc.mem_read(address, n))
        except unicorn.UcError:
            raise SimulationError(f"cannot read {n} bytes at {address:#010x}: not mapped") from None

    def _load_read_only_segments(self):
        # Once: the firmware cannot write flash, and each Unicorn write to read-only memory changes its
        # protection back and forth, which fragments Unicorn's memory map and slows later runs.
        for seg in self.image.segments:
            if seg.data and not self._writable(seg.address):
                self._uc.mem_write(seg.address, seg.data)

    def _writable(self, address):
        area = self.device.memory_map.area_at(address)
        return area is not None and _PERMS[area.kind] & uc_const.UC_PROT_WRITE

    def _reset_memory(self, writes):
        uc = self._uc
        for area in self._ram:
            uc.mem_write(area.base, self._paint[area.name])
        for seg in self.image.segments:
            if seg.data and self._writable(seg.address):
                uc.mem_write(seg.address, seg.data)
        for address, data in (writes or {}).items():
            area = self.device.memory_map.area_at(address, max(len(data), 1))
            if area is None:
                raise UsageError(f"cannot write {len(data)} bytes at {address:#010x}: outside device memory")
            uc.mem_write(address, bytes(data))

    def run(self, writes=None, reads=None, *, budget_instructions=None) -> RunResult:
        """Run from reset to the firmware's exit; writes are applied after loading, reads taken at exit."""
        uc, lib, arch = self._uc, self._lib, self._arch
        budget = self.budget_instructions if budget_instructions is None else check_budget(budget_instructions)
        self._reset_memory(writes)
        uc.context_restore(self._context)
        if self.image.initial_sp is not None:
            uc.reg_write(arch.sp, self.image.initial_sp)
        self._reset_tracer(budget)
        self._semihost = Semihost(self._read, self._write_guest, files=self.host_files,
                                  command_line=self.command_line, stdin=self.stdin,
                                  instructions=lambda: int(lib.tracer_icount(self._tracer)),
                                  tick_hz=self._tick_hz(), heap_info=self._heap_info())
        self._error = None
        self._bad_access = None
        self._halted_pc = None
        try:
            self._emulate(budget)
        finally:
            self._semihost.close_all()
        trace = self._collect()
        out = {name: self._read(address, n) for name, (address, n) in (reads or {}).items()}
        return RunResult(trace, out)

    def call(self, address, args=(), *, budget_instructions=100_000, scratch_bytes=0):
        """Runs one function of the firmware on its own, from the reset state, and returns (result register,
        the scratch buffer's address): for probing what firmware sets up (simulator/tflm.py). args go in the
        argument registers; a scratch buffer of scratch_bytes above the stack is passed first when asked for,
        as a function returning a struct gets its result pointer. Nothing of it carries over to run()."""
        uc, lib, arch = self._uc, self._lib, self._arch
        self._reset_memory(None)
        uc.context_restore(self._context)
        self._reset_tracer(budget_instructions)
        self._semihost = Semihost(self._read, self._write_guest)
        self._error = self._bad_access = self._halted_pc = None
        sp = (self._stack_top - ((scratch_bytes + 7) & ~7)) & ~7
        registers = ([sp] if scratch_bytes else []) + list(args)
        for reg, value in zip(arch.args, registers):
            uc.reg_write(reg, value & 0xFFFFFFFF)
        uc.reg_write(arch.sp, sp - 64)
        back = self.image.entry  # any address the function cannot return to on its own
        uc.reg_write(arch.ret, arch.start_address(back))
        try:
            interrupts.emu_start(uc, arch.start_address(address), back)
        except unicorn.UcError as exc:
            raise self._fault(exc, uc.reg_read(arch.pc)) from None
        if self._error is not None:
            raise self._error
        if lib.tracer_budget_hit(self._tracer) or uc.reg_read(arch.pc) != back:
            raise SimulationError(f"{self.image.name}: {self.image.describe(address)} did not return "
                                  f"within {budget_instructions:,} instructions")
        return uc.reg_read(arch.arg0), sp

    def _emulate(self, budget):
        uc, lib, arch = self._uc, self._lib, self._arch
        pc = self.image.entry
        while True:
            try:
                interrupts.emu_start(uc, arch.start_address(pc), _NEVER)
            except unicorn.UcError as exc:
                if self._error is not None:
                    break
                pc = uc.reg_read(arch.pc)
                if (not arch.arm and exc.errno == uc_const.UC_ERR_INSN_INVALID and self._rv_semihost_trap(pc)
                        and self._semihost.exit_status is None):
                    pc += 4
                    continue
                if self._semihost.exit_status is None:
                    raise self._fault(exc, pc) from None
            break
        if self._error is not None:
            raise self._error
        if lib.tracer_budget_hit(self._tracer):
            pc = uc.reg_read(arch.pc)
            raise BudgetExceeded(f"{self.image.name}: did not exit within the budget of {budget:,} instructions "
                                 f"(stopped at {self.image.describe(pc)}); raise it with --budget")
        error = lib.tracer_error(self._tracer)
        if error == native.TRACER_ERRORS["regions_too_deep"]:
            raise RegionError(f"{self.image.name}: regions nested deeper than 512 or more than 1024 region names")
        if error == native.TRACER_ERRORS["end_without_begin"]:
            raise RegionError(f"{self.image.name}: region end marker without a matching begin "
                              f"at {self.image.describe(uc.reg_read(arch.pc))}")
        if error == native.TRACER_ERRORS["out_of_memory"]:
            raise SimulationError(f"{self.image.name}: the native tracer ran out of memory at "
                                  f"{self.image.describe(uc.reg_read(arch.pc))}; its counts would be incomplete")
        if self._semihost.exit_status is None and self._idle_pc() is None:
            pc = uc.reg_read(arch.pc)
            self._halted_pc = self._waited_before(pc)
            if self._halted_pc is None:
                raise SimulationError(f"{self.image.name}: stopped without exiting at {self.image.describe(pc)}")

    def _waited_before(self, pc):
        """The address of the WFI/WFE that ends just before pc, or None. No interrupt ever comes in the
        simulation, so a core that waits for one sleeps for good: the firmware has parked."""
        waits = _ARM_WAITS if self._arch.arm else _RV_WAITS
        for length, word in waits:
            try:
                if int.from_bytes(self._uc.mem_read(pc - length, length), "little") == word:
                    return pc - length
            except unicorn.UcError:
                continue
        return None

    def _idle_pc(self):
        """Where the firmware parked (an idle loop, or WFI with nothing to wake it), or None."""
        parked = int(self._lib.tracer_parked_pc(self._tracer))
        if parked:
            return parked
        return self._halted_pc

    def _tick_hz(self):
        """Semihosting's tick rate: the device's default clock, one tick per executed instruction (1 MHz
        for a device description without a clock)."""
        mhz = self.device.clock.default_mhz if self.device.clock is not None else 1.0
        return int(round(mhz * 1e6))

    def _heap_info(self):
        """(heap base, heap limit, stack base, stack limit) for SYS_HEAPINFO: the heap from the end of
        static data up to the stack, which grows down from the initial SP to meet it."""
        return self._stack_floor, self._stack_top, self._stack_top, self._stack_floor

    def _write_guest(self, address, data):
        area = self.device.memory_map.area_at(address, max(len(data), 1))
        if area is None or not _PERMS[area.kind] & uc_const.UC_PROT_WRITE:
            raise SimulationError(f"semihosting cannot write {len(data)} bytes at {address:#010x}: "
                                  "not in writable device memory")
        self._uc.mem_write(address, bytes(data))

    def _fault(self, exc, pc):
        symbol = self.image.symbols.name_at(pc)
        where = self.image.describe(pc)
        if self._bad_access is not None:
            access, address, size = self._bad_access
            what = _ACCESS.get(access, "invalid access to")
            return FirmwareFault(f"{self.image.name}: firmware fault: {what} {address:#010x} ({size} bytes) at {where}",
                                 pc=pc, symbol=symbol, address=address, access=what.split()[0])
        if exc.errno == uc_const.UC_ERR_INSN_INVALID:
            return FirmwareFault(f"{self.image.name}: firmware fault: invalid instruction at {where}",
                                 pc=pc, symbol=symbol, address=pc, access="execute")
        return FirmwareFault(f"{self.image.name}: firmware fault: {exc} at {where}", pc=pc, symbol=symbol)

    # --- results -----------------------------------------------------------------------------
    def _collect(self) -> Trace:
        lib, t = self._lib, self._tracer
        n = lib.tracer_nblocks(t)
        cols = [np.zeros(n, dtype=np.uint32) for _ in range(4)] + [np.zeros(n, dtype=np.uint64) for _ in range(3)]
        lib.tracer_blocks(t, *(c.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32 if c.dtype == np.uint32 else ctypes.c_uint64))
                               for c in cols))
        addr, size, ninsn, ctx, count, fall, changes = cols
        nctx = lib.tracer_nctx(t)
        nareas, ncaches, nsites = len(self._areas), len(self.caches), len(self._div_sites)
        parent = np.zeros(nctx, dtype=np.uint32)
        region = np.zeros(nctx, dtype=np.uint32)
        mem = np.zeros((nctx, nareas + 1, len(native.MEMORY_COUNTERS)), dtype=np.uint64)
        cache = np.zeros((nctx, max(ncaches, 1), len(native.CACHE_COUNTERS)), dtype=np.uint64)
        cache_area = np.zeros((nctx, max(ncaches, 1), nareas + 1, len(native.CACHE_AREA_COUNTERS)), dtype=np.uint64)
        div = np.zeros((nctx, max(nsites, 1), native.HIST_BINS), dtype=np.uint64)
        cond = np.zeros((nctx, max(len(self._cond_sites), 1)), dtype=np.uint64)
        p32, p64 = ctypes.POINTER(ctypes.c_uint32), ctypes.POINTER(ctypes.c_uint64)
        lib.tracer_contexts(t, parent.ctypes.data_as(p32), region.ctypes.data_as(p32), mem.ctypes.data_as(p64),
                            cache.ctypes.data_as(p64), cache_area.ctypes.data_as(p64), div.ctypes.data_as(p64),
                            cond.ctypes.data_as(p64))
        if self._static_area is not None:
            self._add_static_reads(mem, cond, addr, size, ctx, count)
        nmarks = lib.tracer_nmarks(t)
        marks = np.zeros(max(nmarks, 1), dtype=np.uint32)
        calls = np.zeros(len(self._function_entries) + nmarks + 1, dtype=np.uint64)
        lib.tracer_marks(t, marks.ctypes.data_as(p32), calls.ctypes.data_as(p64))
        region_names = self._function_names + [self._marker_name(int(a)) for a in marks[:nmarks]]

        blocks = dict(address=addr, size=size, instructions=ninsn, ctx=ctx, count=count, fallthrough=fall,
                      target_changes=changes)
        everything = np.ones(nctx, dtype=bool)
        parts = dict(blocks=blocks, mem=mem, cache=cache, cache_area=cache_area, div=div)
        total = rolled_up(parts, everything, self._areas, self.caches, self._div_sites)
        stack, heap, touched = self._memory_use()
        idle_pc = self._idle_pc() if self._semihost.exit_status is None else None
        trace = Trace(
            isa=self.device.isa, device=self.device.name, elf_sha256=self.image.sha256,
            exit_status=self._semihost.exit_status, console_bytes=bytes(self._semihost.console),
            idle_pc=idle_pc, idle_function=self.image.symbols.name_at(idle_pc) if idle_pc is not None else None,
            host_notes=list(self._semihost.notes),
            blocks=total.blocks, image=self.image.info, code=list(self.image.code),
            memory=total.memory if self.memory_tracing else {}, caches=total.caches, divisions=total.divisions,
            stack_high_water_bytes=stack, ram_touched_bytes=touched, heap_bytes=heap,
            memory_traced=self.memory_tracing,
        )
        trace.regions = build_regions(parts, parent, region, region_names, calls, self._areas, self.caches,
                                      self._div_sites, self.memory_tracing)
        return trace

    def _add_static_reads(self, mem, cond, addr, size, ctx, count):
        """Loads of the unwatched area per context: all loads executed minus those watched elsewhere."""
        nctx = mem.shape[0]
        reads = np.zeros(nctx, dtype=np.int64)
        read_bytes = np.zeros(nctx, dtype=np.int64)
        conditional = {}
        for a, n, c, k in zip(addr.tolist(), size.tolist(), ctx.tolist(), count.tolist()):
            if not k:
                continue
            loads = self._load_decoder.block(a, self._uc.mem_read(a, n))
            reads[c] += k * loads.reads
            read_bytes[c] += k * loads.read_bytes
            conditional.update(loads.conditional)
        for i, site in enumerate(self._cond_sites):
            if site in conditional:
                accesses, nbytes = conditional[site]
                reads += cond[:, i].astype(np.int64) * accesses
                read_bytes += cond[:, i].astype(np.int64) * nbytes
        s = self._static_area
        others = [i for i in range(mem.shape[1]) if i != s]
        reads -= mem[:, others, 0].sum(axis=1).astype(np.int64)
        read_bytes -= mem[:, others, 2].sum(axis=1).astype(np.int64)
        if (reads < 0).any() or (read_bytes < 0).any():
            raise SimulationError(f"{self.image.name}: decoded loads disagree with the traced ones; "
                                  "rerun with static_reads=False and report this firmware")
        mem[:, s, 0] += reads.astype(np.uint64)
        mem[:, s, 2] += read_bytes.astype(np.uint64)

    def _marker_name(self, address):
        try:
            raw = self._semihost._string(address)
        except SimulationError:
            return f"region@{address:#010x}"
        return raw.decode("utf-8", errors="replace") or f"region@{address:#010x}"

    def _written(self):
        """{RAM area name: bool per byte, written during the run}: exact from the write hook, else from
        the paint (a byte the firmware left holding the paint value itself looks unwritten)."""
        lib, t = self._lib, self._tracer
        out = {}
        for i, area in enumerate(self._ram):
            if self.memory_tracing:
                bits = np.zeros((area.size + 7) // 8, dtype=np.uint8)
                lib.tracer_ram_bits(t, i, bits.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8)))
                out[area.name] = np.unpackbits(bits, bitorder="little")[:area.size].astype(bool)
            else:
                data = np.frombuffer(self._uc.mem_read(area.base, area.size), dtype=np.uint8)
                out[area.name] = data != PAINT
        return out

    def _memory_use(self):
        """(stack high-water, heap high-water, RAM bytes written), in bytes.

        The heap is the highest break sbrk() reached above the first one. The stack is measured from its
        initial SP down to the lowest byte written between there and the heap's top (or the end of
        static data when there is no heap), so heap blocks are never counted as stack."""
        lib, t = self._lib, self._tracer
        written = self._written()
        touched = int(sum(int(w.sum()) for w in written.values()))
        base, top = int(lib.tracer_heap_base(t)), int(lib.tracer_heap_top(t))
        heap = top - base if base else 0
        floor = self._stack_floor
        if base and floor <= top <= self._stack_top:
            floor = top
        stack = 0
        area = self.device.memory_map.area_at(self._stack_top - 1)
        if area is not None and area.name in written and floor < self._stack_top:
            used = np.flatnonzero(written[area.name][floor - area.base:self._stack_top - area.base])
            if used.size:
                stack = self._stack_top - floor - int(used[0])
        return stack, heap, touched


def simulate(elf, device, *, writes=None, reads=None, **options) -> Trace:
    """Load, run once, return the Trace."""
    return Simulator(elf, device, **options).run(writes=writes, reads=reads).trace
