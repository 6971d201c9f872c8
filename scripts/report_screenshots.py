"""Screenshots of a rendered report in headless Chromium, as docs/images shows them.

    python3 scripts/report_screenshots.py reports/out/report.html docs/images

For each window width (1400 px and 800 px): report-<width>px.png, the page from its title through the
comparison tables, and report-<width>px-layers.png and -memory.png, the first per-layer section and the
memory section. The whole page is checked as tests/test_reports_browser.py checks it (nothing out of the
window, every image loaded, no text cut; tests/browser.py) and the problems found, if any, are printed.
"""

import io
from pathlib import Path
import sys

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser import Browser  # noqa: E402

WIDTHS = (1400, 800)
# (file suffix, id of the first section shown, id of the section that ends the crop)
CROPS = (("", None, "s-run-details"), ("-layers", "s-per-layer-figures", None), ("-memory", "s-memory", "s-battery-life"))
MAX_HEIGHT = 3200  # px: a crop stops there even if its section goes on


def _top(browser, element_id):
    if element_id is None:
        return 0
    return browser.evaluate(f"document.getElementById('{element_id}').getBoundingClientRect().top + scrollY")


def main(argv):
    page, out_dir = Path(argv[0]), Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    with Browser() as browser:
        for width in WIDTHS:
            browser.open(page, width)
            for problem in browser.problems():
                print(f"{width} px: {problem}", file=sys.stderr)
            full = out_dir / f".report-{width}px-full.png"
            browser.screenshot(full)
            image = Image.open(full)
            for suffix, start, end in CROPS:
                top = _top(browser, start)
                if start == "s-per-layer-figures":  # the first model's plot and table, not every model's
                    end_y = browser.evaluate("(() => { const h = document.querySelectorAll('h3'); "
                                             "const first = [...h].findIndex(x => x.getBoundingClientRect().top"
                                             f" + scrollY > {top}); return h[first + 1].getBoundingClientRect().top"
                                             " + scrollY; })()")
                else:
                    end_y = _top(browser, end)
                bottom = min(end_y, top + MAX_HEIGHT, image.height)
                crop = image.crop((0, int(top), image.width, int(bottom)))
                buffer = io.BytesIO()
                crop.save(buffer, format="PNG", optimize=True)
                (out_dir / f"report-{width}px{suffix}.png").write_bytes(buffer.getvalue())
                print(out_dir / f"report-{width}px{suffix}.png", crop.size)
            full.unlink()


if __name__ == "__main__":
    main(sys.argv[1:])
