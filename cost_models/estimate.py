"""estimate(trace, device): cycles, latency, energy, power and memory of one simulated run, whole and per region."""

from dataclasses import asdict, dataclass, field

from mcubench.core.errors import TraceError, UsageError

from .blocks import Tally, View, block_rows, division_extra
from .cortex_m33 import CortexM33
from .cortex_m4 import CortexM0Plus, CortexM4
from .cortex_m7 import CortexM7
from .decode import CodeImage
from .flash_fetch import wait_states
from .power import operating_point, run_power_mw
from .riscv_core import InOrderRV

MODELS = {
    "cortex-m4": CortexM4,
    "cortex-m33": CortexM33,
    "cortex-m0plus": CortexM0Plus,
    "cortex-m7": CortexM7,
    "esp32c3": InOrderRV,
    "lx6-proxy": InOrderRV,
}


@dataclass
class RegionEstimate:
    name: str
    parent: str | None
    calls: int
    cycles: int
    instructions: int
    latency_ms: float
    energy_uj: float
    cycles_by_cause: dict = field(default_factory=dict)


@dataclass
class Estimate:
    device: str
    device_title: str
    clock_mhz: float
    voltage_v: float
    cycles: int
    instructions: int
    latency_ms: float
    energy_uj: float
    avg_power_mw: float
    peak_ram_bytes: int
    static_ram_bytes: int
    stack_bytes: int
    heap_bytes: int
    flash_bytes: int
    proxy_isa: str | None = None
    assumptions: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    regions: dict = field(default_factory=dict)  # name -> RegionEstimate
    # pipeline, taken_branches, divides, mispredicts, memory_stalls: they add up to cycles
    cycles_by_cause: dict = field(default_factory=dict)
    # RAM that linker placeholders (._user_heap_stack, .heap, .stack) set aside for the heap and stack:
    # shown, not counted; the measured heap and stack are.
    reserved_ram_bytes: int = 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["regions"] = {name: asdict(r) for name, r in self.regions.items()}
        return d


def core_model(device):
    return MODELS[device.need("timing").model](device)


def device_sources(device):
    """Every `source` of the device file, split into cited sources and assumptions."""
    found = device.sources()
    sources = [f"{what}: {text}" for what, text in found if not text.lower().startswith("assumption")]
    assumptions = [f"{what}: {text}" for what, text in found if text.lower().startswith("assumption")]
    return sources, assumptions


def _span_cycles(model, device, image, view, clock_mhz, tally, run_blocks) -> dict:
    """Cycles of one span by cause: pipeline, taken-branch refills, divides, mispredictions, memory stalls, and
    for a proxy device with a stream factor the cycles its own ISA's longer instruction stream adds."""
    rows = block_rows(image, model, view.blocks, tally)
    parts = {"pipeline": 0, "taken_branches": 0, "divides": 0, "mispredicts": 0, "memory_stalls": 0.0}
    for cost, count, taken in rows:
        parts["pipeline"] += count * cost.base
        parts["taken_branches"] += taken * cost.taken + (count - taken) * cost.not_taken
    parts["taken_branches"] += model.branch_target_cycles(rows, view.blocks, run_blocks)
    parts["divides"] = division_extra(rows, view.divisions, model.divide_cycles, model.divide_worst, tally)
    parts["mispredicts"] = model.mispredict_cycles(rows, view.blocks)
    factor = device.proxy.stream_factor if device.proxy else 1.0
    if factor != 1.0:
        # The real ISA's instruction stream for the same C is longer (or shorter) than the proxy's: the core's
        # cycles scale by the measured factor; memory stalls (line fills) do not.
        core = parts["pipeline"] + parts["taken_branches"] + parts["divides"]
        parts["proxy_stream"] = int(round(core * (factor - 1.0)))
    parts["memory_stalls"] = int(round(model.memory_stalls(device, view, rows, clock_mhz, tally)))
    return parts


def estimate(trace, device, clock_mhz=None, voltage_v=None, proxy_isa=None) -> Estimate:
    """Cost one Trace on one device (see the module docstring and the core model modules for the rules)."""
    if trace.isa != device.isa:
        raise TraceError(f"the trace ran {trace.isa} code; device {device.name} simulates {device.isa}: "
                         "re-cost a trace only on a device of the same ISA")
    proxy = device.proxy
    if proxy_isa is not None:
        if proxy is None:
            raise UsageError(f"device {device.name} runs its own ISA; --proxy-isa applies to proxy devices only")
        if proxy_isa != proxy.isa:
            raise UsageError(f"device {device.name} is estimated from a {proxy.isa} proxy build, "
                             f"not {proxy_isa}")
    mhz, volts = operating_point(device, clock_mhz, voltage_v)
    model = core_model(device)
    image = CodeImage(trace.isa, trace.code)
    power_mw = run_power_mw(device, mhz, volts)

    def figures(cycles):
        latency_ms = cycles / (mhz * 1000.0)
        return latency_ms, power_mw * latency_ms  # mW x ms = uJ

    tally = Tally()
    whole = View(trace.blocks, trace.divisions, trace.memory, trace.caches)
    by_cause = _span_cycles(model, device, image, whole, mhz, tally, trace.blocks)
    cycles = sum(by_cause.values())
    regions = {}
    for r in trace.regions:
        parts = _span_cycles(model, device, image, View(r.blocks, r.divisions, r.memory, r.caches), mhz, tally,
                             trace.blocks)
        rc = sum(parts.values())
        latency_ms, energy_uj = figures(rc)
        regions[r.name] = RegionEstimate(r.name, r.parent, int(r.calls), rc, int(r.instructions), latency_ms,
                                         energy_uj, parts)
    latency_ms, energy_uj = figures(cycles)

    sources, assumptions = device_sources(device)
    notes = sorted(model.notes | tally.notes)
    if getattr(model, "line_bytes", None) and device.timing.flash_wait_states:
        notes.append(f"flash wait states at {mhz:g} MHz: {wait_states(device, mhz)}")
    if image.undecodable_bytes:
        notes.append(f"{image.undecodable_bytes} bytes of executed code capstone could not decode: 1 cycle each")
    if proxy:
        notes.append(f"estimated for {proxy.real_isa} from an {proxy.isa.upper()} proxy trace"
                     + (f", core cycles x {proxy.stream_factor:g} for the {proxy.real_isa} instruction stream"
                        if proxy.stream_factor != 1.0 else ""))
    if trace.device != device.name:
        notes.append(f"re-costed from a trace taken on {trace.device}'s memory map and caches: memory areas and "
                     f"caches {device.name} does not share with it count as cache hits and zero-wait")
    static = trace.image.static_ram_bytes
    return Estimate(
        device=device.name, device_title=device.title, clock_mhz=mhz, voltage_v=volts,
        cycles=cycles, instructions=int(trace.instructions), latency_ms=latency_ms, energy_uj=energy_uj,
        avg_power_mw=power_mw, peak_ram_bytes=static + int(trace.stack_high_water_bytes) + int(trace.heap_bytes),
        static_ram_bytes=static, stack_bytes=int(trace.stack_high_water_bytes), heap_bytes=int(trace.heap_bytes),
        flash_bytes=int(trace.image.flash_bytes), proxy_isa=str(proxy.isa) if proxy else None,
        assumptions=notes + assumptions, sources=sources, regions=regions, cycles_by_cause=by_cause,
        reserved_ram_bytes=int(trace.image.reserved_bytes),
    )
