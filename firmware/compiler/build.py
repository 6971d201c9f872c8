"""compile_model: .tflite -> firmware ELF for a device, with its layer table and arena plan.

Builds are cached by a hash of everything that determines the ELF (model bytes, device description,
kernel choice, runtime/compiler/platform sources), so a suite run builds each model x device once.
"""

from dataclasses import asdict, dataclass, fields, replace
import hashlib
import json
import logging
import os
from pathlib import Path
import re
import shutil
import tempfile

import numpy as np
from elftools.elf.elffile import ELFFile

from mcubench.core.atomic import write_bytes_atomic
from mcubench.core.elf import ram_sections, read_symbols, section_sizes, stored_address
from mcubench.core.errors import BuildError, FitError, ModelError
from mcubench.core.isa import Isa

from mcubench.firmware.platform.toolchain import cache_root

from .codegen import generate_c
from .lowering import lower
from .model_checks import check_graph
from .planner import plan_arena
from .tflite_reader import TensorInfo, read_model

log = logging.getLogger(__name__)

FIRMWARE_DIR = Path(__file__).resolve().parent.parent
RUNTIME_DIR = FIRMWARE_DIR / "runtime"
STACK_BYTES = 4096  # the deepest kernel call chain needs well under 1 KB; the rest is margin
KERNEL_CHOICES = ("auto", "portable", "dsp")
# Multiplies and adds rounded separately, never fused: the float kernels then round as TFLite Micro's
# reference kernels do on a host without fused multiply-add (mcb_kernels_f32.h).
FLOAT_CFLAGS = ("-ffp-contract=off",)
_CTYPE_BYTES = {"int8_t": 1, "int16_t": 2, "int32_t": 4, "int64_t": 8, "float": 4}


@dataclass(frozen=True)
class BuildVariant:
    """How the firmware's code is laid out and unrolled: the choices made for the cost models' fetch, branch
    and cache rules, which benchmarks/kernel_ablation.py measures on and off. A field left None takes the
    project's choice for the device (project_tuning); compile_model(variant=...) builds another.

    The DSP fields act on the ARMv7E-M DSP kernels only (mcb_kernels_dsp.c), weight_chunks only where a
    data cache of at most 1 KB is in front of the weights."""

    align_loops: int | None = None  # bytes loop heads start on: -falign-loops and the DSP kernels' asm loops
    depthwise_align: int | None = None  # bytes the DSP depthwise kernel starts on (1: where the linker puts it)
    const_align: int | None = None  # bytes the model's constant arrays start on (at least 4: kernels read words)
    mac_groups: int | None = None  # groups of four k per iteration of the DSP 2x2 MAC loop: 1, 2 or 4
    widen_groups: int | None = None  # groups per iteration of the DSP im2col widening: 1 or 2
    add_elements: int | None = None  # elements per iteration of the DSP ADD loop: 1 or 2
    weight_chunks: bool | None = None  # walk weight rows in chunks that stay in a small data cache

    def over(self, base: "BuildVariant") -> "BuildVariant":
        """This variant, its unset fields taken from base."""
        return replace(base, **{f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None})

    def check(self):
        allowed = {"align_loops": (1, 2, 4, 8, 16, 32), "depthwise_align": (1, 2, 4, 8, 16, 32, 64),
                   "const_align": (4, 8, 16, 32), "mac_groups": (1, 2, 4), "widen_groups": (1, 2),
                   "add_elements": (1, 2), "weight_chunks": (False, True)}
        for name, values in allowed.items():
            value = getattr(self, name)
            if value is not None and (value not in values or isinstance(value, bool) != (name == "weight_chunks")):
                raise BuildError(f"build variant: {name} must be one of {', '.join(map(str, values))}, not {value!r}")
        return self


# The project's choices (benchmarks/kernel_ablation.py measured each on the default suite; its docstring
# has the figures and the rule: a choice is kept on a core only where that core's validated model rewards it).
_PLAIN = BuildVariant(align_loops=1, depthwise_align=1, const_align=4, mac_groups=1, widen_groups=1, add_elements=1,
                      weight_chunks=False)
_TUNING = {
    "cortex-m4": BuildVariant(align_loops=4, depthwise_align=32, const_align=8, mac_groups=4, widen_groups=2, add_elements=2,
                              weight_chunks=True),
    "cortex-m7": BuildVariant(mac_groups=4, widen_groups=2, add_elements=2),
}


def project_tuning(device, kernels) -> BuildVariant:
    """The project's build choices for a device (every field set), by the timing model its figures come from."""
    tuned = _TUNING.get(device.timing.model, BuildVariant())
    if kernels != "dsp":  # the constants' alignment beyond a word is for the DSP kernels' LDRD
        tuned = BuildVariant(align_loops=tuned.align_loops)
    return effective_variant(tuned, device, kernels)


