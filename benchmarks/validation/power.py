"""Modelled run power against MLPerf Tiny's measured power on the same boards.

MLPerf Tiny's energy runs power the microcontroller alone through the energy monitor and run inferences back
to back, so the average power of a window (energy / window time) is the chip's power while it infers. The
device descriptions take their run current from the datasheet (typical, 25 C, benchmark-class code from
flash with the caches on, peripherals off). Two models are compared, both supply voltage x current:

- datasheet: the run current of the datasheet condition at the board's clock (what `mcubench run` uses);
- activity: that current corrected for what the submission's firmware clocks during the timed window (its
  own source: which peripheral and bus clocks stay on, which SRAM banks it powers down), each block's
  uA/MHz from the device's [[power.blocks]] table (cost_models/power.py, block_terms), and the band the
  datasheet's lightest and heaviest benchmark code put around it ([power.code_spread]).

A device without those tables gets no correction and no band, and the table says so. Nothing here is fitted
to the MLPerf figures: they are the check.

    python -m mcubench.benchmarks.validation.power [--json out.json]    (also the second table of `mcubench validate`)

Prints a Markdown table (reference, device, modelled, measured, error) and exits 1 when a row is outside the
error bound (20%).
"""

import argparse
from dataclasses import asdict, dataclass
import functools
import statistics
import sys

from mcubench.core.atomic import write_json_atomic
from mcubench.core.device import load_device
from mcubench.core.errors import DeviceError
from mcubench.core.results import EnergyCheck
from mcubench.cost_models.power import block_terms, code_band, inference_current_ma, operating_point, run_power_mw

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
    # Blocks of the device's [[power.blocks]] the firmware keeps clocked while it infers (None: the datasheet
    # condition as it is), and where the firmware says so; `unmodelled` names what the firmware does that no
    # datasheet figure of the device covers.
    clocked: tuple | None = None
    firmware_source: str = ""
    unmodelled: str = ""


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
_CODE = f"{RESULTS}, {_ST}/code"
L4R5 = Board(
    "NUCLEO-L4R5ZI",
    "stm32l4r5",
    120.0,
    1.8,
    "STMicroelectronics",
    f"{RESULTS}, {_ST}/systems/NUCLEO_L4R5ZI/NUCLEO_L4R5ZI_system_description.json: STM32L4R5ZIT6U, "
    "Cortex-M4 at 120 MHz, 'Operating at 1.8V / Dual Bank Mode Activated', X-CUBE-AI 7.3.0, "
    "GCC 10.3-2020-q2",
    firmware_source=f"{_CODE}/NUCLEO_L4R5ZI/<benchmark>/tinyml_api/submitter_implemented.c, th_pre(): "
    "GPIO A-I and RNG clocks off, flash prefetch buffer ON; its HAL_PWREx_DisableSRAM2ContentRetention and "
    "HAL_PWREx_DisableSRAM3ContentRetention clear PWR_CR3.RRS and PWR_CR1.RRSTP, the SRAM2 retention in "
    "Standby and the SRAM3 retention in Stop (STM32CubeL4 HAL stm32l4xx_hal_pwr_ex.c, stm32l4xx_ll_pwr.h), "
    "so no SRAM is powered down while it infers; CRC (AHB1), LPUART1, USART3 and TIM5 (APB1 at 60 MHz) "
    "stay clocked (<benchmark>/*.ioc: CRC, LPUART1, TIM5, USART3 initialised; AHB 120 MHz, APB1 "
    "RCC_HCLK_DIV2)",
    unmodelled="CRC, LPUART1, USART3, TIM5 and flash prefetch ON (the datasheet run table is prefetch OFF): "
    "no STM32L4R5 (DS12023) figure in the device description",
)
H7A3 = Board(
    "NUCLEO-H7A3ZI-Q",
    "stm32h7a3",
    280.0,
    3.3,
    "STMicroelectronics",
    f"{RESULTS}, {_ST}/systems/NUCLEO-H7A3ZI-Q/NUCLEO_H7A3ZI_Q_system_description.json: STM32H7A3ZIT6Q, "
    "Cortex-M7 at 280 MHz, 'Operating at 3.3V with SMPS', X-CUBE-AI 7.3.0, GCC 10.3-2020-q2",
    firmware_source=f"{_CODE}/NUCLEO-H7A3ZI-Q/<benchmark>/tinyml_api/submitter_implemented.c: "
    "th_final_initialize() gates the AXI SRAM, AHB SRAM, flash-interface and ECC RAM clocks "
    "(RCC CKGA) and turns GPIO A-F, H off; th_pre() turns USART1 and TIM5 off; CRC and USART3 stay on "
    "(<benchmark>/*.ioc)",
    unmodelled="CRC, USART3 and the clock gating: no STM32H7A3 (DS13195) peripheral-current figure in "
    "the device description",
)
U575 = Board(
    "NUCLEO-U575ZI-Q",
    "stm32u575",
    160.0,
    1.8,
    "STMicroelectronics",
    f"{RESULTS}, {_ST}/systems/NUCLEO-U575ZI-Q/NUCLEO-U575ZI-Q_system_description.json: STM32U575ZIT6Q, "
    "Cortex-M33 at 160 MHz, 'Operating at 1.8V / SMPS', X-CUBE-AI 7.3.0, GCC 10.3-2020-q2",
    clocked=("AHB1", "CRC", "ICACHE", "APB1", "TIM5"),
    firmware_source=f"{_CODE}/NUCLEO-U575ZI-Q/<benchmark>/tinyml_api/submitter_implemented.c: "
    "th_final_initialize() selects the SMPS and turns the DCACHE1 and PWR clocks off; th_pre() turns "
    "GPIO A-I, RNG and the AHB2, AHB3, APB2 and APB3 bus clocks off (so LPUART1 and USART1 stop) and "
    "powers SRAM1, SRAM3 and SRAM4 down, keeping SRAM2; CRC, ICACHE (AHB1) and TIM5 (APB1) stay on "
    "(<benchmark>/*.ioc: CRC, ICACHE, TIM5 initialised; AHB and APB1 at 160 MHz)",
    unmodelled="SRAM4 power-down (DS13086 Table 48 gives SRAM1 and SRAM3 only) and the SMPS ultra-low-power mode",
)


