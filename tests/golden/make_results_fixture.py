"""Writes results_small.json: the hand-made results record the report and gate tests read.

Two models x three devices, per-layer rows, one row without accuracy (run on a fixed-seed random input),
one ESP32 row whose code was simulated on an RV32IMC proxy, arena plans (the Cortex-M4 build of the
keyword model has a kernel scratch buffer the RV32 builds lack). Figures are made consistent the way the
runner makes them (latency = cycles / clock, energy = running power x latency, layer cycles summing to
less than the total, arena live bytes from the plan, flash = code + weights + other constants).
Run it again only when the results schema changes: python3 tests/golden/make_results_fixture.py
"""

from pathlib import Path
import sys

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from anywhere: the repo root holds benchmarks/

from mcubench.benchmarks.battery import with_battery_life  # noqa: E402
from mcubench.core.results import (Accuracy, Agreement, ArenaBuffer, DeviceInfo, LayerResult, ResultRow, Results,  # noqa: E402
                                   Validation, save_results)

DEVICES = {
    "cortex-m4-80mhz": dict(title="Cortex-M4 @ 80 MHz", isa="armv7e-m", proxy=None, clock=80.0, volt=3.3,
                            run_mw=33.0, idle_mw=0.0099, cpi=1.31, core="cortex-m4"),
    "esp32-c3": dict(title="ESP32-C3 @ 160 MHz", isa="rv32imc", proxy=None, clock=160.0, volt=3.3,
                     run_mw=72.6, idle_mw=0.0165, cpi=1.58, core="esp32-c3-rv32imc"),
    "esp32": dict(title="ESP32 @ 160 MHz", isa="rv32imc", proxy="rv32imc", clock=160.0, volt=3.3,
                  run_mw=99.0, idle_mw=0.033, cpi=1.74, core="xtensa-lx6 (rv32imc proxy)"),
}

# The M4 is validated by independent references and consistent with the ones its rules came from; the ESP32
# has only a reference its rules came from (not independently validated); the ESP32-C3 has none.
VALIDATION = {
    "cortex-m4-80mhz": Validation(9, 3.25, 11.1, independent=Agreement(5, 5.05, 11.1),
                                  informed=Agreement(4, 1.0, 2.0)),
    "esp32": Validation(1, 20.0, 20.0, independent=Agreement(0, 0.0, 0.0), informed=Agreement(1, 20.0, 20.0)),
}

MODELS = {
    # layers: (op, output shape, MACs, cycles per MAC on the M4, constant bytes the layer reads)
    "kws_ref_model": dict(title="Keyword spotting DS-CNN", metric="top1", acc=0.914, weights=22_812, layers=[
        ("CONV_2D", [1, 25, 5, 64], 640_000, 1.9, 2_944),
        ("DEPTHWISE_CONV_2D", [1, 25, 5, 64], 72_000, 4.2, 1_088),
        ("CONV_2D", [1, 25, 5, 64], 1_945_600, 1.6, 18_688),
        ("AVERAGE_POOL_2D", [1, 1, 1, 64], 0, 0.0, 0),
        ("FULLY_CONNECTED", [1, 12], 768, 2.5, 1_592),
        ("SOFTMAX", [1, 12], 0, 0.0, 0)],
        # (layer writing it, kind, offset, bytes, first layer, last layer); the scratch only in DSP builds
        plan=[(0, "activation", 0, 8_000, 0, 1), (1, "activation", 8_000, 8_000, 1, 2),
              (2, "activation", 0, 8_000, 2, 3), (3, "activation", 8_000, 64, 3, 4),
              (4, "activation", 0, 12, 4, 5), (5, "activation", 16, 12, 5, 5)],
        dsp_scratch=(2, "scratch", 16_000, 7_040, 2, 2)),
    "ad01_int8": dict(title="Anomaly detection FC-AE", metric="auc", acc=0.861, weights=264_960, layers=[
        ("FULLY_CONNECTED", [1, 128], 81_920, 1.45, 130_000),
        ("FULLY_CONNECTED", [1, 8], 1_024, 1.8, 1_600),
        ("FULLY_CONNECTED", [1, 128], 1_024, 1.8, 2_100),
        ("FULLY_CONNECTED", [1, 640], 81_920, 1.45, 131_860)],
        plan=[(3, "activation", 0, 640, 3, 3), (0, "activation", 0, 128, 0, 1),
              (2, "activation", 640, 128, 2, 3), (1, "activation", 128, 8, 1, 2)],
        dsp_scratch=None),
}

FIXED_CYCLES = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": 0, "FULLY_CONNECTED": 0, "AVERAGE_POOL_2D": 21_344,
                "SOFTMAX": 3_180}