def effective_variant(variant, device, kernels) -> BuildVariant:
    """variant over the plain build, with the fields that cannot act on this build plain: the DSP fields
    without the DSP kernels, weight_chunks without a data cache of at most 1 KB in front of the weights. Two
    variants with the same effective variant build the same firmware."""
    variant = variant.over(_PLAIN)
    if kernels != "dsp":
        return replace(_PLAIN, align_loops=variant.align_loops, const_align=variant.const_align)
    if not 0 < _weight_cache_bytes(device) <= 1024:
        variant = replace(variant, weight_chunks=False)
    return variant


def _variant_flags(variant, device, kernels):
    """(defines, extra compiler flags) that build a resolved variant."""
    defines, cflags = {}, []
    if variant.align_loops > 1:
        cflags.append(f"-falign-loops={variant.align_loops}")
    if kernels == "dsp":
        defines = {"MCB_KERNELS_DSP": None, "MCB_LOOP_ALIGN": variant.align_loops,
                   "MCB_DW_ALIGN": variant.depthwise_align, "MCB_MAC_GROUPS": variant.mac_groups,
                   "MCB_WIDEN_GROUPS": variant.widen_groups, "MCB_ADD_ELEMENTS": variant.add_elements}
        cache_bytes = _weight_cache_bytes(device)
        if variant.weight_chunks and cache_bytes:
            defines["MCB_WEIGHT_CACHE_BYTES"] = cache_bytes
    return defines, cflags


@dataclass(frozen=True)
class FirmwareTensor(TensorInfo):
    """The model's input or output in the firmware image."""

    symbol: str
    address: int  # where the simulator writes (input: the stored image of .data) or reads (output)


@dataclass(frozen=True)
class Layer:
    index: int
    name: str
    op: str
    input_shapes: tuple
    output_shape: tuple
    macs: int
    region: str  # the region marker name around this layer's code
    weights_bytes: int = 0  # constants the layer's code reads: packed weights, bias, requantization tables


@dataclass
class Firmware:
    elf_path: Path
    model_name: str
    device: str
    kernels: str
    input: FirmwareTensor
    output: FirmwareTensor
    layers: list
    arena_bytes: int
    arena_lower_bound_bytes: int
    weights_bytes: int
    compiler: str
    cflags: str
    plan: dict

    def to_dict(self):
        return {
            "model": self.model_name, "device": self.device, "kernels": self.kernels,
            "elf": str(self.elf_path), "compiler": self.compiler, "cflags": self.cflags,
            "input": asdict(self.input), "output": asdict(self.output),
            "arena_bytes": self.arena_bytes, "arena_lower_bound_bytes": self.arena_lower_bound_bytes,
            "weights_bytes": self.weights_bytes,
            "layers": [asdict(layer) for layer in self.layers],
            "plan": self.plan,
        }

    @classmethod
    def from_dict(cls, d, elf_path):
        def tensor(t):
            return FirmwareTensor(**dict(t, shape=tuple(t["shape"])))
        layers = [Layer(l["index"], l["name"], l["op"], tuple(tuple(s) for s in l["input_shapes"]),
                        tuple(l["output_shape"]), l["macs"], l["region"], l.get("weights_bytes", 0))
                  for l in d["layers"]]
        return cls(Path(elf_path), d["model"], d["device"], d["kernels"], tensor(d["input"]), tensor(d["output"]),
                   layers, d["arena_bytes"], d["arena_lower_bound_bytes"], d["weights_bytes"], d["compiler"],
                   d["cflags"], d["plan"])


def cache_dir() -> Path:
    return cache_root() / "firmware"


def _source_files():
    files = []
    for sub in ("runtime", "compiler", "platform", "include"):
        files += sorted(p for p in (FIRMWARE_DIR / sub).iterdir() if p.suffix in (".c", ".h", ".S", ".py"))
    return files


def _build_key(model_bytes, device, kernels, variant) -> str:
    h = hashlib.sha256()
    h.update(model_bytes)
    h.update(json.dumps(device.raw, sort_keys=True, default=str).encode())
    h.update(kernels.encode())
    h.update(json.dumps(asdict(variant), sort_keys=True).encode())
    for f in _source_files():
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:24]


def resolve_kernels(kernels, device) -> str:
    if kernels not in KERNEL_CHOICES:
        raise BuildError(f"kernels must be one of {', '.join(KERNEL_CHOICES)}, not {kernels!r}")
    if kernels == "auto":
        return "dsp" if device.isa == Isa.ARMV7E_M and (RUNTIME_DIR / "mcb_kernels_dsp.c").exists() else "portable"
    if kernels == "dsp" and device.isa != Isa.ARMV7E_M:
        raise BuildError(f"device {device.name}: DSP kernels need an ARMv7E-M core (this one is {device.isa})")
    return kernels


