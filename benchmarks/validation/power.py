"""Modelled run power against MLPerf Tiny's measured power on the same boards.

MLPerf Tiny's energy runs power the microcontroller alone through the energy monitor and run inferences back
to back, so the average power of a window (energy / window time) is the chip's power while it infers. The
device descriptions take their run current from the datasheet (typical, 25 C, benchmark-class code from
flash with the caches on, peripherals off); modelled power = supply voltage x that current at the board's
clock and supply. The comparison checks the datasheet-based power model; the currents are never fitted to
these figures.

    python -m mcubench.benchmarks.validation.power [--json out.json]    (also the second table of `mcubench validate`)

Prints a Markdown table (reference, device, modelled, measured, error) and exits 1 when a row is outside the
error bound (20%).
"""

import argparse
from dataclasses import asdict, dataclass
import statistics
import sys

from mcubench.core.atomic import write_json_atomic
from mcubench.core.device import load_device
from mcubench.cost_models.power import operating_point, run_power_mw

ERROR_BOUND = 0.20

RESULTS = "mlcommons/tiny_results_v1.0 (MLPerf Tiny v1.0, closed division)"


@dataclass(frozen=True)
class Board:
    """One MLPerf Tiny system as submitted, and the device description that models it."""
    name: str
    device: str
    clock_mhz: float
    supply_v: float
    submitter: str
    source: str  # where clock, supply and regulator are stated


@dataclass(frozen=True)
class Measurement:
    """One benchmark's energy run: median energy per inference, median throughput, median window power."""
    board: Board
    benchmark: str
    energy_uj: float
    inferences_per_s: float
    power_mw: float
    source: str


_ST = "closed/STMicroelectronics"
L4R5 = Board("NUCLEO-L4R5ZI", "stm32l4r5", 120.0, 1.8, "STMicroelectronics",
             f"{RESULTS}, {_ST}/systems/NUCLEO_L4R5ZI/NUCLEO_L4R5ZI_system_description.json: STM32L4R5ZIT6U, "
             "Cortex-M4 at 120 MHz, 'Operating at 1.8V / Dual Bank Mode Activated', X-CUBE-AI 7.3.0, "
             "GCC 10.3-2020-q2")
H7A3 = Board("NUCLEO-H7A3ZI-Q", "stm32h7a3", 280.0, 3.3, "STMicroelectronics",
             f"{RESULTS}, {_ST}/systems/NUCLEO-H7A3ZI-Q/NUCLEO_H7A3ZI_Q_system_description.json: STM32H7A3ZIT6Q, "
             "Cortex-M7 at 280 MHz, 'Operating at 3.3V with SMPS', X-CUBE-AI 7.3.0, GCC 10.3-2020-q2")
U575 = Board("NUCLEO-U575ZI-Q", "stm32u575", 160.0, 1.8, "STMicroelectronics",
             f"{RESULTS}, {_ST}/systems/NUCLEO-U575ZI-Q/NUCLEO-U575ZI-Q_system_description.json: STM32U575ZIT6Q, "
             "Cortex-M33 at 160 MHz, 'Operating at 1.8V / SMPS', X-CUBE-AI 7.3.0, GCC 10.3-2020-q2")


def _measurement(board, folder, benchmark, energy_uj, inferences_per_s, power_mw):
    path = f"{_ST}/results/{folder}/{benchmark}/energy/results.txt"
    source = (f"{RESULTS}, {path}: median energy {energy_uj} uJ/inference, median throughput "
              f"{inferences_per_s} inferences/s, median window power {power_mw} mW (five windows)")
    return Measurement(board, benchmark, energy_uj, inferences_per_s, power_mw, source)


# Transcribed from the energy runs' results.txt (EEMBC EnergyRunner log): the medians over the five windows.
MEASUREMENTS = (
    _measurement(L4R5, "NUCLEO_L4R5ZI", "ad", 322.977, 132.077, 42.654),
    _measurement(L4R5, "NUCLEO_L4R5ZI", "ic", 10681.623, 4.409, 47.101),
    _measurement(L4R5, "NUCLEO_L4R5ZI", "kws", 3371.738, 13.314, 44.893),
    _measurement(L4R5, "NUCLEO_L4R5ZI", "vww", 10066.628, 4.427, 44.580),
    _measurement(H7A3, "NUCLEO-H7A3ZI-Q", "ad", 266.486, 548.697, 146.208),
    _measurement(H7A3, "NUCLEO-H7A3ZI-Q", "kws", 2721.781, 59.782, 162.737),
    _measurement(H7A3, "NUCLEO-H7A3ZI-Q", "vww", 7978.465, 19.749, 157.568),
    _measurement(U575, "NUCLEO-U575ZI-Q", "ad", 119.113, 207.366, 24.704),
    _measurement(U575, "NUCLEO-U575ZI-Q", "ic", 3641.998, 7.200, 26.220),
    _measurement(U575, "NUCLEO-U575ZI-Q", "kws", 1138.534, 22.689, 25.837),
    _measurement(U575, "NUCLEO-U575ZI-Q", "vww", 3364.456, 7.525, 25.318),
)


@dataclass
class Row:
    board: str
    benchmark: str
    device: str
    clock_mhz: float
    supply_v: float
    modelled_mw: float
    measured_mw: float
    error: float  # modelled / measured - 1
    within_bound: bool
    source: str


def compare(measurements=MEASUREMENTS, bound=ERROR_BOUND) -> list:
    rows = []
    for m in measurements:
        device = load_device(m.board.device)
        mhz, volts = operating_point(device, m.board.clock_mhz, m.board.supply_v)
        modelled = run_power_mw(device, mhz, volts)
        error = modelled / m.power_mw - 1.0
        rows.append(Row(m.board.name, m.benchmark, device.name, mhz, volts, modelled, m.power_mw, error,
                        abs(error) <= bound, m.source))
    return rows


def per_board(rows) -> dict:
    """Board -> mean error over its benchmarks (the modelled power is one figure per board)."""
    boards = {}
    for r in rows:
        boards.setdefault(r.board, []).append(r.error)
    return {name: statistics.fmean(errors) for name, errors in boards.items()}


def markdown(rows, bound=ERROR_BOUND) -> str:
    lines = [f"Modelled run power (datasheet current x supply) against MLPerf Tiny v1.0 measured power; "
             f"bound +/-{bound:.0%}", "",
             "| board | benchmark | device | clock | supply | modelled | measured | error | within |",
             "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r.board} | {r.benchmark} | {r.device} | {r.clock_mhz:g} MHz | {r.supply_v:g} V | "
                     f"{r.modelled_mw:.1f} mW | {r.measured_mw:.1f} mW | {r.error:+.1%} | "
                     f"{'yes' if r.within_bound else 'no'} |")
    lines.append("")
    for board, error in per_board(rows).items():
        lines.append(f"- {board}: mean error {error:+.1%}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcubench.benchmarks.validation.power", description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="also write the rows, with their sources, to this file")
    args = parser.parse_args(argv)
    rows = compare()
    sys.stdout.write(markdown(rows))
    if args.json:
        write_json_atomic(args.json, {"error_bound": ERROR_BOUND, "rows": [asdict(r) for r in rows],
                                      "boards": [asdict(b) for b in (L4R5, H7A3, U575)]})
    return 0 if all(r.within_bound for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
