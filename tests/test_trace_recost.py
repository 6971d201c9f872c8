"""A trace saved by `mcubench trace` re-costs to exactly what `mcubench run` reports for the same ELF."""

import json

import pytest

from mcubench.benchmarks.cli import main


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("key,device", [("m4", "cortex-m4-80mhz"), ("rv", "esp32-c3")])
def test_saved_trace_recosts_like_a_fresh_run(tmp_path, c_elfs, key, device, capsys):
    elf = c_elfs[("kernels", key)]
    trace_json, recost_json, direct_json = tmp_path / "t.json", tmp_path / "recost.json", tmp_path / "direct.json"
    assert main(["trace", str(elf), "--device", device, "--allow-exit-status", "--json", str(trace_json)]) == 0
    assert main(["run", "--trace", str(trace_json), "--device", device, "--json", str(recost_json)]) == 0
    assert main(["run", str(elf), "--device", device, "--allow-exit-status", "--json", str(direct_json)]) == 0
    capsys.readouterr()
    recost = json.loads(recost_json.read_text())["rows"][0]
    direct = json.loads(direct_json.read_text())["rows"][0]
    # The device's caches are simulated while tracing, so no "cache counts missing" assumption creeps in.
    assert not any("counts in the trace" in note for note in recost["notes"])
    for figure in ("cycles", "instructions", "latency_ms", "energy_uj", "peak_ram_bytes", "flash_bytes",
                   "model_sha256", "cycles_by_cause", "notes"):
        assert recost[figure] == direct[figure], figure
