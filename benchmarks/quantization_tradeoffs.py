"""What quantization buys on each device: the MLPerf Tiny models as float32, int16x8 and int8, side by side.

For each network: the float32 model of the MLPerf Tiny release, its int8 model, and the int16x8 model
derived from the int8 one (benchmarks/variants.py). Every variant is built, run and costed on every device
(one traced inference for the figures), and its outputs on `--samples` inputs are compared with TFLite
Micro's; every variant of a network gets the same real-valued inputs (random int8 inputs of the int8 model,
converted to each variant's input type). There are no labelled test sets for these models here, so the
agreement with the interpreter is reported, not accuracy. A variant that does not fit a device is a row
that says which memory is too small.

    python -m mcubench.benchmarks.quantization_tradeoffs --models ../shared/models/mlperf-tiny -o out/

writes out/results.json (the results record, with each row's agreement on the extra samples) and the
reports (summary.md with the "Quantization trade-offs" section), and prints the trade-off tables.
"""

import argparse
import logging
from pathlib import Path
import sys
import tempfile

import numpy as np

log = logging.getLogger(__name__)
# (network, title, int8 file, float32 file) in the MLPerf Tiny folder.
NETWORKS = (
    ("kws", "Keyword spotting DS-CNN", "kws_ref_model.tflite", "kws_ref_model_float32.tflite"),
    ("resnet8", "Image classification ResNet-8", "pretrainedResnet_quant.tflite", "pretrainedResnet_float32.tflite"),
    ("ad01", "Anomaly detection autoencoder", "ad01_int8.tflite", "ad01_fp32.tflite"),
)
DEVICES = ("cortex-m4-80mhz", "stm32h7", "esp32-c3", "stm32g0")


def network_suite(folder, work, names=None):
    """A suite of the networks' variants (the int16x8 models are written into work)."""
    from mcubench.benchmarks.suite import Suite, SuiteModel, read_model_io
    from mcubench.benchmarks.variants import int16x8_variant
    from mcubench.firmware.compiler.tflite_reader import read_model

    models = []
    for name, title, int8_file, float_file in NETWORKS:
        if names and name not in names:
            continue
        int8 = Path(folder) / int8_file
        int16 = Path(work) / f"{name}_int16x8.tflite"
        int16.write_bytes(int16x8_variant(read_model(int8)))
        for file, variant in ((Path(folder) / float_file, "float32"), (int16, "int16x8"), (int8, "int8")):
            model_in, model_out = read_model_io(file)
            models.append(SuiteModel(name if variant == "int8" else f"{name}-{variant}", f"{title} ({variant})", file,
                                     input=model_in, output=model_out, variant=variant, variant_of=name))
    return Suite("mlperf-tiny-variants", "MLPerf Tiny models as float32, int16x8 and int8", list(DEVICES), models)


def same_inputs(suite, samples, seed=1):
    """model name -> `samples` inputs in its own type, the same real values for every variant of a network:
    random int8 inputs of the int8 model, converted."""
    from mcubench.benchmarks.suite import convert_inputs

    rng = np.random.default_rng(seed)
    bases = {m.variant_of: m for m in suite.models if m.variant == "int8"}
    x8 = {name: rng.integers(-128, 128, size=(samples, *m.input.shape[1:])).astype(np.int8)
          for name, m in bases.items()}
    return {m.name: convert_inputs(x8[m.variant_of], bases[m.variant_of].input, m.input) for m in suite.models}


def measure(model, device, xs, references):
    """A ResultRow (the traced run on the first input, agreement with TFLite Micro over all of them), or a
    Failure when the model does not fit the device or cannot be built for it."""
    from mcubench.benchmarks.reference import outputs_agree
    from mcubench.benchmarks.records import model_row
    from mcubench.benchmarks.runner import ModelOnDevice, failure_row
    from mcubench.core.results import Accuracy
    from mcubench.cost_models import estimate

    try:
        mod = ModelOnDevice(model.file, device)
        trace, _ = mod.measure(xs[0])
    except Exception as exc:
        failure = failure_row(model, device, exc)
        if failure is None:
            raise
        return failure
    est = estimate(trace, device)
    agree = float(np.mean([outputs_agree(mod.infer(x), r) for x, r in zip(xs, references)]))
    row = model_row(model.name, model.title, model.file, mod.fw, device, est,
                    accuracy=Accuracy("agreement", agree, len(xs), agree), input_kind="random", input_seed=1)
    row.variant, row.variant_of = model.variant, model.variant_of
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcubench.benchmarks.quantization_tradeoffs",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default=str(Path(__file__).resolve().parents[2] / "shared" / "models" / "mlperf-tiny"),
                        help="folder of the MLPerf Tiny .tflite files")
    parser.add_argument("--devices", default=",".join(DEVICES))
    parser.add_argument("--networks", default=",".join(n for n, *_ in NETWORKS), help="which of kws, resnet8, ad01")
    parser.add_argument("--samples", type=int, default=3, help="inputs checked against TFLite Micro per row")
    parser.add_argument("-o", "--out", required=True, help="folder for results.json and the reports")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # progress on stderr

    from mcubench.benchmarks.records import make_results
    from mcubench.benchmarks.reference import interpreter_outputs
    from mcubench.core.device import load_devices
    from mcubench.core.results import Failure, ResultRow, save_results
    from mcubench.reports import render_all
    from mcubench.reports.markdown import markdown_table
    from mcubench.reports.variants import variant_table

    with tempfile.TemporaryDirectory() as work:
        suite = network_suite(args.models, work, args.networks.split(","))
        devices = load_devices(args.devices)
        inputs = same_inputs(suite, args.samples)
        measured = []
        for model in suite.models:
            references = interpreter_outputs(model.file, inputs[model.name])
            for device in devices:
                measured.append(measure(model, device, inputs[model.name], references))
                log.info("%s on %s: done", model.name, device.name)
        results = make_results(suite.name, [m for m in measured if isinstance(m, ResultRow)], devices,
                               failures=[m for m in measured if isinstance(m, Failure)])
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        save_results(results, out / "results.json")
        render_all(results, out)
    for name, title, _, _ in NETWORKS:
        items = [i for i in [*results.rows, *results.failures] if i.variant_of == name]
        if not items:
            continue
        print(f"\n{title}\n")
        print(markdown_table(variant_table(items)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
