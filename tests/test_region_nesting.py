"""Where a function region sits in the region tree when it is called from several marked regions."""

from pathlib import Path

import pytest

from mcubench.core.device import load_device
from mcubench.firmware.platform.toolchain import build_elf
from mcubench.simulator.engine import Simulator

EXAMPLE = Path(__file__).resolve().parents[1] / "firmware" / "examples" / "shared_callee.c"


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("device_name", ["cortex-m4-80mhz", "esp32-c3"])
def test_callee_of_two_regions_sits_in_their_common_parent(tmp_path, device_name):
    device = load_device(device_name)
    info = build_elf(device, [EXAMPLE], tmp_path / f"shared-{device_name}.elf")
    trace = Simulator(info.elf_path, device, function_regions=("shared_work",)).run().trace
    regions = {r.name: r for r in trace.regions}
    assert regions["first"].parent == "outer" and regions["second"].parent == "outer"
    assert regions["outer"].parent is None
    # Called once from "first" and once from "second": it belongs to neither, but to "outer".
    assert regions["shared_work"].calls == 2
    assert regions["shared_work"].parent == "outer"
    assert regions["shared_work"].instructions < regions["outer"].instructions
