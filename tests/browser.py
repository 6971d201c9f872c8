"""Headless Chromium driven over the DevTools protocol on a pipe: no Python package, no network port.

Chromium started with --remote-debugging-pipe reads protocol messages from file descriptor 3 and writes
replies and events to file descriptor 4, each a JSON object ended by a NUL byte. The tests use it to load
a report at a given window width, run checks in the page, take full-page screenshots and print to PDF.
Chromium and its flags are Debian's `chromium` package as scripts/setup.sh installs it.
"""

import base64
import fcntl
import json
import os
import select
from pathlib import Path
import shutil
import subprocess
import tempfile

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Headless as root, on a machine with no network but the package registries: no sandbox (root), no GPU,
# and none of the background connections that would each be refused.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--force-color-profile=srgb",
         "--remote-debugging-pipe")


# Everything a reader would call broken, found in the page by script: an element past the window's edges
# (inside a box that scrolls sideways an element may extend past the window: the box scrolls, the page
# not), the page scrolling sideways, text cut by a box that hides its overflow, a word sticking out of its
# table cell, an image that did not load or is shrunk below MIN_SCALE of its size, a table row taller than
# MAX_LINES lines (0: not checked).
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


class BrowserError(RuntimeError):
    pass


class Browser:
    """One Chromium process and one page (a flattened session on a new target)."""

    def __init__(self, timeout_s=60):
        if CHROMIUM is None:
            raise BrowserError("chromium is not installed (scripts/setup.sh installs Debian's chromium)")
        self._profile = tempfile.mkdtemp(prefix="mcubench-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes():  # in the child: the protocol's fixed descriptors 3 and 4
            # Either pipe end may itself be 3 or 4: move both out of the way before placing them.
            reader = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            writer = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        self._proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, preexec_fn=wire_pipes, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._timeout_s = timeout_s
        self._buffer = b""
        self._next_id = 0
        self._events = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)

    # ------------------------------------------------------------------ protocol

    def _read_message(self):
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], self._timeout_s)
            if not ready:
                raise BrowserError(f"chromium did not answer within {self._timeout_s} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the protocol pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, session=False, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self._events.append(reply)

    def _wait_event(self, method):
        for i, event in enumerate(self._events):
            if event.get("method") == method:
                return self._events.pop(i)
        while True:
            event = self._read_message()
            if event.get("method") == method:
                return event
            self._events.append(event)

    # ------------------------------------------------------------------ page

    def open(self, path, width, height=900, media=""):
        """Load a file at a window of width x height CSS pixels; media "print" lays it out as for paper."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self.call("Emulation.setEmulatedMedia", session=True, media=media)
        self._events = [e for e in self._events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", session=True, url=Path(path).resolve().as_uri())
        self._wait_event("Page.loadEventFired")

    def evaluate(self, expression):
        """The value of a JavaScript expression (a promise is awaited), as JSON."""
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails'].get('exception', {}).get('description')}")
        return result["result"].get("value")

    def problems(self, min_scale=0.7, max_lines=0) -> list:
        """What is broken in the page as laid out now: a list of one-line descriptions (see _PROBLEMS)."""
        return self.evaluate(_PROBLEMS.replace("MIN_SCALE", str(min_scale)).replace("MAX_LINES", str(max_lines)))

    def screenshot(self, out_path):
        """The whole page, not just the window, as a PNG."""
        width, height = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        data = self.call("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})["data"]
        Path(out_path).write_bytes(base64.b64decode(data))

    def pdf(self, out_path):
        """Print the page as Chromium's print dialog would (A4, background graphics on)."""
        data = self.call("Page.printToPDF", session=True, paperWidth=8.27, paperHeight=11.69, printBackground=True,
                         preferCSSPageSize=True)["data"]
        Path(out_path).write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.call("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