def kernel_sources(kernels):
    sources = [RUNTIME_DIR / "mcb_kernels_portable.c", RUNTIME_DIR / "mcb_kernels_extra.c",
               RUNTIME_DIR / "mcb_kernels_f32.c", RUNTIME_DIR / "mcb_kernels_s16.c"]
    if kernels == "dsp":
        sources.append(RUNTIME_DIR / "mcb_kernels_dsp.c")
    return [s for s in sources if s.exists()]


def _weights_bytes(graph):
    """Bytes of the model's constant tensors that operators use (filters, biases, constant operands)."""
    used = {i for op in graph.operators for i in op.inputs if i >= 0}
    return sum(graph.tensors[i].nbytes for i in used if graph.tensors[i].data is not None)


def _step_constants_bytes(step):
    """Bytes of the constants one step's code reads: packed weights plus requantization tables."""
    return sum(len(np.asarray(c.values).reshape(-1)) * _CTYPE_BYTES[c.ctype] for c in step.consts)


def _constants_bytes(steps):
    """Bytes of the constants the firmware holds."""
    return sum(_step_constants_bytes(s) for s in steps)


def translate(model_path, kernels="portable", const_align=4):
    """Read, lower and plan a model: (graph, steps, plan, C source); const_align: the bytes the constant
    arrays start on (compile_model passes the device's choice, BuildVariant.const_align)."""
    graph = read_model(model_path)
    check_graph(graph, model_path)
    if len(graph.inputs) != 1 or len(graph.outputs) != 1:
        raise ModelError(f"{model_path}: models with {len(graph.inputs)} inputs and {len(graph.outputs)} outputs "
                         "are not supported (one of each)")
    steps = lower(graph, kernels)
    plan = plan_arena(graph, steps)
    return graph, steps, plan, generate_c(graph, steps, plan, const_align)


def _symbols(elf_path, names):
    """Run (VMA) and stored (LMA) address of each symbol."""
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        by_name = read_symbols(elf).by_name
        found = {}
        for name in names:
            if name not in by_name:
                raise BuildError(f"{elf_path.name}: symbol {name} missing after link")
            found[name] = (by_name[name], stored_address(elf, by_name[name]))
    return found


def _sizes(elf_path, device):
    """Flash and RAM the linked image takes, by section class (as the simulator's loader counts them)."""
    with open(elf_path, "rb") as f:
        elf = ELFFile(f)
        info = section_sizes(elf, ram_sections(elf, device.memory_map))
    return {k: v for k, v in asdict(info).items() if k != "reserved_sections"}


def _check_fit(device, graph, plan, weights_bytes):
    """FitError naming every memory that is too small: the constants' (weights and tables) and the RAM
    that holds the arena, the input and (when it shares that memory) the stack."""
    placement = device.placement
    rodata_area = device.memory_map.by_name(placement.rodata)
    data_area = device.memory_map.by_name(placement.data)
    stack = STACK_BYTES if placement.stack == placement.data else 0
    ram = plan.arena_bytes + plan.input_bytes + stack
    problems, shortfalls = [], []
    if weights_bytes > rodata_area.size:
        problems.append(f"weights need {weights_bytes} bytes, {rodata_area.name} has {rodata_area.size} "
                        f"({weights_bytes - rodata_area.size} bytes too many)")
        shortfalls.append((rodata_area.name, weights_bytes, rodata_area.size))
    if ram > data_area.size:
        problems.append(f"arena {plan.arena_bytes} + input {plan.input_bytes} + stack {stack} bytes need {ram}, "
                        f"{data_area.name} has {data_area.size} ({ram - data_area.size} bytes too many)")
        shortfalls.append((data_area.name, ram, data_area.size))
    if problems:
        raise FitError(f"{graph.name} on {device.name}: " + "; ".join(problems), shortfalls)


def _link_error_to_fit(exc, graph, device):
    text = str(exc)
    if "overflowed by" in text or "not enough RAM" in text:
        shortfalls = []
        # GNU ld: "region `NAME' overflowed by N bytes"
        found = re.search(r"region [`'\"]?([\w.]+)['\"]? overflowed by (\d+) bytes", text)
        if found:
            area = next((a for a in device.memory_map.areas if a.name.lower() == found.group(1).lower()), None)
            if area is not None:
                shortfalls.append((area.name, area.size + int(found.group(2)), area.size))
        return FitError(f"{graph.name} on {device.name}: {text.split('failed: ', 1)[-1]}", shortfalls)
    return exc


