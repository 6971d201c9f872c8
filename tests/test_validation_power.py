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


def test_datasheet_power_is_run_current_times_supply():
    rows = power_check.compare()
    assert len(rows) == len(power_check.MEASUREMENTS)
    for row, m in zip(rows, power_check.MEASUREMENTS):
        device = load_device(m.board.device)
        points = {p.mhz: p.current_ma for p in device.power.run}
        assert row.datasheet_mw == pytest.approx(points[m.board.clock_mhz] * m.board.supply_v)
        assert row.datasheet_error == pytest.approx(row.datasheet_mw / m.power_mw - 1.0)
        assert row.error == pytest.approx(row.modelled_mw / m.power_mw - 1.0)
        assert row.within_bound == (abs(row.error) <= power_check.ERROR_BOUND)


def test_u575_activity_model_by_hand_from_ds13086():
    # DS13086 Rev 10: Table 39/44 run current 10.50 mA (160 MHz, Range 1, SMPS, 1.8 V, all peripherals off,
    # all SRAMs on); Table 73 SMPS Range 1, uA/MHz: AHB1 0.87, CRC 0.17, ICACHE 0.37, APB1 0.73, TIM5 1.91;
    # Table 48 SMPS Range 1 160 MHz: SRAM1 0.03 mA, SRAM3 0.09 mA, powered down by the MLPerf firmware.
    added_ma = (0.87 + 0.17 + 0.37 + 0.73 + 1.91) * 160 / 1000  # 0.648 mA
    saved_ma = 0.03 + 0.09
    modelled_mw = (10.50 + added_ma - saved_ma) * 1.8  # 19.8504 mW
    rows = [r for r in power_check.compare() if r.board == "NUCLEO-U575ZI-Q"]
    assert len(rows) == 4
    for r in rows:
        assert r.datasheet_mw == pytest.approx(10.50 * 1.8)
        assert r.modelled_mw == pytest.approx(modelled_mw)
        assert dict(r.terms)["TIM5"] == pytest.approx(1.91 * 160 / 1000 * 1.8)  # 0.550 mW
        assert dict(r.terms)["SRAM3"] == pytest.approx(-0.09 * 1.8)
        assert r.band_mw == pytest.approx((modelled_mw * 7.90 / 10.50, modelled_mw * 11.50 / 10.50))
    kws = next(r for r in rows if r.benchmark == "kws")
    assert kws.measured_mw == 25.837
    assert kws.datasheet_error == pytest.approx(18.9 / 25.837 - 1)  # -26.8%
    assert kws.error == pytest.approx(modelled_mw / 25.837 - 1)  # -23.2%
    # Even the datasheet's heaviest code (SecureMark) stays below every measured window: the gap the
    # datasheet tables cannot close.
    assert all(r.band_mw[1] < r.measured_mw for r in rows)


def test_boards_without_block_tables_keep_the_datasheet_figure_and_say_why():
    for r in power_check.compare():
        if r.board != "NUCLEO-U575ZI-Q":
            assert r.modelled_mw == r.datasheet_mw and r.terms == [] and r.band_mw is None
            assert "no STM32" in r.unmodelled
    assert "no block table: no correction" in power_check.markdown(power_check.compare())


def test_an_unknown_block_is_an_error_not_a_silent_zero():
    from mcubench.core.errors import UsageError
    from mcubench.cost_models.power import inference_current_ma

    with pytest.raises(UsageError, match="USART9"):
        inference_current_ma(load_device("stm32u575"), 160.0, ("USART9",))


def test_no_blocks_clocked_removes_the_sram_the_condition_had():
    from mcubench.cost_models.power import inference_current_ma

    device = load_device("stm32u575")
    assert inference_current_ma(device, 160.0, ("SRAM1", "SRAM3")) == pytest.approx(10.50)
    assert inference_current_ma(device, 160.0, ()) == pytest.approx(10.50 - 0.12)


def test_error_bound_flags_a_row_outside_it():
    m = power_check.MEASUREMENTS[0]
    modelled = power_check.compare([m])[0].modelled_mw
    assert modelled > 0
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


def test_h743_placement_spread_from_ds12110_and_shown_by_devices(capsys):
    # DS12110 Rev 10, rev V, VOS0 480 MHz, CoreMark, all peripherals off: Table 131 cache OFF 87 mA, Table 130
    # cache ON 110 mA (the run point), Table 129 ITCM/DTCM 148 mA.
    from mcubench.benchmarks.cli import main
    from mcubench.cost_models.power import code_band, run_current_ma

    device = load_device("stm32h7")
    assert run_current_ma(device, 480.0) == 110.0
    assert code_band(device) == pytest.approx((87.0 / 110.0, 148.0 / 110.0))
    assert main(["devices", "stm32h7"]) == 0
    assert "run band 87-148 mA" in capsys.readouterr().out


def test_every_block_and_code_spread_figure_is_quoted_in_its_source():
    # A figure typed into a device file must be the one its citation quotes (a mistyped digit shows here).
    from mcubench.core.device import DEVICES_DIR

    seen = 0
    for path in sorted(DEVICES_DIR.glob("*.toml")):
        power = load_device(path.stem).power
        if power is None:
            continue
        for block in power.blocks:
            assert f"{block.ua_per_mhz:g} uA/MHz" in block.source, (path.stem, block.name)
            seen += 1
        spread = power.code_spread
        if spread:
            for ma in (spread.low_ma, spread.reference_ma, spread.high_ma):
                assert (f"{ma:.2f} mA" in spread.source or f"{ma:g} mA" in spread.source), (path.stem, ma)
            seen += 1
    assert seen >= 12


def test_a_device_is_credited_with_its_boards_energy_check_only_with_the_figures_that_were_compared():
    builtin = load_device("stm32h7a3")
    check = power_check.device_energy_check(builtin)
    assert (check.runs, check.boards) == (3, 1) and 0 < check.min_ratio <= check.mean_ratio <= check.max_ratio
    assert power_check.device_energy_check(load_device("stm32h7")) is None  # no board measured it
    # A user's description under the same name with another supply: not what the comparison used.
    edited = replace(builtin, power=replace(builtin.need("power"), voltage_v=1.8))
    assert power_check.device_energy_check(edited) is None
