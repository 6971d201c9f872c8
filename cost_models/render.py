"""Text rendering of estimates and device lists for the CLI; computation stays in the other modules."""

from mcubench.core import units
from mcubench.core.labels import device_label


def _kb(n):
    return f"{n / 1024:g} KiB" if n >= 1024 else f"{n} B"


def estimate_text(est, label, out, skip_regions=(), trust=()):
    """The estimate's figures; trust: (what, text) lines saying how far they are trusted, after the totals."""
    device = device_label(est.device_title, est.clock_mhz, est.proxy_isa)
    out.write(f"{label} on {device}, {est.voltage_v:g} V (simulated estimate)\n")
    causes = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in est.cycles_by_cause.items() if v)
    out.write(f"  cycles       {est.cycles}" + (f" ({causes})" if causes else "") + "\n")
    out.write(f"  instructions {est.instructions}\n")
    out.write(f"  latency      {est.latency_ms:.6g} ms\n")
    out.write(f"  energy       {est.energy_uj:.6g} µJ\n")
    out.write(f"  avg power    {units.mw(est.avg_power_mw)}\n")
    reserved = (f"; linker placeholders reserve {est.reserved_ram_bytes} B more, not counted"
                if est.reserved_ram_bytes else "")
    out.write(f"  peak RAM     {est.peak_ram_bytes} B (static {est.static_ram_bytes} + stack {est.stack_bytes}"
              f" + heap {est.heap_bytes}{reserved})\n")
    out.write(f"  flash        {est.flash_bytes} B\n")
    for what, text in trust:
        out.write(f"  {what:<12} {text}\n")
    regions = [r for r in est.regions.values() if r.name not in set(skip_regions)]
    if regions:
        width = max(6, *(len(r.name) for r in regions))
        out.write(f"  {'region':<{width}} {'calls':>7} {'cycles':>12} {'latency ms':>12} {'energy µJ':>12} {'share':>6}\n")
        for r in regions:
            share = f"{100 * r.cycles / est.cycles:5.1f}%" if est.cycles else ""
            out.write(f"  {r.name:<{width}} {r.calls:>7} {r.cycles:>12} {r.latency_ms:>12.6g} {r.energy_uj:>12.6g} "
                      f"{share:>6}\n")


def profile_text(est, ops, out):
    """The per-operator table of a profiled firmware (`--profile tflm`), in the form of the per-layer
    table of mcubench's own firmware: op, calls, cycles, cycles per call, share of the whole run."""
    rows = sorted((est.regions[op] for op in ops if op in est.regions and est.regions[op].calls),
                  key=lambda r: -r.cycles)
    out.write(f"  {'#':>3} {'op':<18} {'calls':>6} {'cycles':>11} {'cyc/call':>11} {'share':>6}\n")
    for i, r in enumerate(rows, 1):
        share = f"{100 * r.cycles / est.cycles:5.1f}%" if est.cycles else ""
        out.write(f"  {i:>3} {r.name:<18} {r.calls:>6} {r.cycles:>11} {r.cycles // r.calls:>11} {share:>6}\n")
    total = sum(r.cycles for r in rows)
    share = f"{100 * total / est.cycles:5.1f}%" if est.cycles else ""
    out.write(f"  {'':>3} {'all ops':<18} {sum(r.calls for r in rows):>6} {total:>11} {'':>11} {share:>6}\n")
    unused = [op for op in ops if op in est.regions and not est.regions[op].calls]
    if unused:
        out.write(f"  registered but never called: {', '.join(unused)}\n")


def device_text(device, out):
    from .power import code_band, run_current_ma, run_power_mw, sleep_power_mw

    clock, power, proxy = device.clock, device.power, device.proxy
    out.write(f"{device.name}: {device.title}\n")
    out.write(f"  core     {device.core} ({device.isa})")
    if proxy:
        out.write(f", estimated from an {proxy.isa.upper()} proxy build of {proxy.real_isa} code")
    out.write("\n")
    if proxy and proxy.stream_factor != 1.0:
        out.write(f"  proxy    core cycles x {proxy.stream_factor:g}: {proxy.real_isa} against {proxy.isa} instruction "
                  "streams of the same C, measured in an ISA simulator (not on silicon)\n")
    if clock:
        options = clock.options_mhz
        allowed = ", ".join(f"{o:g}" for o in options) if options else f"{clock.min_mhz:g}-{clock.max_mhz:g}"
        out.write(f"  clock    {clock.default_mhz:g} MHz (allowed {allowed} MHz)\n")
    for area in device.memory_map:
        if area.kind == "peripheral":
            continue
        out.write(f"  memory   {area.name:<10} {area.kind:<6} {_kb(area.size):>10} at {area.base:#010x}\n")
    for cache in device.caches:
        out.write(f"  cache    {cache.name:<10} {cache.role:<11} {_kb(cache.size_bytes)}, "
                  f"{cache.ways}-way, {cache.line_bytes} B lines over {', '.join(cache.areas)}\n")
    if power and clock:
        mhz, volts = clock.default_mhz, power.voltage_v
        out.write(f"  run      {run_current_ma(device, mhz):.3g} mA at {mhz:g} MHz x {volts:g} V = "
                  f"{run_power_mw(device, mhz, volts):.4g} mW\n")
        if power.code_spread:
            low, high = code_band(device)
            out.write(f"  run band {low * run_current_ma(device, mhz):.3g}-{high * run_current_ma(device, mhz):.3g} mA "
                      "(the datasheet's lightest to heaviest code or code placement)\n")
        if power.blocks:
            out.write(f"  blocks   {', '.join(b.name for b in power.blocks)} (uA/MHz a firmware adds or saves)\n")
        sleep = power.sleep
        out.write(f"  sleep    {sleep.mode}: {sleep.current_ua:g} µA = {units.mw(sleep_power_mw(device, volts))}\n")


def duty_text(d, out):
    out.write(f"  duty cycle   {d['inferences_per_s']:g}/s: active {100 * d['active_fraction']:.3g}% of the time, "
              f"{d['sleep_mode']} between runs ({units.mw(d['sleep_power_mw'])}): average {units.mw(d['avg_power_mw'])}\n")
    if "battery_life_years" in d:
        out.write(f"  battery life {d['battery_life_years']:.3g} years (load only: self-discharge, regulator losses "
                  "and wake-up costs not included)\n")
