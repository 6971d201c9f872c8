"""How far a device's figures are trusted, in the words every command uses: its timing validation
(`mcubench validate`, benchmarks/validation/record.py) and its run power against measured silicon
(benchmarks/validation/power.py)."""

from mcubench.reports.format import energy_trust, trust


def trust_lines(device) -> list:
    """[("timing", text), ("energy", text)] for a device description."""
    from mcubench.benchmarks.validation.power import device_energy_check
    from mcubench.benchmarks.validation.record import device_trust

    return [("timing", trust(device_trust(device.name))), ("energy", energy_trust(device_energy_check(device)))]
