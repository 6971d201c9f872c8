"""Xtensa against RV32IMC on the same C: the dynamic instruction streams of the runtime's int8 kernels.

The ESP32 is costed from an RV32IMC proxy build (cost_models/devices/esp32.toml). This measures how far an
Xtensa stream differs from the RV32IMC one for the same source: benchmarks/isa_compare/harness.c (every
portable int8 kernel of firmware/runtime on fixed data, and two plain loops) is compiled at -O2 by Debian's
xtensa-lx106-elf-gcc 12.2 and by the project's riscv64-unknown-elf-gcc (-march=rv32imc, as firmware is
built), each run in QEMU with one instruction per translation block and every executed block logged
(`-singlestep -d exec,nochain`), so the log is the exact dynamic instruction stream. Each stream is cut into
regions at calls of isa_mark() and classified from the ELF's disassembly.

The Xtensa core QEMU and Debian's GCC know is the LX106 (ESP8266), not the ESP32's LX6. Their ISA options
differ (core-isa.h of each: QEMU target/xtensa/core-lx106, ESP-IDF components/xtensa/esp32): the LX6 adds
MUL32_HIGH, DIV32, SEXT, MINMAX/CLAMPS, LOOPS, the windowed register ABI and MAC16. The LX6 stream is derived
from the LX106 one by replacing what those options replace, each counted apart:
- a call of the 64-bit multiply helper __muldi3 becomes MULL + MULSH (2 instructions) and a call of a
  32-bit divide helper one QUOS/QUOU/REMS/REMU: the helper's instructions and the call are removed;
- `slli r, s, 24|16` ... `srai r, r, same` (sign extension of a byte or half loaded with L8UI/L16UI)
  becomes one SEXT;
- the closing branch of a single-block loop becomes a zero-overhead LOOP (the same rule the proxy applies
  to RV32 single-block loops, so both streams are treated alike);
- MIN/MAX: each conditional move (MOVLTZ/MOVGEZ/MOVEQZ/MOVNEZ) is reported; whether one MIN/MAX replaces it
  and its compare is not decided, so the LX6 figure is given without that saving and with it (a bound);
- the windowed ABI changes only call and return sequences (ENTRY/RETW instead of saving a0 and a12-a15),
  and the same 16 visible registers per function, so the kernels' loop bodies keep their spills; it is not
  applied, and the number of function entries in each region says how little it can matter.
MAC16 is not used by GCC for C code (GCC's Xtensa back end has no MAC16 patterns), so it changes nothing.

Cycles are then estimated for both streams with the ESP32 device file's LX6 timing (the proxy's rules:
1 cycle an instruction, + load-use, MUL/DIV latency, + taken-branch refill, free single-block loop closing
branches): the ratio LX6 / RV32 is the correction the proxy misses.

    python -m mcubench.benchmarks.isa_compare [--json out.json]
"""

import argparse
from collections import Counter
from dataclasses import dataclass, field
import json
from pathlib import Path
import re
import shutil
import subprocess
import sys
import tempfile

from mcubench.core.device import load_device

HERE = Path(__file__).parent / "isa_compare"
RUNTIME = Path(__file__).parent.parent / "firmware" / "runtime"
LIBC_MIN = Path(__file__).parent.parent / "firmware" / "platform" / "libc_min.c"

# The regions of harness.c, in order.
CASES = ("conv3x3", "conv1x1", "depthwise3x3", "fully_connected", "avg_pool", "max_pool", "add", "softmax",
         "requantize", "dot_loop", "copy_loop")

