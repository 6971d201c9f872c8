"""Shared pieces of the suite's training scripts: seeding, full-integer conversion, checks, saving.

TensorFlow is imported only inside the functions that need it (it is the optional [train] extra); the
rest (MAC counting, op listing, interpreter evaluation, atomic saving) needs only numpy, the `tflite`
package and ai_edge_litert.
"""

import os
from pathlib import Path
import struct
import tempfile

import numpy as np

from mcubench.benchmarks.reference import interpreter_outputs  # noqa: F401 (the training scripts use it)
from mcubench.core.atomic import write_bytes_atomic as write_atomic  # noqa: F401 (the training scripts use it)
from mcubench.firmware.compiler.lowering import SUPPORTED_OPS
from mcubench.firmware.compiler.tflite_reader import parse_model

SUITE_DIR = Path(__file__).resolve().parent.parent / "suites" / "default"



def seed_everything(seed):
    """Fixed seeds and deterministic kernels, so a re-run trains the same weights on this machine."""
    import tensorflow as tf

    os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
    tf.keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    # The machine is shared: two threads at most.
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(2)


def convert_int8(keras_model, representative_x, n_calibration=300):
    """Full-integer quantization: int8 weights, activations, input and output (TFLiteConverter)."""
    import tensorflow as tf

    calib = np.asarray(representative_x[:n_calibration], dtype=np.float32)

    def representative():
        for sample in calib:
            yield [sample[None, ...]]

    converter = tf.lite.TFLiteConverter.from_keras_model(keras_model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def _model(data):
    import tflite

    return tflite.Model.GetRootAsModel(data, 0)


def model_ops(data):
    """Op names used by the model, in graph order."""
    return [op.op for op in parse_model(data).operators]


def check_ops(data):
    bad = sorted(set(model_ops(data)) - set(SUPPORTED_OPS))
    if bad:
        raise RuntimeError(f"model uses ops the firmware compiler does not support: {bad}")


def count_macs(data):
    """Multiply-accumulates of one inference: CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED."""
    graph = parse_model(data)
    total = 0
    for op in graph.operators:
        if op.op not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
            continue
        weights = graph.tensors[op.inputs[1]].shape
        out_elems = int(np.prod(graph.tensors[op.outputs[0]].shape))
        if op.op == "CONV_2D":  # weights [out_ch, kh, kw, in_ch]
            total += out_elems * int(np.prod(weights[1:]))
        elif op.op == "DEPTHWISE_CONV_2D":  # weights [1, kh, kw, out_ch]
            total += out_elems * int(weights[1] * weights[2])
        else:  # weights [units, in]
            total += out_elems * int(weights[1])
    return total


def io_quant(data):
    """((input scale, zero point), (output scale, zero point)) of the converted model."""
    model_in, model_out = parse_model(data).io()
    return (model_in.scale, model_in.zero_point), (model_out.scale, model_out.zero_point)


def set_output_quant(data, scale, zero_point):
    """A copy of the model whose output tensor has the given int8 scale and zero point.

    Valid for an output produced by CONV_2D / FULLY_CONNECTED: their kernels derive the requantization
    multiplier from the tensor scales when the model is prepared, so the last layer then writes its result
    on the new scale. The vectors are patched in place in the flatbuffer (same lengths, so nothing moves).
    """
    data_in = bytes(data)
    data = bytearray(data)
    model = _model(data_in)
    graph = model.Subgraphs(0)
    quant = graph.Tensors(graph.Outputs(0)).Quantization()
    if quant.ScaleLength() != 1 or quant.ZeroPointLength() != 1:
        raise RuntimeError("output tensor is not per-tensor quantized")
    # Offsets of element 0 of the scale (float32) and zero_point (int64) vectors inside the buffer.
    tab = quant._tab
    scale_at = tab.Vector(tab.Offset(8))
    zero_at = tab.Vector(tab.Offset(10))
    struct.pack_into("<f", data, scale_at, scale)
    struct.pack_into("<q", data, zero_at, int(zero_point))
    patched = bytes(data)
    got = io_quant(patched)[1]
    if abs(got[0] - scale) > 1e-6 * scale or got[1] != zero_point:
        raise RuntimeError("patching the output quantization failed")
    # A flatbuffer may share one vector between tables: make sure no other tensor changed with it.
    before, after = _all_quant(data_in), _all_quant(patched)
    out_index = graph.Outputs(0)
    if any(b != a for i, (b, a) in enumerate(zip(before, after)) if i != out_index):
        raise RuntimeError("output quantization vectors are shared with other tensors; cannot patch in place")
    return patched


def _all_quant(data):
    return [(tuple(x.scale.tolist()), tuple(x.zero_point.tolist())) for x in parse_model(data).tensors]


def quantize(x, quant):
    scale, zero_point = quant
    return np.clip(np.round(np.asarray(x, dtype=np.float64) / scale) + zero_point, -128, 127).astype(np.int8)


def round_robin(keys):
    """A permutation that deals the samples out class by class (first of each class, then second, ...), keeping
    the order within a class, so that any prefix of a test set (`--samples N`) mixes the classes."""
    keys = np.asarray(keys)
    occurrence = np.zeros(len(keys), dtype=np.int64)
    for key in np.unique(keys):
        members = np.flatnonzero(keys == key)
        occurrence[members] = np.arange(len(members))
    return np.lexsort((keys, occurrence))


def training_args(doc, seed, epochs, out_dir, argv=None):
    """The options every training script takes: --epochs, --seed and --out (where the model and test set go)."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--out", type=Path, default=out_dir, help=f"output directory (default: {out_dir})")
    return parser.parse_args(argv)


def fit_classifier(model, x, y, x_test, y_test, epochs, lr, halve_every=None, batch_size=64):
    """Train a softmax classifier (Adam, sparse cross-entropy, learning rate halved every `halve_every`
    epochs if given); its float accuracy on the test set."""
    import tensorflow as tf

    model.compile(optimizer=tf.keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    callbacks = []
    if halve_every:
        callbacks.append(tf.keras.callbacks.LearningRateScheduler(lambda epoch, _: lr * 0.5 ** (epoch // halve_every)))
    model.fit(x, y, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=2, callbacks=callbacks)
    return model.evaluate(x_test, y_test, batch_size=1, verbose=0)[1]


def print_classifier_accuracy(outputs, labels, names, float_accuracy):
    """Overall and per-class int8 accuracy, next to the float model's."""
    predicted = outputs.argmax(axis=1)
    print(f"float test accuracy {float_accuracy:.4f}  int8 interpreter accuracy {np.mean(predicted == labels):.4f}")
    for label, name in enumerate(names):
        print(f"  {name:8s} {np.mean(predicted[labels == label] == label):.3f}")


def print_model_facts(tflite_model, start, data_s=None):
    """MACs, size, ops and wall time: the figures PROVENANCE.md records."""
    import time

    ops = sorted(set(model_ops(tflite_model)))
    print(f"MACs {count_macs(tflite_model)}  size {len(tflite_model)} bytes  ops {ops}")
    data = f"data generation {data_s:.1f} s, " if data_s is not None else ""
    print(f"{data}total wall time {time.perf_counter() - start:.1f} s")


def save_npz_atomic(path, **arrays):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".npz")
    os.close(fd)
    try:
        np.savez_compressed(tmp, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
