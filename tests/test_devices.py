"""Every device description loads, validates, and can cost a trace of its ISA (smoke test for free)."""

import copy
from pathlib import Path
import re

import pytest

from mcubench.cost_models import duty_cycle, estimate, simulation_options
from mcubench.core.device import all_devices, device_names, load_device, parse_device
from mcubench.core.errors import DeviceError
from mcubench.core.isa import Isa

from test_cost_helpers import AccessCounts, assemble_rv32, assemble_thumb, make_trace

DEVICES = all_devices()


def test_the_five_devices_exist():
    assert {"cortex-m4-80mhz", "stm32h7", "esp32", "esp32-c3", "stm32g0"} <= set(device_names())


def _walk_numbers(node, path=""):
    if isinstance(node, dict):
        has_number = any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in node.values())
        if has_number and path not in ("",):
            yield path, node
        for k, v in node.items():
            yield from _walk_numbers(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_numbers(v, f"{path}[{i}]")


@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d.name)
def test_every_number_has_a_source(device):
    for path, table in _walk_numbers(device.raw):
        assert str(table.get("source", "")).strip(), f"{device.name}{path} has numbers but no source"


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d.name)
def test_device_smoke(device):
    opts = simulation_options(device)
    assert opts["memory_tracing"] is True
    assert [c.name for c in opts["caches"]] == [c.name for c in device.caches]
    for c in opts["caches"]:
        c.check()
    code_area = device.memory_map.by_name(device.placement.code)
    if device.isa == "rv32imc":
        code = assemble_rv32("loop:\n addi a0, a0, 1\n lw a1, 0(a2)\n add a3, a3, a1\n bnez a0, loop")
    else:
        code = assemble_thumb("loop:\n adds r0, #1\n ldr r1, [r2]\n adds r3, r3, r1\n bne loop",
                              cpu="cortex-m0plus" if device.isa == "armv6-m" else "cortex-m4")
    rows = [(code_area.base, len(code), 4, 100, 1)]
    trace = make_trace(device.isa, code_area.base, code, rows,
                       memory={device.placement.data: AccessCounts(reads=100)})
    est = estimate(trace, device)
    assert est.cycles >= 200  # at most two instructions per cycle (Cortex-M7 dual issue)
    assert est.latency_ms == pytest.approx(est.cycles / (est.clock_mhz * 1000))
    assert est.energy_uj == pytest.approx(est.avg_power_mw * est.latency_ms)
    assert est.clock_mhz == device.clock.default_mhz
    assert est.sources
    assert (est.proxy_isa == "rv32imc") == (device.name == "esp32")
    idle = duty_cycle(est, device, 0.0)
    assert 0 < idle["avg_power_mw"] < est.avg_power_mw
    busy = duty_cycle(est, device, 1.0, battery_mah=1000)
    assert busy["avg_power_mw"] > idle["avg_power_mw"] and busy["battery_life_years"] > 0


def _raw(name="cortex-m4-80mhz"):
    return copy.deepcopy(load_device(name).raw)


def test_unknown_key_is_an_error():
    raw = _raw()
    raw["power"]["bogus"] = 1
    with pytest.raises(DeviceError, match="unknown key"):
        parse_device(raw)


def test_missing_source_is_an_error():
    raw = _raw()
    del raw["power"]["run"][0]["source"]
    with pytest.raises(DeviceError, match="source"):
        parse_device(raw)


def test_bad_cache_geometry_and_area():
    raw = _raw("stm32h7")
    raw["caches"][0]["size_bytes"] = 1000
    with pytest.raises(DeviceError, match="multiple"):
        parse_device(raw)
    raw = _raw("stm32h7")
    raw["caches"][0]["size_bytes"] = 3 * 64  # 3 sets of 2 x 32 bytes
    with pytest.raises(DeviceError, match="power of two"):
        parse_device(raw)
    raw = _raw("stm32h7")
    raw["caches"][0]["areas"] = ["nowhere"]
    with pytest.raises(DeviceError, match="nowhere"):
        parse_device(raw)


def test_clock_range_and_timing_model_checked():
    raw = _raw()
    raw["clock"]["default_mhz"] = 500
    with pytest.raises(DeviceError, match="clock"):
        parse_device(raw)
    raw = _raw()
    raw["timing"]["model"] = "pentium"
    with pytest.raises(DeviceError, match="timing.model"):
        parse_device(raw)
    raw = _raw()
    raw["timing"]["dual_issue"] = True  # a Cortex-M7 key in a Cortex-M4 file
    with pytest.raises(DeviceError, match="unknown key"):
        parse_device(raw)