CFLAGS = ["-O2", "-ffunction-sections", "-fdata-sections", "-ffreestanding", "-fno-common", "-Wall",
          "-nostdlib", "-nostartfiles", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments", f"-I{RUNTIME}"]
SOURCES = [HERE / "harness.c", RUNTIME / "mcb_kernels_portable.c", RUNTIME / "mcb_kernels_extra.c", LIBC_MIN]


@dataclass(frozen=True)
class Isa:
    name: str
    compiler: str
    flags: tuple
    extra_sources: tuple
    ram_base: int
    qemu: tuple  # the command before the ELF
    loads: frozenset
    stores: frozenset
    muls: frozenset
    divs: frozenset
    jumps: frozenset  # always taken: jumps, calls, returns


XTENSA = Isa(
    name="xtensa-lx106", compiler="xtensa-lx106-elf-gcc",
    # -mlongcalls as ESP-IDF builds (the linker turns calls in range back into direct calls)
    flags=("-mlongcalls",), extra_sources=(HERE / "start_xtensa.S", HERE / "lx106_helpers.c"),
    ram_base=0x60000000,  # QEMU sim machine's sysram for the lx106 core
    qemu=("qemu-system-xtensa", "-M", "sim", "-cpu", "lx106", "-semihosting", "-device"),
    loads=frozenset({"l8ui", "l16ui", "l16si", "l32i", "l32i.n"}),
    stores=frozenset({"s8i", "s16i", "s32i", "s32i.n"}),
    muls=frozenset({"mull", "mul16s", "mul16u", "mulsh", "muluh"}),
    divs=frozenset({"quos", "quou", "rems", "remu"}),
    jumps=frozenset({"j", "jx", "call0", "callx0", "ret", "ret.n"}),
)
RV32 = Isa(
    name="rv32imc", compiler="riscv64-unknown-elf-gcc",
    flags=("-march=rv32imc", "-mabi=ilp32", "-mcmodel=medany"), extra_sources=(HERE / "start_rv32.S",),
    ram_base=0x80000000,  # QEMU virt machine's RAM
    qemu=("qemu-system-riscv32", "-M", "virt", "-bios", "none", "-kernel"),
    loads=frozenset({"lb", "lbu", "lh", "lhu", "lw"}),
    stores=frozenset({"sb", "sh", "sw"}),
    muls=frozenset({"mul", "mulh", "mulhu", "mulhsu"}),
    divs=frozenset({"div", "divu", "rem", "remu"}),
    jumps=frozenset({"j", "jr", "jal", "jalr", "call", "tail", "ret"}),
)
# Cycle ratios are summed over these groups of cases: the multiply-accumulate kernels hold most of a
# convolutional model's cycles; "int8_kernels" is every runtime kernel measured.
GROUPS = {"mac_kernels": ("conv3x3", "conv1x1", "depthwise3x3", "fully_connected"),
          "int8_kernels": CASES[:-2]}
XTENSA_HELPERS = {"__muldi3": 2, "__divsi3": 1, "__udivsi3": 1, "__modsi3": 1, "__umodsi3": 1, "udivmod": 0}
CONDITIONAL_MOVES = {"movltz", "movgez", "moveqz", "movnez"}
_REG = re.compile(r"\b(a1[0-5]|a[0-9]|zero|ra|sp|gp|tp|t[0-6]|s1[01]|s[0-9]|fp)\b")


@dataclass
class Insn:
    address: int
    size: int
    name: str
    operands: str
    function: str
    writes: str = ""
    reads: tuple = ()


@dataclass
class Tally:
    instructions: int = 0
    classes: Counter = field(default_factory=Counter)
    taken: int = 0
    not_taken: int = 0
    loop_closing: int = 0  # taken closing branches of single-block loops (free with a zero-overhead loop)
    helper_instructions: int = 0
    helper_cycles: int = 0  # cycles of the helpers' instructions and of the calls into them
    helper_calls: Counter = field(default_factory=Counter)
    sext_pairs: int = 0
    conditional_moves: int = 0
    function_entries: int = 0
    cycles: int = 0  # proxy timing rules on this stream as it is (helpers included)


def _tool(name):
    if shutil.which(name) is None:
        sys.exit(f"isa_compare: {name} not found (apt-get install gcc-xtensa-lx106 qemu-system-misc "
                 "binutils-xtensa-lx106; the RV32 toolchain comes with scripts/setup.sh)")
    return name


def build(isa, folder: Path) -> Path:
    elf = folder / f"{isa.name}.elf"
    script = folder / f"{isa.name}.ld"
    script.write_text(
        "ENTRY(_start)\nSECTIONS {\n"
        f"  . = {isa.ram_base:#x};\n"
        # Xtensa's L32R reaches literals only backwards: literal pools first
        "  .text : { *(.literal .literal.*) *(.text.start) *(.text .text.*) }\n"
        "  .rodata : { *(.rodata .rodata.* .srodata .srodata.*) }\n"
        "  .data : { *(.data .data.* .sdata .sdata.*) }\n"
        "  .bss : { *(.bss .bss.* .sbss .sbss.* COMMON) }\n"
        f"  _stack_top = {isa.ram_base + 0x100000:#x};\n}}\n")
    cmd = [_tool(isa.compiler), *isa.flags, *CFLAGS, "-T", str(script), *map(str, isa.extra_sources),
           *map(str, SOURCES), "-o", str(elf), "-lgcc"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"isa_compare: building for {isa.name} failed: {proc.stderr.strip().splitlines()[-1]}")
    return elf


def trace(isa, elf: Path, folder: Path):
    """(exit status, executed PCs in order)."""
    log = folder / f"{isa.name}.log"
    target = f"loader,file={elf},cpu-num=0" if isa.qemu[-1] == "-device" else str(elf)
    cmd = [_tool(isa.qemu[0]), *isa.qemu[1:], target, "-nographic", "-monitor", "none", "-singlestep",
           "-d", "exec,nochain", "-D", str(log)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    pcs = [int(m, 16) for m in re.findall(rb"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/", log.read_bytes(), re.M)]
    log.unlink()
    return proc.returncode, pcs


def disassemble(isa, elf: Path, pcs) -> dict:
    """Address -> Insn for every executed address. A linear sweep can lose step on Xtensa where the assembler
    padded before an aligned branch target; an executed address it missed is decoded on its own."""
    insns = _objdump(isa, elf)
    functions = sorted((a, i.function) for a, i in insns.items())
    for pc in sorted(set(pcs) - set(insns)):
        if not functions or pc < functions[0][0]:
            continue  # the machine's boot code, before the ELF (never inside a region)
        one = _objdump(isa, elf, f"--start-address={pc:#x}", f"--stop-address={pc + 4:#x}")
        if pc not in one:
            sys.exit(f"isa_compare: {isa.name}: cannot decode the executed address {pc:#x}")
        owner = max((f for f in functions if f[0] <= pc), default=(0, ""))[1]
        insns[pc] = one[pc]
        insns[pc].function = owner
    return insns


def _objdump(isa, elf: Path, *extra) -> dict:
    objdump = isa.compiler.replace("gcc", "objdump")
    text = subprocess.run([_tool(objdump), "-d", *extra, str(elf)], capture_output=True, text=True,
                          check=True).stdout
    insns, function = {}, ""
    for line in text.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if head:
            function = head.group(1)
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+([0-9a-f]+)\s+(\S+)\s*([^#<]*)", line)
        if m:
            address, raw, name, operands = int(m.group(1), 16), m.group(2), m.group(3), m.group(4).strip()
            regs = _REG.findall(operands)
            writes_first = name not in isa.stores and not _is_branch(isa, name) and name not in isa.jumps
            insn = Insn(address, len(raw) // 2, name, operands, function,
                        writes=regs[0] if regs and writes_first else "",
                        reads=tuple(regs[1:] if writes_first else regs))
            insns[address] = insn
    return insns


def _is_branch(isa, name) -> bool:
    if isa is XTENSA:
        return name.startswith("b") and name not in ("break", "break.n")
    return name.startswith("b")


def _loop_closers(isa, insns: dict) -> set:
    """Conditional backward branches whose body holds no other control transfer: single-block loops."""
    closers = set()
    ordered = sorted(insns)
    index = {a: i for i, a in enumerate(ordered)}
    for address in ordered:
        insn = insns[address]
        if not _is_branch(isa, insn.name):
            continue
        target = re.search(r"([0-9a-f]+)\s*$", insn.operands)
        if not target:
            continue
        dest = int(target.group(1), 16)
        if dest >= address or dest not in index:
            continue
        body = ordered[index[dest]:index[address]]
        if all(not _is_branch(isa, insns[a].name) and insns[a].name not in isa.jumps for a in body):
            closers.add(address)
    return closers


def _sext_ends(insns: dict) -> set:
    """`srai r, r, n` whose r was last written by `slli r, x, n` (n = 24 or 16) in the same straight-line
    code: the pair an LX6 does with one SEXT."""
    ends = set()
    ordered = sorted(insns)
    for i, address in enumerate(ordered):
        insn = insns[address]
        m = re.fullmatch(r"(a\d+), (a\d+), (24|16)", insn.operands)
        if insn.name != "srai" or not m or m.group(1) != m.group(2):
            continue
        reg, amount = m.group(1), m.group(3)
        for back in reversed(ordered[max(0, i - 16):i]):
            prior = insns[back]
            if _is_branch(XTENSA, prior.name) or prior.name in XTENSA.jumps:
                break
            if prior.writes == reg:
                if prior.name == "slli" and prior.operands.endswith(f", {amount}"):
                    ends.add(address)
                break
    return ends


def tally_regions(isa, pcs, insns, timing) -> list:
    mark = next(a for a, i in insns.items() if i.function == "isa_mark")
    cuts = [k for k, pc in enumerate(pcs) if pc == mark]
    if len(cuts) != 2 * len(CASES):
        sys.exit(f"isa_compare: {isa.name}: {len(cuts)} region marks, expected {2 * len(CASES)}")
    closers = _loop_closers(isa, insns)
    sext_ends = _sext_ends(insns) if isa is XTENSA else set()
    entry_of = {}
    for address, insn in sorted(insns.items(), reverse=True):
        entry_of[insn.function] = address
    entries = set(entry_of.values())
    tallies = []
    for start, end in zip(cuts[0::2], cuts[1::2]):
        t = Tally()
        stream = pcs[start + 1:end]  # from isa_mark's return to the call of the closing mark
        for k, pc in enumerate(stream):
            insn = insns[pc]
            nxt = insns.get(stream[k + 1]) if k + 1 < len(stream) else None
            t.instructions += 1
            in_helper = isa is XTENSA and insn.function in XTENSA_HELPERS
            calls_helper = isa is XTENSA and nxt is not None and nxt.function in XTENSA_HELPERS and not in_helper
            if in_helper:
                t.helper_instructions += 1
                if pc == entry_of[insn.function]:
                    t.helper_calls[insn.function] += 1
            elif pc in entries:
                t.function_entries += 1
            cls, cycles = _classify(isa, insn, timing)
            if cls == "load" and nxt is not None and insn.writes and insn.writes in nxt.reads:
                cycles += timing.load_use_cycles
            taken = nxt is not None and nxt.address != pc + insn.size
            if cls == "branch":
                t.taken += taken
                t.not_taken += not taken
                if taken and pc in closers:
                    t.loop_closing += 1
                    cycles -= 1  # a zero-overhead loop's branch costs nothing while it loops
                elif taken:
                    cycles += timing.branch_taken_cycles
            elif cls == "jump":
                cycles += timing.branch_taken_cycles
            if pc in sext_ends:
                t.sext_pairs += 1
            if insn.name in CONDITIONAL_MOVES:
                t.conditional_moves += 1
            t.classes[cls] += 1
            t.cycles += cycles
            if in_helper or calls_helper:
                t.helper_cycles += cycles
        tallies.append(t)
    return tallies


def _classify(isa, insn, timing):
    name = insn.name
    if name == "l32r":
        return "literal", 1
    if name in isa.loads:
        return "load", 1
    if name in isa.stores:
        return "store", 1
    if name in isa.muls:
        return "mul", timing.mul_cycles
    if name in isa.divs:
        return "div", timing.div_cycles
    if _is_branch(isa, name):
        return "branch", 1
    if name in isa.jumps or name.startswith("call"):
        return "jump", 1
    return "alu", 1


def lx6_estimate(t: Tally, timing) -> dict:
    """The LX6 stream derived from the LX106 one (module docstring): instructions and cycles."""
    calls = sum(t.helper_calls.values())
    native = sum(XTENSA_HELPERS[f] * n for f, n in t.helper_calls.items())
    native_cycles = (t.helper_calls["__muldi3"] * 2 * timing.mul_cycles
                     + (calls - t.helper_calls["__muldi3"]) * timing.div_cycles)
    removed = t.helper_instructions + calls + t.sext_pairs  # helper bodies, their calls, SLLI of SEXT pairs
    instructions = t.instructions - removed + native - t.loop_closing
    cycles = t.cycles - t.helper_cycles - t.sext_pairs + native_cycles
    return {"instructions": instructions, "instructions_minmax": instructions - t.conditional_moves,
            "cycles": cycles, "cycles_minmax": cycles - t.conditional_moves}


def abi_static_counts(folder: Path) -> dict:
    """Kernel -> (instructions with -mabi=call0, with -mabi=windowed) in GCC's assembly output: the windowed
    ABI cannot be run here (Debian's lx106 assembler has no ENTRY/RETW), so its effect is shown statically."""
    counts = {}
    for abi in ("call0", "windowed"):
        out = folder / f"kernels-{abi}.s"
        cmd = [_tool(XTENSA.compiler), f"-mabi={abi}", *XTENSA.flags, "-O2", "-ffunction-sections", "-ffreestanding",
               f"-I{RUNTIME}", "-S", str(RUNTIME / "mcb_kernels_portable.c"), "-o", str(out)]
        subprocess.run(cmd, capture_output=True, text=True, check=True)
        function = None
        for line in out.read_text().splitlines():
            head = re.match(r"^(mcb_\w+):", line)
            if head:
                function = head.group(1)
                counts.setdefault(function, [0, 0])
            elif function and re.match(r"^\t[a-z]", line):
                counts[function][abi == "windowed"] += 1
    return counts


def measure() -> dict:
    timing = load_device("esp32").need("timing")
    results = {}
    with tempfile.TemporaryDirectory(prefix="isa-compare-") as tmp:
        folder = Path(tmp)
        for isa in (RV32, XTENSA):
            elf = build(isa, folder)
            status, pcs = trace(isa, elf, folder)
            results[isa.name] = (status, tally_regions(isa, pcs, disassemble(isa, elf, pcs), timing))
        static = abi_static_counts(folder)
    (rv_status, rv), (x_status, xt) = results["rv32imc"], results["xtensa-lx106"]
    if rv_status != x_status:
        sys.exit(f"isa_compare: the two builds computed different checksums ({rv_status} vs {x_status})")
    rows = []
    for case, r, x in zip(CASES, rv, xt):
        lx6 = lx6_estimate(x, timing)
        rv_insns = r.instructions - r.loop_closing
        rows.append({
            "case": case,
            "rv32_instructions": r.instructions, "rv32_loop_closing": r.loop_closing, "rv32_cycles": r.cycles,
            "rv32_mix": dict(r.classes), "rv32_taken": r.taken,
            "lx106_instructions": x.instructions, "lx106_mix": dict(x.classes), "lx106_taken": x.taken,
            "lx106_loop_closing": x.loop_closing, "lx106_helper_instructions": x.helper_instructions,
            "lx106_helper_calls": dict(x.helper_calls), "lx106_sext_pairs": x.sext_pairs,
            "lx106_conditional_moves": x.conditional_moves, "function_entries": x.function_entries,
            "lx6_instructions": lx6["instructions"], "lx6_instructions_minmax": lx6["instructions_minmax"],
            "lx6_cycles": lx6["cycles"], "lx6_cycles_minmax": lx6["cycles_minmax"],
            "instruction_ratio": lx6["instructions"] / rv_insns,
            "cycle_ratio": lx6["cycles"] / r.cycles, "cycle_ratio_minmax": lx6["cycles_minmax"] / r.cycles,
        })
    summary = {}
    for group, cases in GROUPS.items():
        chosen = [r for r in rows if r["case"] in cases]
        summary[group] = {
            "cases": list(cases),
            "cycle_ratio": sum(r["lx6_cycles"] for r in chosen) / sum(r["rv32_cycles"] for r in chosen),
            "cycle_ratio_minmax": (sum(r["lx6_cycles_minmax"] for r in chosen)
                                   / sum(r["rv32_cycles"] for r in chosen)),
            "range": [min(r["cycle_ratio"] for r in chosen), max(r["cycle_ratio"] for r in chosen)],
        }
    return {"checksum_status": rv_status, "summary": summary, "static_call0_windowed": static, "timing": {"branch_taken_cycles": timing.branch_taken_cycles,
                                                     "load_use_cycles": timing.load_use_cycles,
                                                     "mul_cycles": timing.mul_cycles, "div_cycles": timing.div_cycles},
            "rows": rows}


def render(result) -> str:
    lines = [f"{'case':16} {'rv32 ins':>9} {'lx106 ins':>9} {'lx6 ins':>9} {'ins x':>6} "
             f"{'rv32 cyc':>9} {'lx6 cyc':>9} {'cyc x':>6} {'(minmax)':>8}  lx106 l32r/ld/st/br-taken"]
    for r in result["rows"]:
        mix = r["lx106_mix"]
        lines.append(
            f"{r['case']:16} {r['rv32_instructions']:9d} {r['lx106_instructions']:9d} {r['lx6_instructions']:9d} "
            f"{r['instruction_ratio']:6.3f} {r['rv32_cycles']:9d} {r['lx6_cycles']:9d} {r['cycle_ratio']:6.3f} "
            f"{r['cycle_ratio_minmax']:8.3f}  {mix.get('literal', 0)}/{mix.get('load', 0)}/{mix.get('store', 0)}/"
            f"{r['lx106_taken']}")
    static = result["static_call0_windowed"]
    lines.append("static instructions, -mabi=call0 -> windowed: " + ", ".join(
        f"{name[4:]} {a} -> {b}" for name, (a, b) in static.items()))
    for group, g in result["summary"].items():
        lines.append(f"{group}: LX6 / RV32 cycles {g['cycle_ratio']:.3f} (with MIN/MAX {g['cycle_ratio_minmax']:.3f}),"
                     f" per case {g['range'][0]:.3f} to {g['range'][1]:.3f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    result = measure()
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
