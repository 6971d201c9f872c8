"""The HTML reports in a real browser: Debian's headless Chromium (tests/browser.py), at a wide and a narrow
window and laid out for print.

At 1400 px and at 800 px: nothing sticks out of the window (a wide table scrolls inside its own box, the
page never scrolls sideways), every image loads, no text is cut or sticks out of its table cell, plots
are not shrunk past legibility; at 1400 px no table row wraps to more than three lines. Laid out for
A4 paper: nothing sticks out of the page, and Chromium prints a PDF of it.

On a failure the page's screenshot is kept in test-artefacts/browser/ (or $MCUBENCH_TEST_ARTEFACTS).
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

# Everything a reader would call broken, found in the page by script. Elements inside a box that scrolls
# sideways may extend past the window: the box scrolls; the box itself may not.
_PROBLEMS = r"""
(() => {
  const view = document.documentElement.clientWidth;
  const problems = [];
  const name = el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
                     ' "' + (el.textContent || el.alt || '').trim().slice(0, 40) + '"';
  const scrolls = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > view)
    problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' px in ' + view);
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.right > view + 0.5 || r.left < -0.5) && !scrolls(el))
      problems.push(name(el) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px of ' + view);
    const s = getComputedStyle(el);
    const hides = ['hidden', 'clip'];
    if ((hides.includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
        (hides.includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1))
      problems.push(name(el) + ' cuts its text');
  }
  for (const cell of document.querySelectorAll('td, th'))
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push(name(cell) + ' sticks out of its cell');
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) { problems.push('image does not load: ' + img.alt); continue; }
    const scale = img.getBoundingClientRect().width / img.naturalWidth;
    if (scale < MIN_SCALE) problems.push('image shrunk to ' + scale.toFixed(2) + ': ' + img.alt);
  }
  if (MAX_LINES) for (const row of document.querySelectorAll('tbody tr')) {
    const cell = row.cells[0];
    const line = parseFloat(getComputedStyle(cell).lineHeight) || 1.2 * parseFloat(getComputedStyle(cell).fontSize);
    if (row.getBoundingClientRect().height > MAX_LINES * line + 10)
      problems.push('table row ' + Math.round(row.getBoundingClientRect().height) + ' px tall: ' + name(row));
  }
  return problems;
})()
"""


def _problems(browser, min_scale=0.7, max_lines=0):
    return browser.evaluate(_PROBLEMS.replace("MIN_SCALE", str(min_scale)).replace("MAX_LINES", str(max_lines)))


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
    problems = _problems(browser, **limits)
    if problems:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTEFACTS / f"browser-{page.stem}-{media or 'screen'}-{width}.png"
        browser.screenshot(shot)
        pytest.fail(f"{page.name} at {width} px ({media or 'screen'}), screenshot {shot}:\n" + "\n".join(problems[:20]))


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
    problems = "\n".join(_problems(browser, max_lines=3))
    for expected in ("page scrolls sideways", 'div "wide" spans', "image does not load: missing plot",
                     "sticks out of its cell", "cuts its text", "table row"):
        assert expected in problems, problems
