"""Ctrl-C during a simulation: stop the emulator within milliseconds, then raise KeyboardInterrupt.

Python runs its SIGINT handler only between bytecodes of the main thread. During uc_emu_start the main
thread is in native code (Unicorn and the C tracer), so the handler would wait for the run to end; and
when it does run inside one of Unicorn's Python hook callbacks, the KeyboardInterrupt is raised inside a
ctypes callback and lost ("Exception ignored on calling ctypes callback function"). So, while an
emulator runs:

- the C-level signal handler writes the signal number to a pipe (signal.set_wakeup_fd); a watcher thread
  wakes on it and calls uc_emu_stop on the running emulators. Unicorn supports that call from another
  thread (its own timeout option does the same), and the main thread holds no GIL inside uc_emu_start;
- the Python handler only records the request (and stops the emulators too, for when the pipe is not
  ours); run() raises KeyboardInterrupt once emu_start has returned.

Outside a simulation the Python handler raises KeyboardInterrupt as Python's default handler does.

The command line is a program that ends on the first Ctrl-C (end_program_on_ctrl_c): from then on SIGINT is
ignored, since a terminal's second press would otherwise land in the clean-up (stopping worker processes,
the interpreter joining the process pool's threads at exit) and print a traceback instead of one line.
"""

import os
import signal
import threading

from unicorn.unicorn_py3.unicorn import uclib

_lock = threading.Lock()  # held while the watcher thread stops emulators, so none is freed meanwhile
_running = []  # Unicorn handles (uc_engine*) of emulators inside emu_start
_state = {"requested": False, "installed": False, "ends_program": False}


def _stop_running():
    for handle in list(_running):
        uclib.uc_emu_stop(handle)


def _on_sigint(signum, frame):
    if _state["ends_program"]:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _running:
        raise KeyboardInterrupt
    # Inside a simulation: raising here could land in a Unicorn callback and be lost; run() raises.
    _state["requested"] = True
    _stop_running()


def _watch(read_fd):
    while True:
        try:
            data = os.read(read_fd, 64)
        except OSError:
            return
        if not data:
            return
        if signal.SIGINT in data:
            with _lock:
                _stop_running()


def install() -> bool:
    """Take over SIGINT (idempotent). Only from the main thread, and only when SIGINT has Python's
    default handler: a program that installed its own keeps it. True when installed."""
    if _state["installed"]:
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return False
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    if previous != -1:  # someone else (an event loop) owns the wakeup fd: leave it to them
        signal.set_wakeup_fd(previous)
        os.close(read_fd)
        os.close(write_fd)
    else:
        threading.Thread(target=_watch, args=(read_fd,), name="mcubench-sigint", daemon=True).start()
    signal.signal(signal.SIGINT, _on_sigint)
    _state["installed"] = True
    return True


def end_program_on_ctrl_c() -> None:
    """For a program's entry point (the `mcubench` command), never for a library user: the first Ctrl-C
    raises KeyboardInterrupt (stopping a simulation as above) and every later one is ignored while the
    program winds down."""
    if install():
        _state["ends_program"] = True


def emu_start(uc, begin, until):
    """uc.emu_start(begin, until), stopped by Ctrl-C: raises KeyboardInterrupt after the emulator stopped."""
    handle = uc._uch
    _running.append(handle)
    try:
        uc.emu_start(begin, until)
    finally:
        with _lock:
            _running.remove(handle)
        if _state["requested"]:
            _state["requested"] = False
            raise KeyboardInterrupt