def _measurement(board, folder, benchmark, energy_uj, inferences_per_s, power_mw):
    path = f"{_ST}/results/{folder}/{benchmark}/energy/results.txt"
    source = (
        f"{RESULTS}, {path}: median energy {energy_uj} uJ/inference, median throughput "
        f"{inferences_per_s} inferences/s, median window power {power_mw} mW (five windows)"
    )
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
    datasheet_mw: float  # run current of the datasheet condition x supply
    modelled_mw: float  # the activity model: datasheet condition corrected for the firmware's blocks
    band_mw: tuple | None  # modelled x the datasheet's lightest / heaviest benchmark code, or None
    terms: list  # (block, mW) corrections
    measured_mw: float
    datasheet_error: float  # datasheet / measured - 1
    error: float  # modelled / measured - 1
    within_bound: bool
    unmodelled: str
    source: str


def compare(measurements=MEASUREMENTS, bound=ERROR_BOUND) -> list:
    rows = []
    for m in measurements:
        device = load_device(m.board.device)
        mhz, volts = operating_point(device, m.board.clock_mhz, m.board.supply_v)
        datasheet = run_power_mw(device, mhz, volts)
        clocked = m.board.clocked
        if clocked is None or not device.need("power").blocks:
            modelled, terms = datasheet, []
        else:
            modelled = inference_current_ma(device, mhz, clocked) * volts
            terms = [(block.name, ma * volts) for block, ma in block_terms(device, mhz, clocked)]
        band = code_band(device)
        band_mw = (modelled * band[0], modelled * band[1]) if band else None
        error = modelled / m.power_mw - 1.0
        rows.append(
            Row(
                m.board.name,
                m.benchmark,
                device.name,
                mhz,
                volts,
                datasheet,
                modelled,
                band_mw,
                terms,
                m.power_mw,
                datasheet / m.power_mw - 1.0,
                error,
                abs(error) <= bound,
                m.board.unmodelled,
                m.source,
            )
        )
    return rows


