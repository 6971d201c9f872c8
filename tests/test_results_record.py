"""The results record: round trip, and strict loading that names what is wrong."""

import json

import pytest

from mcubench.core.results import (Accuracy, Agreement, DeviceInfo, LayerResult, RegionResult, Results, ResultRow, Validation,
                                   load_results, results_from_dict, save_results)
from mcubench.core.errors import ResultsError


def _row(**overrides):
    row = dict(model="m", model_title="Model", model_sha256="0" * 64, device="cortex-m4-80mhz",
               device_title="Cortex-M4 @ 80 MHz", device_version=1, isa="armv7e-m", proxy_isa=None,
               clock_mhz=80.0, voltage_v=3.3, macs=1000, instructions=900, cycles=1200, latency_ms=0.015,
               energy_uj=1.5, avg_power_mw=100.0, idle_power_mw=0.1, peak_ram_bytes=4096,
               static_ram_bytes=1024, stack_bytes=512, arena_bytes=2048, heap_bytes=0, flash_bytes=20000,
               weights_bytes=8000, accuracy=Accuracy("top1", 0.9, 10, 1.0),
               layers=[LayerResult(0, "conv_0", "CONV_2D", [1, 4, 4, 8], 1000, 1100, 0.01375, 1.3, 1.1)])
    row.update(overrides)
    return ResultRow(**row)


def _results():
    dev = DeviceInfo("cortex-m4-80mhz", "Cortex-M4 @ 80 MHz", 1, "cortex-m4", 80.0, ["clock: DS10198"], [])
    return Results(suite="t", rows=[_row(), _row(model="n", accuracy=None, layers=[])],
                   devices={"cortex-m4-80mhz": dev}, git_commit="abc")


def test_round_trip_keeps_every_field(tmp_path):
    path = tmp_path / "r.json"
    original = _results()
    save_results(original, path)
    loaded = load_results(path)
    assert loaded == original
    assert isinstance(loaded.rows[0].layers[0], LayerResult)
    assert isinstance(loaded.rows[0].accuracy, Accuracy)
    assert loaded.rows[1].accuracy is None
    assert loaded.row("n", "cortex-m4-80mhz").model == "n"


def test_missing_field_is_named(tmp_path):
    data = _results().to_dict()
    del data["rows"][0]["cycles"]
    with pytest.raises(ResultsError, match="cycles"):
        results_from_dict(data)


def test_unknown_field_is_named():
    data = _results().to_dict()
    data["rows"][1]["bogus_metric"] = 1
    with pytest.raises(ResultsError, match="bogus_metric"):
        results_from_dict(data)


def test_other_schema_is_refused(tmp_path):
    data = _results().to_dict()
    data["schema"] = "mcubench.results/99"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ResultsError, match="schema"):
        load_results(path)


def test_not_json_is_one_clear_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ResultsError):
        load_results(path)


def test_device_validation_round_trips_and_schema_1_records_still_load(tmp_path):
    original = _results()
    validation = Validation(7, 2.5, 6.0, independent=Agreement(3, 4.0, 6.0), informed=Agreement(4, 1.375, 2.0))
    original.devices["cortex-m4-80mhz"].validation = validation
    path = tmp_path / "r.json"
    save_results(original, path)
    loaded = load_results(path)
    assert loaded.devices["cortex-m4-80mhz"].validation == validation
    assert isinstance(loaded.devices["cortex-m4-80mhz"].validation.independent, Agreement)
    # A /5 record's validation does not tell independent from informed references: loaded without the split.
    five = json.loads(path.read_text())
    five["schema"] = "mcubench.results/5"
    for key in ("independent", "informed"):
        del five["devices"]["cortex-m4-80mhz"]["validation"][key]
    assert results_from_dict(five).devices["cortex-m4-80mhz"].validation == Validation(7, 2.5, 6.0)
    bad = json.loads(path.read_text())
    bad["devices"]["cortex-m4-80mhz"]["validation"]["informed"]["references"] = -1
    with pytest.raises(ResultsError, match="informed.references"):
        results_from_dict(bad)
    # A record written before devices carried their validation: read as "not validated".
    old = json.loads(path.read_text())
    old["schema"] = "mcubench.results/1"
    del old["devices"]["cortex-m4-80mhz"]["validation"]
    back = results_from_dict(old)
    assert back.devices["cortex-m4-80mhz"].validation is None
    assert back.schema == "mcubench.results/7"


