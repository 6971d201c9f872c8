"""The HTML reports in a real browser: Debian's headless Chromium (tests/browser.py), at a wide and a narrow
window and laid out for print.

At 1400 px and at 800 px: nothing sticks out of the window (a wide table scrolls inside its own box, the
page never scrolls sideways), every image loads, no text is cut or sticks out of its table cell, plots
are not shrunk past legibility; at 1400 px no table row wraps to more than three lines. Laid out for
A4 paper: nothing sticks out of the page, and Chromium prints a PDF of it.

The checks themselves are Browser.problems (tests/browser.py). On a failure the page's screenshot is kept
as test-artefacts/browser-<page>-<media>-<width>.png (or in $MCUBENCH_TEST_ARTEFACTS).
"""

import os
from pathlib import Path

import pytest

from browser import Browser
from mcubench.core.results import load_results
from mcubench.reports import render_all, render_comparison

FIXTURE = Path(__file__).resolve().parent / "golden" / "results_small.json"
ARTEFACTS = Path(os.environ.get("MCUBENCH_TEST_ARTEFACTS") or Path(__file__).resolve().parents[1] / "test-artefacts")
WIDTHS = (1400, 800)
# A4 (210 mm) less the 12 mm margins the print style sheet sets, at CSS's 96 px per inch.
PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    render_all(load_results(FIXTURE), out)
    return out / "report.html"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    base = load_results(FIXTURE)
    changed = load_results(FIXTURE)
    changed.rows[0].cycles += 120_000
    changed.rows[0].latency_ms = changed.rows[0].cycles / (changed.rows[0].clock_mhz * 1e3)
    changed.rows[0].compiler = "arm-none-eabi-gcc 13.2.1"
    changed.rows[0].layers[2].cycles += 120_000
    out = tmp_path_factory.mktemp("comparison")
    render_comparison([("main", base), ("pull request 42", changed)], out)
    return out / "comparison.html"


def _check(browser, page, width, media="", **limits):
    browser.open(page, width, media=media)
    problems = browser.problems(**limits)
    if problems:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTEFACTS / f"browser-{page.stem}-{media or 'screen'}-{width}.png"
        browser.screenshot(shot)
        pytest.fail(f"{page.name} at {width} px ({media or 'screen'}), screenshot {shot}:\n" + "\n".join(problems[:20]))


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_report_reads_at_the_window_width(browser, report, width):
    _check(browser, report, width, max_lines=3 if width >= 1400 else 0)
    # The page is the whole report: every plot is in it, and the navigation reaches every section.
    assert browser.evaluate("document.images.length") == 8
    assert browser.evaluate("[...document.querySelectorAll('nav a')].every("
                            "a => document.getElementById(a.getAttribute('href').slice(1)))")


@pytest.mark.parametrize("width", WIDTHS)
def test_comparison_reads_at_the_window_width(browser, comparison, width):
    _check(browser, comparison, width, max_lines=3 if width >= 1400 else 0)
    worse = browser.evaluate("[...document.querySelectorAll('td.worse')].map(td => td.textContent)")
    assert "+1.50 ms (+2.57%)" in worse


def test_wide_tables_scroll_in_their_own_box_at_800_px(browser, report):
    browser.open(report, 800)
    boxes = browser.evaluate("[...document.querySelectorAll('.scroll')].map(b => [b.scrollWidth, b.clientWidth])")
    # The per-layer table with a column per device is wider than the window: its box scrolls, the page not.
    assert any(scroll > client for scroll, client in boxes)
    assert browser.evaluate("document.documentElement.scrollWidth") <= 800


@pytest.mark.slow
def test_report_fits_the_printed_page_and_prints_to_pdf(browser, report, tmp_path):
    _check(browser, report, PRINT_WIDTH, media="print", min_scale=0.5)
    pdf = tmp_path / "report.pdf"
    browser.open(report, 1400)
    assert browser.evaluate("document.querySelectorAll('details[open]').length") == 0
    browser.pdf(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 4
    # Printing opened the collapsed per-device layer tables, so the paper holds them too.
    assert browser.evaluate("document.querySelectorAll('details:not([open])').length") == 0


def test_the_checks_see_a_page_that_is_broken(browser, tmp_path):
    """What the checks above must catch: a wide block outside any scroll box, a missing image, a word
    sticking out of its table cell, a box that hides its overflowing text, a row wrapped many times."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><body>'
        '<div style="width: 1200px">wide</div>'
        '<img alt="missing plot" src="data:image/png;base64,AAAA">'
        '<table style="width: 300px; table-layout: fixed"><tbody><tr><td style="width: 50px">'
        'averyveryverylongwordthatcannotwrapinside</td><td>'
        + "many words " * 60 + '</td></tr></tbody></table>'
        '<p style="width: 100px; overflow: hidden; white-space: nowrap">text that is cut at the edge</p>'
        '</body></html>')
    browser.open(page, 800)
    problems = "\n".join(browser.problems(max_lines=3))
    for expected in ("page scrolls sideways", 'div "wide" spans', "image does not load: missing plot",
                     "sticks out of its cell", "cuts its text", "table row"):
        assert expected in problems, problems