def energy_check(rows) -> EnergyCheck | None:
    """The ratios of the power every energy figure uses (the datasheet run power at the board's clock and
    supply, not corrected for the submission's firmware) to the measured power, as the results record keeps
    them."""
    if not rows:
        return None
    ratios = [r.datasheet_mw / r.measured_mw for r in rows]
    return EnergyCheck(runs=len(rows), boards=len({r.board for r in rows}), mean_ratio=round(statistics.fmean(ratios), 4),
                       min_ratio=round(min(ratios), 4), max_ratio=round(max(ratios), 4))


@functools.cache
def _compared() -> tuple:
    return tuple(compare())


def device_energy_check(device) -> EnergyCheck | None:
    """The comparison of a device description with its board's measured runs: None when no board is the
    device, or when its power figures are not those of the built-in description the comparison used (a
    user's file under a built-in name may have changed them)."""
    try:
        builtin = load_device(device.name).need("power") == device.need("power")
    except DeviceError:
        builtin = False
    return energy_check([r for r in _compared() if r.device == device.name]) if builtin else None


def method_energy_check() -> EnergyCheck | None:
    """The comparison over every board: how the run-power method does where it was checked."""
    return energy_check(list(_compared()))


def per_board(rows) -> dict:
    """Board -> (mean datasheet error, mean activity-model error) over its benchmarks."""
    boards = {}
    for r in rows:
        boards.setdefault(r.board, []).append(r)
    return {
        name: (statistics.fmean(r.datasheet_error for r in rs), statistics.fmean(r.error for r in rs))
        for name, rs in boards.items()
    }


def markdown(rows, bound=ERROR_BOUND) -> str:
    lines = [
        f"Modelled run power against MLPerf Tiny v1.0 measured power; bound +/-{bound:.0%}. datasheet: run "
        "current x supply; modelled: corrected for the blocks the submission's firmware clocks; band: the "
        "datasheet's lightest to heaviest benchmark code",
        "",
        "| board | benchmark | device | clock | supply | datasheet | modelled | band | measured | "
        "error (datasheet) | error (modelled) | within |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        band = f"{r.band_mw[0]:.1f}-{r.band_mw[1]:.1f} mW" if r.band_mw else "none"
        lines.append(
            f"| {r.board} | {r.benchmark} | {r.device} | {r.clock_mhz:g} MHz | {r.supply_v:g} V | "
            f"{r.datasheet_mw:.1f} mW | {r.modelled_mw:.1f} mW | {band} | {r.measured_mw:.1f} mW | "
            f"{r.datasheet_error:+.1%} | {r.error:+.1%} | {'yes' if r.within_bound else 'no'} |"
        )
    lines.append("")
    firsts = {}
    for r in rows:
        firsts.setdefault(r.board, r)
    for board, (before, after) in per_board(rows).items():
        r = firsts[board]
        terms = ", ".join(f"{name} {mw:+.2f} mW" for name, mw in r.terms) or "no block table: no correction"
        lines.append(
            f"- {board}: mean error {before:+.1%} (datasheet) -> {after:+.1%} (modelled); terms: {terms}"
            + (f"; not modelled: {r.unmodelled}" if r.unmodelled else "")
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mcubench.benchmarks.validation.power", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--json", help="also write the rows, with their sources, to this file")
    args = parser.parse_args(argv)
    rows = compare()
    sys.stdout.write(markdown(rows))
    if args.json:
        write_json_atomic(
            args.json,
            {
                "error_bound": ERROR_BOUND,
                "rows": [asdict(r) for r in rows],
                "boards": [asdict(b) for b in (L4R5, H7A3, U575)],
            },
        )
    return 0 if all(r.within_bound for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
