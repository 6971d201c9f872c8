"""The MLPerf Tiny power comparison: its inputs are cited and consistent, and its error bound is applied."""

from dataclasses import replace

import pytest

from mcubench.benchmarks.validation import power as power_check
from mcubench.core.device import load_device

BOARDS = {m.board for m in power_check.MEASUREMENTS}


def test_every_board_and_measurement_is_cited():
    for board in BOARDS:
        assert "tiny_results_v1.0" in board.source and "system_description" in board.source
        assert f"{board.clock_mhz:g} MHz" in board.source
        assert f"{board.supply_v:g}V" in board.source.replace(" V", "V")
    for m in power_check.MEASUREMENTS:
        assert f"/{m.benchmark}/energy/results.txt" in m.source
        assert str(m.energy_uj) in m.source and str(m.power_mw) in m.source


@pytest.mark.parametrize("m", power_check.MEASUREMENTS, ids=lambda m: f"{m.board.name}-{m.benchmark}")
def test_transcribed_figures_hang_together(m):
    # A window's power is its energy per inference times its inference rate: a mistyped figure shows here.
    assert m.energy_uj * m.inferences_per_s / 1000.0 == pytest.approx(m.power_mw, rel=0.01)


def test_each_board_has_a_device_at_its_clock_and_supply():
    for board in BOARDS:
        device = load_device(board.device)
        assert device.clock.default_mhz == board.clock_mhz
        assert device.power.voltage_v == board.supply_v


def test_modelled_power_is_datasheet_current_times_supply():
    rows = power_check.compare()
    assert len(rows) == len(power_check.MEASUREMENTS)
    for row, m in zip(rows, power_check.MEASUREMENTS):
        device = load_device(m.board.device)
        points = {p.mhz: p.current_ma for p in device.power.run}
        assert row.modelled_mw == pytest.approx(points[m.board.clock_mhz] * m.board.supply_v)
        assert row.error == pytest.approx(row.modelled_mw / m.power_mw - 1.0)
        assert row.within_bound == (abs(row.error) <= power_check.ERROR_BOUND)


def test_error_bound_flags_a_row_outside_it():
    m = power_check.MEASUREMENTS[0]
    modelled = power_check.compare([m])[0].modelled_mw
    inside = replace(m, power_mw=modelled * 1.1)
    outside = replace(m, power_mw=modelled * 1.3)
    rows = power_check.compare([inside, outside])
    assert [r.within_bound for r in rows] == [True, False]
    table = power_check.markdown(rows)
    assert "| yes |" in table and "| no |" in table


def test_script_writes_json_and_exits_by_the_bound(tmp_path, capsys):
    out = tmp_path / "power.json"
    status = power_check.main(["--json", str(out)])
    rows = power_check.compare()
    assert status == (0 if all(r.within_bound for r in rows) else 1)
    assert "NUCLEO-L4R5ZI" in capsys.readouterr().out
    assert out.read_text().count('"source"') >= len(rows)


def test_validate_prints_the_power_table_second(tmp_path, capsys):
    from mcubench.benchmarks.cli import main

    md = tmp_path / "v.md"
    assert main(["validate", "--devices", "stm32u575", "--markdown", str(md)]) == 0
    out = capsys.readouterr().out
    assert "MLPerf Tiny v1.0 measured power" in out and "NUCLEO-U575ZI-Q" in out
    assert "NUCLEO-L4R5ZI" not in out  # filtered by --devices like the timing table
    assert "| NUCLEO-U575ZI-Q | kws | stm32u575 |" in md.read_text()
