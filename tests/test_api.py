"""The public API: docs/api.md's worked example runs as written, and its figures agree with the CLI's path."""

from pathlib import Path
import re

import pytest

import mcubench

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def _example_code():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert blocks, "docs/api.md has no python example"
    return blocks[0]


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_documented_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = _example_code().replace("max_samples=5", "max_samples=2")
    namespace = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    est, frame = namespace["est"], namespace["frame"]
    assert est.cycles > 0 and est.latency_ms > 0 and est.energy_uj > 0
    assert set(frame["device"]) == {"cortex-m4-80mhz", "esp32-c3"}
    assert len(frame) == 2 * 4  # four models of the default suite x two devices
    assert (tmp_path / "out" / "report.html").is_file()
    # The suite runner measures the same firmware (its own input): the int8 kernels' time barely depends on data.
    row = frame[(frame["model"] == "vibration") & (frame["device"] == "cortex-m4-80mhz")].iloc[0]
    assert abs(row["latency_ms"] - est.latency_ms) <= 0.02 * est.latency_ms


def test_public_names_are_listed():
    assert "simulate" in dir(mcubench)
    for name in mcubench.api.__all__:
        assert getattr(mcubench, name) is getattr(mcubench.api, name)


def test_unknown_attribute_is_an_attribute_error():
    try:
        mcubench.no_such_thing  # noqa: B018 (the attribute lookup is what is tested)
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_device_from_file(tmp_path):
    builtin = mcubench.load_device("esp32-c3")
    copy = tmp_path / "my-c3.toml"  # a board of one's own has a name of its own
    copy.write_text(builtin.path.read_text().replace('name = "esp32-c3"', 'name = "my-c3"', 1))
    assert mcubench.load_device(copy).raw == {**builtin.raw, "name": "my-c3"}


@pytest.mark.needs_toolchain
@pytest.mark.slow
def test_estimate_model_from_bytes_in_a_search_loop():
    from mcubench.benchmarks.model_family import ds_cnn
    from mcubench.core.errors import FitError

    small, large = ds_cnn(8, 1, seed=1), ds_cnn(32, 3, seed=2)
    est_small = mcubench.estimate_model(small, "cortex-m4-80mhz")
    est_large = mcubench.estimate_model(large, "cortex-m4-80mhz")
    assert 0 < est_small.cycles < est_large.cycles
    # Same bytes, same input: the same figure (the build is cached, the simulation deterministic).
    assert mcubench.estimate_model(small, "cortex-m4-80mhz").cycles == est_small.cycles
    wide = ds_cnn(64, 4, input_hw=(160, 160), seed=3)  # its arena far exceeds the STM32G071's 36 KiB
    try:
        mcubench.estimate_model(wide, "stm32g0")
    except FitError as exc:
        assert "stm32g0" in str(exc)
    else:
        raise AssertionError("expected FitError")