def _firmware_row(**overrides):
    row = dict(model="fw", model_title="fw", model_sha256="1" * 64, macs=0, arena_bytes=0, weights_bytes=0,
               accuracy=None, layers=[], kind="firmware", exit_status=0, console="OUTPUT 80 71\n",
               regions=[RegionResult("invoke", None, 1, 700, 900, 0.01125, 0.34),
                        RegionResult("conv", "invoke", 3, 500, 650, 0.008125, 0.25)],
               cycles_by_cause={"pipeline": 1000, "memory_stalls": 200}, notes=["flash wait states at 80 MHz: 4"])
    row.update(overrides)
    return _row(**row)


def test_firmware_row_round_trip(tmp_path):
    path = tmp_path / "r.json"
    original = Results(suite="", rows=[_firmware_row()], devices={})
    save_results(original, path)
    loaded = load_results(path)
    assert loaded == original and json.loads(path.read_text())["schema"] == "mcubench.results/7"
    row = loaded.rows[0]
    assert isinstance(row.regions[1], RegionResult) and row.region("conv").parent == "invoke"
    assert row.region("nosuch") is None
    # A firmware may exit with a negative status (SYS_EXIT_EXTENDED carries a signed subcode).
    negative = Results(suite="", rows=[_firmware_row(exit_status=-1)], devices={})
    assert results_from_dict(negative.to_dict()).rows[0].exit_status == -1


def test_energy_checks_round_trip_and_a_schema_6_record_has_none(tmp_path):
    from mcubench.core.results import EnergyCheck

    original = _results()
    own = EnergyCheck(runs=3, boards=1, mean_ratio=0.71, min_ratio=0.68, max_ratio=0.76)
    original.devices["cortex-m4-80mhz"].energy_check = own
    original.energy_method_check = EnergyCheck(runs=11, boards=3, mean_ratio=0.69, min_ratio=0.58, max_ratio=0.77)
    path = tmp_path / "r.json"
    save_results(original, path)
    loaded = load_results(path)
    assert loaded.devices["cortex-m4-80mhz"].energy_check == own
    assert loaded.energy_method_check == original.energy_method_check
    six = json.loads(path.read_text())
    six["schema"] = "mcubench.results/6"
    del six["energy_method_check"]
    for info in six["devices"].values():
        del info["energy_check"]
    older = results_from_dict(six)
    assert older.energy_method_check is None
    assert all(info.energy_check is None for info in older.devices.values())
    # A ratio is a share of measured power: a negative one is refused like any other malformed figure.
    six["energy_method_check"] = dict(original.energy_method_check.__dict__, min_ratio=-0.5)
    with pytest.raises(ResultsError, match="energy_method_check"):
        results_from_dict(six)


def test_schema_1_record_loads_with_the_new_fields_at_their_defaults():
    data = _results().to_dict()
    data["schema"] = "mcubench.results/1"
    for row in data["rows"]:  # a /1 row had none of these
        for key in ("kind", "regions", "exit_status", "console", "cycles_by_cause", "notes", "input_kind",
                    "input_seed", "code_bytes", "arena_plan"):
            del row[key]
    loaded = results_from_dict(data)
    assert loaded.schema == "mcubench.results/7"
    assert [(r.kind, r.regions, r.exit_status, r.console) for r in loaded.rows] == [("model", [], None, "")] * 2


@pytest.mark.parametrize("change, message", [
    (lambda row: row.update(kind="script"), "kind"),
    (lambda row: row["regions"][0].pop("cycles"), r"regions\[0\]: missing field\(s\) cycles"),
    (lambda row: row.update(exit_status="3"), "exit_status: expected an integer or null"),
])
def test_bad_firmware_rows_name_the_field(change, message):
    data = Results(suite="", rows=[_firmware_row()], devices={}).to_dict()
    change(data["rows"][0])
    with pytest.raises(ResultsError, match=message):
        results_from_dict(data)
