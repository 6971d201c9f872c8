"""Markdown, HTML and CSV renderers against golden files, and `mcubench report` on good and bad input.

The golden files in tests/golden/ were rendered from results_small.json and read by a person. After an
intended change to the report, rewrite them with MCUBENCH_UPDATE_GOLDEN=1 and review the diff.
"""

import csv
from html.parser import HTMLParser
import io
import json
import os
from pathlib import Path
import re

import pytest

from mcubench.benchmarks.cli import main
from mcubench.core.results import load_results
from mcubench.core.errors import ResultsError
from mcubench.reports import render_all
from mcubench.reports.csv_export import render_csv, render_layers_csv
from mcubench.reports.html import render_html
from mcubench.reports.markdown import render_markdown

GOLDEN = Path(__file__).resolve().parent / "golden"
FIXTURE = GOLDEN / "results_small.json"
# The plots render_plots makes for the fixture, in its order; the golden files link or embed these.
PLOT_NAMES = ["latency", "energy", "layers_kws_ref_model", "layers_ad01_int8", "memory", "arena_kws_ref_model",
              "arena_ad01_int8", "battery_life"]
UPDATE = os.environ.get("MCUBENCH_UPDATE_GOLDEN") == "1"


@pytest.fixture
def results():
    return load_results(FIXTURE)


def _check_golden(name, text):
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def _render(fn, results, *args, **kwargs):
    stream = io.StringIO()
    fn(results, stream, *args, **kwargs)
    return stream.getvalue()


def _strip_images(html):
    return re.sub(r'src="data:image/png;base64,[A-Za-z0-9+/=]*"', 'src="data:image/png;base64,..."', html)


def test_markdown_matches_golden(results):
    _check_golden("summary.md", _render(render_markdown, results, plot_names=PLOT_NAMES))


def test_csv_matches_golden(results):
    _check_golden("results.csv", _render(render_csv, results))
    _check_golden("layers.csv", _render(render_layers_csv, results))


def test_html_matches_golden_apart_from_image_bytes(results):
    plots = {name: f"not really a PNG: {name}".encode() for name in PLOT_NAMES}
    _check_golden("report.html", _strip_images(_render(render_html, results, plots)))


