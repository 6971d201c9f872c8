"""`mcubench devices` and `mcubench run` (the re-costing path, which needs no simulator run)."""

import json

import pytest

from mcubench.benchmarks.cli import main
from mcubench.cost_models import estimate
from mcubench.core.device import load_device
from mcubench.core.results import load_results

from test_cost_helpers import AccessCounts, RegionTrace, assemble_thumb, block_table, make_trace


def test_devices_lists_every_device(capsys):
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    for name in ("cortex-m4-80mhz", "stm32h7", "esp32", "esp32-c3", "stm32g0"):
        assert f"{name}:" in out
    assert "480 MHz" in out and "RV32IMC proxy" in out and "Stop 2" in out


def test_devices_with_sources(capsys):
    assert main(["devices", "stm32h7", "--sources"]) == 0
    out = capsys.readouterr().out
    assert "RM0433" in out and "assumed" in out


@pytest.fixture()
def saved_trace(tmp_path):
    code = assemble_thumb("loop:\n ldr r0, [r1]\n adds r2, r2, r0\n subs r3, #1\n bne loop")
    base = 0x08000000
    region = RegionTrace("kernel", None, 2, block_table([(base, len(code), 4, 50, 2)]),
                         memory={"flash": AccessCounts(), "sram1": AccessCounts(reads=50)})
    trace = make_trace("armv7e-m", base, code, [(base, len(code), 4, 100, 2)],
                       memory={"flash": AccessCounts(), "sram1": AccessCounts(reads=100)}, regions=[region],
                       device="cortex-m4-80mhz")
    path = tmp_path / "trace.json"
    trace.save(path)
    return path, trace


@pytest.mark.needs_toolchain
def test_recost_saved_trace_equals_direct_estimate(saved_trace, tmp_path, capsys):
    path, trace = saved_trace
    out_json = tmp_path / "out.json"
    assert main(["run", "--trace", str(path), "--device", "cortex-m4-80mhz,stm32h7", "--json", str(out_json)]) == 0
    text = capsys.readouterr().out
    assert "kernel" in text and "STM32H743" in text
    record = load_results(out_json)
    assert [r.device for r in record.rows] == ["cortex-m4-80mhz", "stm32h7"]
    for row in record.rows:
        want = estimate(trace, load_device(row.device))
        assert row.kind == "firmware" and row.model == "trace" and row.model_sha256 == trace.elf_sha256
        for figure in ("cycles", "instructions", "latency_ms", "energy_uj", "peak_ram_bytes", "flash_bytes",
                       "cycles_by_cause"):
            assert getattr(row, figure) == getattr(want, figure), figure
        assert [(g.name, g.calls, g.cycles) for g in row.regions] == [("kernel", 2, want.regions["kernel"].cycles)]


@pytest.mark.needs_toolchain
def test_recost_with_overrides(saved_trace, tmp_path):
    path, trace = saved_trace
    out_json = tmp_path / "o.json"
    assert main(["run", "--trace", str(path), "--device", "cortex-m4-80mhz", "--clock-mhz", "48",
                 "--voltage", "3.3", "--json", str(out_json)]) == 0
    row = load_results(out_json).rows[0]
    assert row.clock_mhz == 48 and row.voltage_v == 3.3


