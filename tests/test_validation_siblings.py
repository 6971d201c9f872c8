"""Devices that share a sibling's timing model get the sibling's predictions on its validation references, yet
no trust of their own: the trust line is per device (docs/devices.md, "How far a device is trusted")."""

import pytest

from mcubench.benchmarks.validation.record import device_trust
from mcubench.benchmarks.validation.references import references_for
from mcubench.benchmarks.validation.run import predicted, run_program
from mcubench.core.device import load_device

SIBLINGS = [("cortex-m4-80mhz", "stm32l4r5"), ("stm32h7", "stm32h7a3")]


@pytest.mark.needs_toolchain
@pytest.mark.parametrize("validated, sibling", SIBLINGS)
def test_a_sibling_predicts_the_same_on_the_validated_devices_references(tmp_path, validated, sibling):
    a, b = load_device(validated), load_device(sibling)
    assert a.need("timing").model == b.need("timing").model
    runs = {}
    refs = references_for([validated])
    assert refs
    for ref in refs:
        for device in (a, b):
            clock = min(ref.clock_mhz, device.need("clock").max_mhz)
            key = (device.name, ref.program, clock)
            if key not in runs:
                runs[key] = run_program(device, ref.program, clock, tmp_path)
        own = predicted(ref, runs[(a.name, ref.program, ref.clock_mhz)])
        other = predicted(ref, runs[(b.name, ref.program, min(ref.clock_mhz, b.need("clock").max_mhz))])
        assert other == own, ref.name


@pytest.mark.parametrize("validated, sibling", SIBLINGS)
def test_a_sibling_is_not_credited_with_the_validation(validated, sibling):
    assert device_trust(validated) is not None
    assert device_trust(sibling) is None
