"""`mcubench build`: writes the ELF, C, plan and layer table; bad input is one line and writes nothing."""

import json
from pathlib import Path

import pytest

from mcubench.benchmarks.cli import main

MODELS = Path(__file__).resolve().parents[2] / "shared" / "models" / "mlperf-tiny"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MCUBENCH_CACHE", str(tmp_path / "cache"))


@pytest.mark.needs_toolchain
@pytest.mark.slow
@pytest.mark.skipif(not MODELS.is_dir(), reason="MLPerf Tiny models not present in ../shared")
def test_build_writes_products(tmp_path, capsys):
    out = tmp_path / "build"
    assert main(["build", str(MODELS / "ad01_int8.tflite"), "--device", "esp32-c3", "-o", str(out)]) == 0
    assert "ad01_int8 for esp32-c3" in capsys.readouterr().out
    layers = json.loads((out / "ad01_int8.layers.json").read_text())
    assert [l["op"] for l in layers] == ["FULLY_CONNECTED"] * 10
    plan = json.loads((out / "ad01_int8.plan.json").read_text())
    assert plan["arena_bytes"] >= plan["arena_lower_bound_bytes"] > 0
    assert (out / "ad01_int8.elf").read_bytes()[:4] == b"\x7fELF"
    assert "mcb_model_invoke" in (out / "ad01_int8.c").read_text()


def test_build_of_a_non_model_fails_cleanly(tmp_path, capsys):
    bad = tmp_path / "x.tflite"
    bad.write_text("hello")
    out = tmp_path / "build"
    assert main(["build", str(bad), "--device", "cortex-m4-80mhz", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "not a TFLite model" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