@pytest.mark.needs_toolchain
def test_explain_and_recost_on_another_device_says_so(saved_trace, capsys):
    path, _ = saved_trace
    assert main(["run", "--trace", str(path), "--device", "stm32h7", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "assumed:" in out and "source:" in out and "taken on cortex-m4-80mhz" in out


@pytest.mark.parametrize("argv, message", [
    (["run", "--device", "cortex-m4-80mhz"], "firmware ELF"),
    (["run", "--trace", "TRACE", "--device", "nosuch"], "unknown device"),
    (["run", "--trace", "TRACE", "--device", "esp32-c3"], "same ISA"),
    (["run", "--trace", "TRACE", "--device", "cortex-m4-80mhz", "--clock-mhz", "200"], "MHz"),
    (["run", "--trace", "TRACE", "--device", "esp32", "--proxy-isa", "armv7e-m"], "ISA"),
    (["run", "missing.elf", "--device", "cortex-m4-80mhz"], "no such file"),
])
@pytest.mark.needs_toolchain
def test_bad_input_is_one_line_and_writes_nothing(saved_trace, tmp_path, capsys, argv, message):
    path, _ = saved_trace
    out_json = tmp_path / "never.json"
    argv = [str(path) if a == "TRACE" else a for a in argv] + ["--json", str(out_json)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("mcubench: error:") and message in err[0]
    assert not out_json.exists()


@pytest.mark.parametrize("schema, lacks", [("mcubench.trace/1", "cache misses per memory area"),
                                           ("mcubench.trace/2", "branch target changes"),
                                           ("mcubench.trace/3", "divisions by zero and by a longer divisor")])
@pytest.mark.needs_toolchain
def test_trace_without_the_counters_the_models_need_is_refused(saved_trace, tmp_path, capsys, schema, lacks):
    # /1 records have no per-area cache misses, /2 records no branch target changes, /3 divide histograms
    # with a zero operand and a shorter dividend clamped into bin 0.
    path, _ = saved_trace
    old = json.loads(path.read_text())
    old["schema"] = schema
    old["blocks"].pop("target_changes")
    legacy = tmp_path / "legacy.json"
    legacy.write_text(json.dumps(old))
    assert main(["run", "--trace", str(legacy), "--device", "stm32h7"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and schema in err[0] and lacks in err[0] and "take the trace again" in err[0]


@pytest.mark.needs_toolchain
def test_fresh_run_equals_recosted_saved_trace(tmp_path, capsys):
    import mcubench.simulator.engine as engine
    from pathlib import Path

    from mcubench.cost_models import simulation_options
    from mcubench.firmware.platform.toolchain import build_elf

    m4 = load_device("cortex-m4-80mhz")
    bench = Path(__file__).resolve().parent.parent / "firmware" / "microbench"
    elf = tmp_path / "m4.elf"
    build_elf(m4, [bench / "main.c", bench / "m4_kernels.S"], elf)
    fresh = tmp_path / "fresh.json"
    assert main(["run", str(elf), "--device", "cortex-m4-80mhz", "--region", "mb_udiv", "--json", str(fresh)]) == 0
    trace = engine.Simulator(elf, m4, function_regions=("mb_udiv",), **simulation_options(m4)).run().trace
    saved = tmp_path / "trace.json"
    trace.save(saved)
    recost = tmp_path / "recost.json"
    assert main(["run", "--trace", str(saved), "--device", "cortex-m4-80mhz", "--name", "m4", "--json",
                 str(recost)]) == 0
    a = load_results(fresh).rows
    b = load_results(recost).rows
    assert a == b and a[0].region("mb_udiv").cycles > 0


def test_devices_unknown_name_is_one_line(capsys):
    assert main(["devices", "nosuch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown device 'nosuch'" in err[0] and "stm32h7" in err[0]


@pytest.mark.needs_toolchain
def test_duty_cycle_options(saved_trace, tmp_path, capsys):
    path, trace = saved_trace
    out_json = tmp_path / "d.json"
    assert main(["run", "--trace", str(path), "--device", "cortex-m4-80mhz", "--rate", "10", "--battery-mah", "1000",
                 "--json", str(out_json)]) == 0
    from mcubench.cost_models import duty_cycle
    m4 = load_device("cortex-m4-80mhz")
    want = duty_cycle(estimate(trace, m4), m4, 10.0, battery_mah=1000)
    assert f"battery life {want['battery_life_years']:.3g} years" in capsys.readouterr().out
    # The record keeps what a battery-life estimate needs: energy per run and the sleep power between runs.
    row = load_results(out_json).rows[0]
    assert row.idle_power_mw == want["sleep_power_mw"]
    assert main(["run", "--trace", str(path), "--device", "cortex-m4-80mhz", "--battery-mah", "1000"]) == 2