def _table_after(markdown, caption):
    """The Markdown table under a bold caption (or a heading) as a list of dicts keyed by header."""
    lines = markdown.split(f"{caption}\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    headers = [h.strip() for h in lines[0].strip("|").split("|")]
    return [dict(zip(headers, (c.strip() for c in line.strip("|").split("|")))) for line in lines[2:]]


def _summary_rows(markdown):
    return _table_after(markdown, "one row per model and device**")


UNITS = {"µs": 1e-3, "ms": 1.0, "s": 1e3, "nJ": 1e-3, "µJ": 1.0, "mJ": 1e3, "B": 1, "KiB": 1024, "MiB": 1024 ** 2}


def _value(text):
    """A shown figure back in the base unit of its kind (ms, µJ, bytes)."""
    number, unit = text.rsplit(" ", 1)
    return float(number.replace(",", "")) * UNITS[unit]


def test_summary_table_shows_each_row_in_human_units(results):
    table = _summary_rows(_render(render_markdown, results))
    assert list(table[0]) == ["Model", "Device", "Latency", "Energy/Inference", "Peak RAM", "Flash", "Accuracy"]
    assert len(table) == len(results.rows)
    for shown, row in zip(table, results.rows):
        assert shown["Model"] == row.model_title
        assert shown["Latency"] == f"{row.latency_ms:.2f} ms"  # every fixture latency is 1..100 ms
        # The unit follows the magnitude: 102.3 µJ, but 1.92 mJ rather than 1,924.5 µJ.
        assert shown["Energy/Inference"].endswith(" mJ" if row.energy_uj >= 1000 else " µJ")
        assert _value(shown["Energy/Inference"]) == pytest.approx(row.energy_uj, rel=5e-3)
        assert shown["Peak RAM"] == f"{row.peak_ram_bytes / 1024:.1f} KiB"
        assert shown["Flash"] == f"{row.flash_bytes / 1024:.1f} KiB"
    esp32 = [s for s, r in zip(table, results.rows) if r.device == "esp32"]
    assert esp32 and all(s["Device"] == "ESP32 @ 160 MHz (RV32IMC proxy)" for s in esp32)
    no_accuracy = [s for s, r in zip(table, results.rows) if r.accuracy is None]
    assert [s["Accuracy"] for s in no_accuracy] == ["–"]


def test_layer_shares_add_up_to_the_whole_inference(results):
    markdown = _render(render_markdown, results)
    row = results.row("kws_ref_model", "esp32-c3")
    section = markdown.split("#### ESP32-C3 @ 160 MHz\n\n", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert len(section) == len(row.layers) + 1  # the layers and what lies outside them
    shares = [float(line.rstrip(" |").rsplit("|", 1)[1].strip().rstrip("%")) for line in section]
    assert sum(shares) == pytest.approx(100.0, abs=0.05 * len(shares))
    cycles = [int(line.split("|")[6].replace(",", "")) for line in section]
    assert sum(cycles) == row.cycles


def test_toolchains_show_the_compiler_version_target_and_optimisation_flags_only(results):
    for row in results.rows:
        if row.device == "cortex-m4-80mhz":
            row.cflags = ("-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -ffunction-sections -g "
                          "-Wall -I/home/someone/build/include -DNDEBUG")
    markdown = _render(render_markdown, results)
    assert ("| Cortex-M4 @ 80 MHz | arm-none-eabi-gcc 12.2.1 | -mcpu=cortex-m4 -mthumb -mfloat-abi=hard "
            "-mfpu=fpv4-sp-d16 -O2 |") in markdown
    assert "/home/someone" not in markdown
    assert "/home/someone" in _render(render_csv, results)
    # The run details table no longer carries the compiler: one line per device says it once.
    assert "Compiler" not in _table_after(markdown, "## Run details")[0]


def test_csv_holds_every_figure_of_every_row(results):
    rows = list(csv.DictReader(io.StringIO(_render(render_csv, results))))
    assert len(rows) == len(results.rows)
    for got, row in zip(rows, results.rows):
        assert (got["model"], got["device"]) == (row.model, row.device)
        assert int(got["cycles"]) == row.cycles
        assert float(got["energy_uj"]) == row.energy_uj  # full precision, not the display rounding
        assert int(got["peak_ram_bytes"]) == row.peak_ram_bytes
        assert got["proxy_isa"] == (row.proxy_isa or "")
        assert got["accuracy_value"] == ("" if row.accuracy is None else repr(row.accuracy.value))
    layers = list(csv.DictReader(io.StringIO(_render(render_layers_csv, results))))
    assert len(layers) == sum(len(r.layers) for r in results.rows)


class _TagBalance(HTMLParser):
    """Fails on a closing tag that does not match the last open one (void elements never close)."""

    VOID = {"meta", "img", "br", "hr", "link"}

    def __init__(self):
        super().__init__()
        self.open = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open[-3:])
        self.open.pop()


def test_html_is_self_contained_and_embeds_every_plot(results):
    plots = {name: bytes([0x89]) + name.encode() for name in PLOT_NAMES}
    html = _render(render_html, results, plots)
    assert "<link" not in html and "http://" not in html and "https://" not in html
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', html)) == len(PLOT_NAMES)
    assert "ESP32 @ 160 MHz (RV32IMC proxy)" in html
    assert "&lt;" not in html.split("<body>")[0]  # the head is markup, not escaped text
    checker = _TagBalance()
    checker.feed(html)
    assert checker.open == []
    links = re.findall(r'<a href="#([^"]+)">', html)
    assert len(links) >= 6 and all(f'id="{target}"' in html for target in links)


@pytest.mark.slow
def test_render_all_writes_the_report_folder(results, tmp_path):
    out = tmp_path / "out"
    written = render_all(results, out)
    names = sorted(str(p.relative_to(out)) for p in written)
    assert names == sorted(["summary.md", "report.html", "results.csv", "layers.csv"]
                           + [f"plots/{n}.png" for n in PLOT_NAMES])
    assert sorted(p.name for p in out.iterdir()) == ["layers.csv", "plots", "report.html", "results.csv",
                                                     "summary.md"]  # no staging folder left behind
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    for name in PLOT_NAMES:
        assert f"(plots/{name}.png)" in markdown


@pytest.mark.slow
def test_render_all_replaces_an_earlier_report(results, tmp_path):
    out = tmp_path / "out"
    (out / "plots").mkdir(parents=True)
    (out / "plots" / "layers_gone_model.png").write_bytes(b"old")
    (out / "plots" / "arena_gone_model.png").write_bytes(b"old")
    (out / "notes.txt").write_text("mine")
    results.rows = [r for r in results.rows if r.model == "ad01_int8"]
    render_all(results, out)
    assert sorted(p.name for p in (out / "plots").iterdir()) == sorted(
        f"{n}.png" for n in PLOT_NAMES if n not in ("layers_kws_ref_model", "arena_kws_ref_model"))
    assert (out / "notes.txt").read_text() == "mine"
    assert "Keyword spotting" not in (out / "summary.md").read_text(encoding="utf-8")


def test_an_empty_record_renders_a_short_report(results, tmp_path):
    results.rows = []
    written = render_all(results, tmp_path / "out")
    assert sorted(p.name for p in written) == ["layers.csv", "report.html", "results.csv", "summary.md"]
    assert "holds no results" in (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "results.csv").read_text().count("\n") == 1  # the header only


def test_render_all_leaves_the_previous_report_when_rendering_fails(results, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("previous report\n")

    def broken(results, stream):
        stream.write("half a table")
        raise ResultsError("broken renderer")

    monkeypatch.setattr("mcubench.reports.csv_export.render_csv", broken)
    monkeypatch.setattr("mcubench.reports.plots.render_plots", lambda results, battery=None: {})
    with pytest.raises(ResultsError, match="broken renderer"):
        render_all(results, out)
    assert [p.name for p in out.iterdir()] == ["summary.md"]
    assert (out / "summary.md").read_text() == "previous report\n"


def test_render_all_refuses_a_folder_it_cannot_create(results, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(ResultsError, match="cannot write reports"):
        render_all(results, blocker / "out")


# ---------------------------------------------------------------------------- the command


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_report_command_writes_the_folder(tmp_path, capsys):
    code, out, err = _run(capsys, "report", str(FIXTURE), "-o", str(tmp_path / "r"), "--battery-mah", "220",
                          "--battery-v", "3.0")
    assert code == 0, err
    assert out == "" and "6 rows rendered" in err  # a note, not output: stdout stays empty
    assert "220 mAh at 3 V" in (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert (tmp_path / "r" / "plots" / "battery_life.png").stat().st_size > 1000


def _one_line_error(code, out, err):
    assert code == 2
    assert out == ""
    assert err.startswith("mcubench: error: ") and err.count("\n") == 1, err


def test_report_rejects_a_results_file_of_another_version(tmp_path, capsys):
    data = json.loads(FIXTURE.read_text())
    data["schema"] = "mcubench.results/0"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    code, out, err = _run(capsys, "report", str(path), "-o", str(tmp_path / "r"))
    _one_line_error(code, out, err)
    assert "mcubench.results/0" in err
    assert not (tmp_path / "r").exists()


def test_report_names_a_missing_field(tmp_path, capsys):
    data = json.loads(FIXTURE.read_text())
    del data["rows"][2]["energy_uj"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    code, out, err = _run(capsys, "report", str(path), "-o", str(tmp_path / "r"))
    _one_line_error(code, out, err)
    assert "rows[2]" in err and "energy_uj" in err


def test_report_says_so_when_the_folder_cannot_be_written(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, out, err = _run(capsys, "report", str(FIXTURE), "-o", str(blocker / "out"))
    _one_line_error(code, out, err)
    assert "is not a directory" in err


def test_report_rejects_a_battery_without_capacity(tmp_path, capsys):
    code, out, err = _run(capsys, "report", str(FIXTURE), "-o", str(tmp_path / "r"), "--battery-mah", "0")
    _one_line_error(code, out, err)
    assert not (tmp_path / "r").exists()