@pytest.mark.parametrize("name, section, key", [
    ("cortex-m4-80mhz", "timing", "branch_refill_cycles"),
    ("cortex-m4-80mhz", "timing", "flash"),
    ("cortex-m4-80mhz", "timing", "flash_wait_states"),
    ("stm32g0", "timing", "multiplier_cycles"),
    ("stm32h7", "timing", "branch_mispredict_cycles"),
    ("stm32h7", "timing", "dual_issue"),
    ("stm32h7", "timing", "line_fill"),
    ("esp32-c3", "timing", "branch_taken_cycles"),
    ("esp32-c3", "timing", "jump_taken_cycles"),
    ("esp32-c3", "timing", "div_cycles"),
    ("esp32", "timing", "zero_overhead_loops"),
    ("stm32h7", "timing.flash", "line_bytes"),
])
def test_a_figure_the_model_needs_is_required(name, section, key):
    """The timing models have no defaults: a missing figure is an error naming the file and the field."""
    raw = _raw(name)
    table = raw
    for part in section.split("."):
        table = table[part]
    del table[key]
    with pytest.raises(DeviceError, match=rf"^{name}\.toml: {section}: missing '{key}'"):
        parse_device(raw, Path(f"{name}.toml"))


def test_every_cached_area_needs_a_line_fill():
    raw = _raw("stm32h7")
    del raw["timing"]["line_fill"]["sram4"]
    with pytest.raises(DeviceError, match="line_fill: no figure for 'sram4'"):
        parse_device(raw)


def test_a_data_cache_over_ram_says_whether_it_allocates_on_writes():
    raw = _raw("stm32h7")
    del raw["caches"][1]["write_allocate"]
    with pytest.raises(DeviceError, match=r"caches\[1\].*write_allocate"):
        parse_device(raw)


def test_cycle_counts_are_integers():
    raw = _raw("esp32-c3")
    raw["timing"]["div_cycles"] = 33.5
    with pytest.raises(DeviceError, match="timing.div_cycles must be an integer"):
        parse_device(raw)


@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d.name)
def test_typed_sections_carry_their_sources(device):
    assert device.isa in set(Isa) and isinstance(device.isa, Isa)
    sections = [device.placement, device.clock, device.power, device.power.sleep, *device.power.run,
                device.timing, *device.timing.flash_wait_states, *device.caches]
    sections += [s for s in (device.marker, device.proxy, device.timing.flash, device.timing.line_fill) if s]
    for section in sections:
        assert section.source.strip(), section

@pytest.mark.needs_toolchain
@pytest.mark.slow
@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d.name)
def test_device_runs_real_firmware_end_to_end(device, tmp_path, capsys):
    """Build a small C workload for the device, run it with `mcubench run`, check the figures hang together."""
    import json
    from pathlib import Path

    from mcubench.benchmarks.cli import main
    from mcubench.firmware.platform.toolchain import build_elf

    src = Path(__file__).resolve().parent.parent / "firmware" / "microbench" / "smoke.c"
    elf = tmp_path / "smoke.elf"
    build_elf(device, [src], elf)
    out = tmp_path / "out.json"
    assert main(["run", str(elf), "--device", device.name, "--json", str(out)]) == 0
    est = json.loads(out.read_text())["rows"][0]
    dot = next(r for r in est["regions"] if r["name"] == "dot")
    assert est["instructions"] > dot["instructions"] > 1024 * 3  # at least load, load, multiply-add per element
    assert est["cycles"] > dot["cycles"] > dot["instructions"] / 2
    assert est["flash_bytes"] > 64 and est["static_ram_bytes"] >= 2048 and est["stack_bytes"] > 0
    assert est["peak_ram_bytes"] == est["static_ram_bytes"] + est["stack_bytes"] + est["heap_bytes"]
    assert est["energy_uj"] == pytest.approx(est["avg_power_mw"] * est["latency_ms"])


# A source says the document, table and conditions, or "assumption:" and why; never where or when someone looked.
_WORKING_NOTES = re.compile(r"recalled|re-read|re-check|reachable|in this session|could not be (read|found)|"
                            r"not found|\b20\d\d-\d\d-\d\d\b|read (on )?20\d\d", re.IGNORECASE)


def _texts(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("device", DEVICES, ids=lambda d: d.name)
def test_sources_carry_no_working_notes(device):
    for text in _texts(device.raw):
        assert not _WORKING_NOTES.search(text), f"{device.name}: working note in {text!r}"


def test_working_note_check_catches_one():
    assert _WORKING_NOTES.search("figure recalled, not re-read in this session; re-check 2026-11-24")


def test_unicorn_cpu_model_follows_the_core():
    from unicorn import arm_const

    from mcubench.simulator.engine import _Arch

    expected = {"cortex-m4-80mhz": arm_const.UC_CPU_ARM_CORTEX_M4, "stm32h7a3": arm_const.UC_CPU_ARM_CORTEX_M7,
                "stm32u575": arm_const.UC_CPU_ARM_CORTEX_M33, "stm32g0": arm_const.UC_CPU_ARM_CORTEX_M0}
    for name, cpu in expected.items():
        assert _Arch(load_device(name)).cpu == cpu, name