def compile_model(model_path, device, out_dir=None, kernels="auto", variant=None) -> Firmware:
    """Build the firmware of a .tflite model for a device (cost_models.device.Device or its name).

    Returns a Firmware (ELF path, input/output tensors with addresses, layer table, arena plan). Cached by
    content hash; with out_dir, the ELF, the generated C, the plan and the layer table are also written there.
    variant: a BuildVariant whose set fields replace the project's build choices for the device.
    """
    from mcubench.firmware.platform import build_elf

    if isinstance(device, str):
        from mcubench.core.device import load_device
        device = load_device(device)
    model_path = Path(model_path)
    try:
        model_bytes = model_path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{model_path}: cannot read ({exc.strerror})") from None
    kernels = resolve_kernels(kernels, device)
    variant = effective_variant((variant or BuildVariant()).check().over(project_tuning(device, kernels)), device,
                                kernels)
    key = _build_key(model_bytes, device, kernels, variant)
    cached = cache_dir() / key
    if (cached / "firmware.json").exists() and (cached / "firmware.elf").exists():
        fw = Firmware.from_dict(json.loads((cached / "firmware.json").read_text()), cached / "firmware.elf")
        log.info("firmware of %s for %s (%s kernels) from the cache %s", model_path.name, device.name, kernels, cached)
    else:
        fw = _build(model_path, device, kernels, variant, cached, build_elf)
        log.info("built firmware of %s for %s (%s kernels) into %s", model_path.name, device.name, kernels, cached)
    if out_dir is not None:
        _export(fw, cached, Path(out_dir))
    return fw


def _weight_cache_bytes(device) -> int:
    """Size of the data cache in front of the memory that holds the weights (0 if none): the DSP kernels
    size their passes over the weights to it (mcb_kernels_dsp.c)."""
    area = device.placement.rodata
    sizes = [c.size_bytes for c in device.caches if c.reads and area in c.areas]
    return min(sizes) if sizes else 0


def _build(model_path, device, kernels, variant, cached, build_elf):
    graph, steps, plan, source = translate(model_path, kernels, variant.const_align)
    weights = _weights_bytes(graph)
    constants = _constants_bytes(steps)
    _check_fit(device, graph, plan, constants)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=cached.parent) as tmp:
        tmp = Path(tmp)
        (tmp / "model.c").write_text(source)
        defines, variant_cflags = _variant_flags(variant, device, kernels)
        try:
            shared = [RUNTIME_DIR / "mcb_main.c", *kernel_sources(kernels)]
            info = build_elf(device, [tmp / "model.c", *shared], tmp / "firmware.elf", opt="-O2",
                             include_dirs=[RUNTIME_DIR], defines=defines or None,
                             extra_cflags=(*FLOAT_CFLAGS, *variant_cflags),
                             stack_bytes=STACK_BYTES, reuse=shared)
        except BuildError as exc:
            raise _link_error_to_fit(exc, graph, device) from None
        syms = _symbols(tmp / "firmware.elf", ["mcb_input", "mcb_arena"])
        where, offset = plan.location(graph.outputs[0])
        out_addr = syms["mcb_input"][0] if where == "input" else syms["mcb_arena"][0] + offset
        model_in, model_out = graph.io()
        layers = [Layer(step.index, graph.tensors[step.output].name, step.op,
                        tuple(graph.tensors[i].shape for i in graph.operators[step.index].inputs if i >= 0
                              and graph.tensors[i].data is None),
                        graph.tensors[step.output].shape, step.macs, step.region, _step_constants_bytes(step))
                  for step in steps]
        fw = Firmware(cached / "firmware.elf", graph.name, device.name, kernels,
                      FirmwareTensor(**asdict(model_in), symbol="mcb_input", address=syms["mcb_input"][1]),
                      FirmwareTensor(**asdict(model_out), symbol="mcb_output", address=int(out_addr)), layers, plan.arena_bytes,
                      plan.lower_bound_bytes, weights, info.compiler, info.cflags,
                      dict(plan.to_dict(), constants_bytes=constants, **_sizes(tmp / "firmware.elf", device)))
        (tmp / "firmware.json").write_text(json.dumps(fw.to_dict(), indent=1))
        (tmp / "plan.json").write_text(json.dumps(plan.to_dict(), indent=1))
        (tmp / "layers.json").write_text(json.dumps([asdict(l) for l in layers], indent=1))
        if cached.exists():
            shutil.rmtree(cached)
        os.replace(tmp, cached)
        tmp.mkdir()  # TemporaryDirectory wants something to remove
    return fw


def _export(fw, cached, out_dir):
    """Copy the build products into out_dir, each file appearing whole (temp file + rename)."""
    names = {"firmware.elf": f"{fw.model_name}.elf", "model.c": f"{fw.model_name}.c",
             "plan.json": f"{fw.model_name}.plan.json", "layers.json": f"{fw.model_name}.layers.json"}
    for src, dst in names.items():
        write_bytes_atomic(out_dir / dst, (cached / src).read_bytes())