def layer_name(i, op):
    return f"layer_{i}_{op.lower()}"


def arena_plan(model, dev):
    m = MODELS[model]
    buffers = list(m["plan"]) + ([m["dsp_scratch"]] if m["dsp_scratch"] and dev["isa"] == "armv7e-m" else [])
    return [ArenaBuffer(written_by=layer_name(w, m["layers"][w][0]), kind=kind, offset_bytes=offset, bytes=size,
                        first_layer=first, last_layer=last) for w, kind, offset, size, first, last in buffers]


def layer_rows(model, dev, plan):
    rows = []
    for i, (op, shape, macs, cpm, weights) in enumerate(MODELS[model]["layers"]):
        cycles = int(macs * cpm * dev["cpi"] / 1.31) + FIXED_CYCLES[op] + 411
        latency = cycles / (dev["clock"] * 1e3)
        live = sum(b.bytes for b in plan if b.first_layer <= i <= b.last_layer)
        rows.append(LayerResult(index=i, name=layer_name(i, op), op=op, output_shape=shape, macs=macs,
                                cycles=cycles, latency_ms=latency, energy_uj=dev["run_mw"] * latency,
                                cycles_per_mac=cycles / macs if macs else None, weights_bytes=weights,
                                arena_live_bytes=live))
    return rows


def make_results():
    rows = []
    for model, m in MODELS.items():
        for name, dev in DEVICES.items():
            plan = arena_plan(model, dev)
            layers = layer_rows(model, dev, plan)
            cycles = sum(layer.cycles for layer in layers) + 5_217  # start-up and harness
            latency = cycles / (dev["clock"] * 1e3)
            macs = sum(layer.macs for layer in layers)
            arena = max(b.offset_bytes + b.bytes for b in plan)
            static = arena + 1_304
            stack = 1_136 if dev["isa"] == "armv7e-m" else 1_488
            weights = m["weights"]
            code = 7_600 if dev["isa"] == "armv7e-m" else 9_800
            flash = weights + code + (2_274 if dev["isa"] == "armv7e-m" else 2_616)
            accuracy = Accuracy(m["metric"], m["acc"], 200, 1.0)
            input_kind, seed = "test-set", None
            if model == "ad01_int8" and name == "esp32":
                accuracy = None  # run without its data set
                input_kind, seed = "random", 0
            if model == "kws_ref_model" and name == "esp32-c3":
                accuracy = Accuracy(m["metric"], 0.905, 200, 0.985)  # three outputs off the interpreter's
            rows.append(ResultRow(
                model=model, model_title=m["title"], model_sha256=("a1" if model.startswith("kws") else "b2") * 32,
                device=name, device_title=dev["title"], device_version=1, isa=dev["isa"], proxy_isa=dev["proxy"],
                clock_mhz=dev["clock"], voltage_v=dev["volt"], macs=macs, instructions=int(cycles / dev["cpi"]),
                cycles=cycles, latency_ms=latency, energy_uj=dev["run_mw"] * latency, avg_power_mw=dev["run_mw"],
                idle_power_mw=dev["idle_mw"], peak_ram_bytes=static + stack, static_ram_bytes=static,
                stack_bytes=stack, arena_bytes=arena, heap_bytes=0, flash_bytes=flash, weights_bytes=weights,
                accuracy=accuracy, layers=layers,
                compiler="arm-none-eabi-gcc 12.2.1" if dev["isa"] == "armv7e-m" else "riscv64-unknown-elf-gcc 12.2.0",
                cflags="-O2", sim_wall_s_per_sample=0.05, input_kind=input_kind, input_seed=seed, code_bytes=code,
                arena_plan=plan))
    devices = {
        name: DeviceInfo(name=name, title=dev["title"], version=1, core=dev["core"], clock_mhz=dev["clock"],
                         sources=[f"clock: datasheet of {dev['title']}, table 5"],
                         assumptions=["flash wait states: assumption, zero at this clock"] if name != "esp32" else
                         ["core timing: assumption, RV32IMC proxy stands in for the Xtensa LX6"],
                         # one validated device and two without references, so reports show both trust lines
                         validation=VALIDATION.get(name))
        for name, dev in DEVICES.items()
    }
    # Battery life on the default battery (1000 mAh, 3.0 V), computed as mcubench bench does.
    return with_battery_life(Results(suite="fixture", rows=rows, devices=devices, mcubench_version="0.1.0",
                                     git_commit="0123456789abcdef0123456789abcdef01234567",
                                     created_utc="2026-11-24T12:00:00Z"))


if __name__ == "__main__":
    save_results(make_results(), HERE / "results_small.json")
