"""`mcubench run model.tflite`: build the model's firmware, run one inference, report per-layer figures.

The input comes from --input (an .npy in the model's input type and shape) or is a random tensor of that
type from --seed (default 0, so that runs of the same model repeat exactly; the seed is said with the
figures). --output writes the output tensor exactly as the firmware left it, so it can be compared with any
TFLite interpreter.
"""

import io
import sys

import numpy as np

from mcubench.core.errors import UsageError
from mcubench.core.atomic import write_bytes_atomic


def read_input(path):
    """The --input array: one array of the model's input type in a .npy file (UsageError for anything else)."""
    try:
        x = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise UsageError(f"{path}: cannot read input array: {exc or 'the file is empty'}") from None
    if not isinstance(x, np.ndarray):  # an .npz archive
        x.close()
        raise UsageError(f"{path}: not an .npy array (an .npz archive holds several; save one with numpy.save)")
    return x


def fit_input(x, path, fw):
    """The --input array in the model's input type and shape (UsageError when either differs)."""
    if x.dtype != np.dtype(fw.input.dtype):
        raise UsageError(f"{path}: input dtype is {x.dtype}, the model takes {fw.input.dtype}")
    if x.size != int(np.prod(fw.input.shape)):
        raise UsageError(f"{path}: input shape {list(x.shape)} does not match the model's {list(fw.input.shape)}")
    return x.reshape(fw.input.shape)


def save_npy_atomic(path, array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    write_bytes_atomic(path, buffer.getvalue())


def _layer_table(fw, est):
    header = f"{'#':>3} {'op':<18} {'output shape':<16} {'MACs':>10} {'cycles':>11} {'cyc/MAC':>8} {'share':>6}"
    lines = [header]
    for layer in fw.layers:
        region = est.regions.get(layer.region)
        cycles = region.cycles if region else 0
        per_mac = f"{cycles / layer.macs:8.2f}" if layer.macs and region else f"{'':>8}"
        share = f"{100 * cycles / est.cycles:5.1f}%" if est.cycles else ""
        shape = "x".join(map(str, layer.output_shape))
        lines.append(f"{layer.index:>3} {layer.op:<18} {shape:<16} {layer.macs:>10} {cycles:>11} {per_mac} {share:>6}")
    return "\n".join(lines)


def run_model(args, devices, out=None) -> int:
    """args: firmware (the .tflite path), json, clock_mhz, voltage, input, output, seed; devices: [Device].
    out: where the human-readable figures go (stdout, or stderr when --json or --output is stdout).

    --json writes a results record (one model row per device), as `mcubench bench` does.
    """
    from pathlib import Path

    from mcubench.benchmarks.records import make_results, model_row
    from mcubench.benchmarks.runner import DEFAULT_SEED, ModelOnDevice, random_input
    from mcubench.benchmarks.trust import trust_lines
    from mcubench.core.labels import device_label
    from mcubench.core.results import save_results
    from mcubench.cost_models import estimate

    out = out or sys.stdout
    if args.output and len(devices) > 1:
        raise UsageError("--output takes one device")
    if args.input and args.seed is not None:
        raise UsageError("--seed makes a random input; it cannot go with --input")
    given = read_input(args.input) if args.input else None
    seed = None if given is not None else (DEFAULT_SEED if args.seed is None else args.seed)
    rows = []
    for i, device in enumerate(devices):
        mod = ModelOnDevice(args.firmware, device)
        fw = mod.fw
        x = fit_input(given, args.input, fw) if given is not None else random_input(fw, seed)
        trace, output = mod.measure(x)
        est = estimate(trace, device, clock_mhz=args.clock_mhz,
                       voltage_v=args.voltage)
        macs = sum(layer.macs for layer in fw.layers)
        title = device_label(est.device_title, est.clock_mhz, est.proxy_isa)
        per_mac = f" ({est.cycles / macs:.2f} cycles/MAC)" if macs else ""
        if given is None and i == 0:
            default = " (the default; --seed N for another)" if args.seed is None else ""
            print(f"input: random {fw.input.dtype}, seed {seed}{default}", file=out)
        print(f"{fw.model_name} on {title} (simulated estimate): {est.cycles} cycles, {est.latency_ms:.3f} ms, "
              f"{est.energy_uj:.2f} µJ, peak RAM {est.peak_ram_bytes} B, flash {est.flash_bytes} B, "
              f"{macs} MACs{per_mac}", file=out)
        for what, text in trust_lines(device):
            print(f"  {what} trust: {text}", file=out)
        print(_layer_table(fw, est), file=out)
        if args.output:
            save_npy_atomic(args.output, output)
        name = getattr(args, "name", None) or Path(args.firmware).stem
        rows.append(model_row(name, name, args.firmware, fw, device, est,
                              input_kind="file" if given is not None else "random", input_seed=seed))
    if args.json:
        save_results(make_results("", rows, devices), args.json)
    return 0
