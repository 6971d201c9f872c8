"""Benchmark suites: which models to run, on which devices, with which labelled test set and metric.

A suite is a TOML file (see benchmarks/suites/default/suite.toml):

    name = "default"
    title = "mcubench default suite"
    devices = ["cortex-m4-80mhz", "esp32-c3"]    # built-in names, or board files relative to the suite file

    [[model]]
    name = "kws"
    title = "Keyword spotting"
    file = "kws/kws_dscnn_int8.tflite"      # relative to the suite file
    dataset = "kws/test.npz"                # arrays x (int8 model inputs) and y (labels); optional
    metric = "top1"                         # top1 | auc
    description = "..."
    variants = ["kws/kws_dscnn_f32.tflite"]  # optional: the same network in other types (float32, int16x8),
                                             # relative to the suite file

Each variant runs as a model of its own, named after the model and its type ("kws-float32"), on the
same test set: the int8 inputs of the data set are converted to the variant's input type (their real
values, quantized again for an int16 input). The model's own row is its "int8" variant.

Everything is checked when the suite is loaded, so a bad suite fails before any firmware is built: an
unknown key, a missing model file, a model whose input is not int8, a data set whose inputs do not match
the model's input tensor or whose labels do not match the inputs. Each error is one line naming the file
and the field.
"""

from dataclasses import dataclass, field
from pathlib import Path
import tomllib
import zipfile

import numpy as np

from mcubench.core.errors import ModelError, SuiteError
from mcubench.firmware.compiler.tflite_reader import TensorInfo, parse_model, precision, read_model, signature

SUITES_DIR = Path(__file__).resolve().parent / "suites"
DEFAULT_DEVICES = ("cortex-m4-80mhz", "stm32h7", "esp32", "esp32-c3")
METRICS = ("top1", "auc")

_SUITE_KEYS = {"name", "title", "description", "devices", "model"}
_MODEL_KEYS = {"name", "title", "file", "dataset", "metric", "description", "variants"}
_NUMPY_TYPES = {"float32": np.float32, "int8": np.int8, "int16": np.int16}  # the input types variants take


def default_suite_path() -> Path:
    """The suite that ships with mcubench (models and test sets committed, no training or download)."""
    return SUITES_DIR / "default" / "suite.toml"


@dataclass
class SuiteModel:
    name: str
    title: str
    file: Path
    dataset: Path | None = None
    metric: str | None = None
    description: str = ""
    input: TensorInfo | None = None
    output: TensorInfo | None = None
    variant: str = ""  # "float32", "int8" or "int16x8" when the model is one of several variants
    variant_of: str = ""  # the name of the model whose variants these are
    dataset_input: TensorInfo | None = None  # the input the data set was quantized for, when not this model's
    _data: tuple | None = field(default=None, repr=False, compare=False)

    def load_dataset(self):
        """(x [N, *input shape without batch] in the model's input type, y: [N]) or None when the model has
        no data set."""
        if self.dataset is None:
            return None
        if self._data is None:
            source = self.dataset_input or self.input
            x, y = _read_dataset(self.dataset, source, self.metric, self.output, where=str(self.dataset))
            self._data = (convert_inputs(x, source, self.input), y)
        return self._data


@dataclass
class Suite:
    name: str
    title: str
    devices: list
    models: list
    path: Path | None = None
    description: str = ""


def _fail(where, field_name, message):
    raise SuiteError(f"{where}: {field_name}: {message}")


def read_model_io(path, where=None):
    """(input, output) TensorInfo of a .tflite file's first subgraph; SuiteError if it is no readable model."""
    where = where or str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SuiteError(f"{where}: cannot read model: {exc.strerror or exc}") from None
    try:
        return parse_model(data, where=where).io()
    except ModelError as exc:
        raise SuiteError(str(exc)) from None


def convert_inputs(x, source: TensorInfo, target: TensorInfo):
    """Inputs in one model's input type (source) as another variant's (target): the same real values,
    as float32, or quantized again with the target's scale and zero point (rounding half away from zero,
    as TFLite does)."""
    if (source.dtype, source.scale, source.zero_point) == (target.dtype, target.scale, target.zero_point):
        return x
    real = np.asarray(x, dtype=np.float64)
    if source.dtype != "float32":
        real = (real - source.zero_point) * source.scale
    dtype = _NUMPY_TYPES[target.dtype]
    if target.dtype == "float32":
        return real.astype(np.float32)
    q = np.sign(real) * np.floor(np.abs(real) / target.scale + 0.5) + target.zero_point
    info = np.iinfo(dtype)
    return np.clip(q, info.min, info.max).astype(dtype)


def _variant_models(where, base, files, folder):
    """The variants of a model: the same network (op for op, shape for shape) in other types."""
    if not isinstance(files, list) or not all(isinstance(f, str) and f.strip() for f in files):
        _fail(where, "variants", f"must be a list of model files, got {files!r}")
    try:
        base_graph = read_model(base.file)
    except ModelError as exc:
        _fail(where, "file", str(exc))
    labels = {precision(base_graph): base.file}
    models = []
    for rel in files:
        file = folder / rel  # relative to the suite file, like `file` (an absolute path stays as it is)
        if not file.is_file():
            _fail(where, "variants", f"model file not found: {file}")
        try:
            graph = read_model(file)
        except ModelError as exc:
            _fail(where, "variants", str(exc))
        if signature(graph) != signature(base_graph):
            _fail(where, "variants", f"{file.name} is not the same network as {base.file.name} "
                                     "(other operators or tensor shapes)")
        label = precision(graph)
        if label in labels:
            _fail(where, "variants", f"{file.name} and {labels[label].name} are both {label}")
        labels[label] = file
        model_in, model_out = graph.io()
        if model_in.dtype not in _NUMPY_TYPES:
            _fail(where, "variants", f"{file.name}: input type {model_in.dtype} is not float32, int8 or int16")
        models.append(SuiteModel(f"{base.name}-{label}", f"{base.title} ({label})", file, base.dataset,
                                 base.metric, base.description, model_in, model_out, variant=label,
                                 variant_of=base.name, dataset_input=base.input))
    base.variant, base.variant_of = precision(base_graph), base.name
    return models


def _batchless(shape):
    return tuple(shape[1:]) if len(shape) > 1 and shape[0] == 1 else tuple(shape)


def _read_dataset(path, model_input, metric, model_output, where):
    """Load and check an .npz test set against the model's input tensor; x gets the batch dimension dropped."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        _fail(where, "dataset", "file not found")
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        _fail(where, "dataset", f"not a readable .npz file ({exc})")
    for key in ("x", "y"):
        if key not in arrays:
            _fail(where, key, f"array missing (the .npz holds {sorted(arrays) or 'nothing'}; needs x and y)")
    x, y = arrays["x"], arrays["y"]
    if x.dtype != np.int8:
        _fail(where, "x", f"dtype {x.dtype}, the model input needs int8 "
                          "(quantize with the input tensor's scale and zero point)")
    want = _batchless(model_input.shape) if model_input else None
    if want is not None:
        if x.ndim == len(want) + 2 and x.shape[1] == 1 and tuple(x.shape[2:]) == want:
            x = x.reshape((x.shape[0],) + want)  # stored with a batch dimension of 1 per sample
        if x.ndim < 1 or tuple(x.shape[1:]) != want:
            _fail(where, "x", f"shape {tuple(x.shape)} does not match the model input {tuple(model_input.shape)} "
                              f"(expected [N, {', '.join(map(str, want))}])")
    if y.ndim != 1:
        _fail(where, "y", f"labels must be one-dimensional, got shape {tuple(y.shape)}")
    if len(y) != len(x):
        _fail(where, "y", f"{len(y)} labels for {len(x)} inputs")
    if len(x) == 0:
        _fail(where, "x", "empty data set")
    if not np.issubdtype(y.dtype, np.integer):
        _fail(where, "y", f"labels must be integers, got dtype {y.dtype}")
    if metric == "top1" and model_output is not None:
        classes = int(np.prod(_batchless(model_output.shape)))
        if y.min() < 0 or y.max() >= classes:
            _fail(where, "y", f"labels span {int(y.min())}..{int(y.max())}, the model has {classes} outputs")
    if metric == "auc":
        values = set(np.unique(y).tolist())
        if not values <= {0, 1}:
            _fail(where, "y", f"auc needs labels 0 (normal) and 1 (anomaly), got {sorted(values)}")
        if values != {0, 1}:
            _fail(where, "y", "auc needs both normal (0) and anomalous (1) samples")
    return np.ascontiguousarray(x), y


def _string(where, table, key, required=True, default=""):
    value = table.get(key, None)
    if value is None:
        if required:
            _fail(where, key, "missing")
        return default
    if not isinstance(value, str) or (required and not value.strip()):
        _fail(where, key, f"must be a non-empty string, got {value!r}")
    return value


def _parse_model(path, index, table, seen):
    where = f"{path}: model[{index}]"
    if not isinstance(table, dict):
        _fail(str(path), f"model[{index}]", "must be a table ([[model]])")
    unknown = sorted(set(table) - _MODEL_KEYS)
    if unknown:
        _fail(where, unknown[0], f"unknown key (allowed: {', '.join(sorted(_MODEL_KEYS))})")
    name = _string(where, table, "name")
    if name in seen:
        _fail(where, "name", f"duplicate model name {name!r}")
    seen.add(name)
    where = f"{path}: model {name!r}"
    title = _string(where, table, "title", required=False, default=name)
    description = _string(where, table, "description", required=False)
    file = path.parent / _string(where, table, "file")
    if not file.is_file():
        _fail(where, "file", f"model file not found: {file}")
    model_in, model_out = read_model_io(file, where=f"{where}: file {file.name}")
    if model_in.dtype != "int8":
        _fail(where, "file", f"{file.name}: input tensor is not int8 ({model_in.dtype})")
    metric = table.get("metric")
    dataset = None
    if "dataset" in table:
        dataset = path.parent / _string(where, table, "dataset")
        if metric is None:
            _fail(where, "metric", f"missing (a model with a dataset needs one of: {', '.join(METRICS)})")
    if metric is not None and metric not in METRICS:
        _fail(where, "metric", f"unknown metric {metric!r} (known: {', '.join(METRICS)})")
    model = SuiteModel(name, title, file, dataset, metric, description, model_in, model_out)
    if dataset is not None:
        if not dataset.is_file():
            _fail(where, "dataset", f"file not found: {dataset}")
        model._data = _read_dataset(dataset, model_in, metric, model_out, where=f"{where}: dataset {dataset.name}")
    variants = _variant_models(where, model, table["variants"], path.parent) if "variants" in table else []
    for variant in variants:
        if variant.name in seen:
            _fail(where, "variants", f"duplicate model name {variant.name!r}")
        seen.add(variant.name)
    return [model] + variants


def load_suite(path) -> Suite:
    """Parse and check a suite file; SuiteError (file and field in the message) on anything unusable."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise SuiteError(f"{path}: suite file not found") from None
    except OSError as exc:
        raise SuiteError(f"{path}: cannot read suite file: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(f"{path}: not valid TOML: {exc}") from None
    where = str(path)
    unknown = sorted(set(data) - _SUITE_KEYS)
    if unknown:
        _fail(where, unknown[0], f"unknown key (allowed: {', '.join(sorted(_SUITE_KEYS))})")
    name = _string(where, data, "name")
    title = _string(where, data, "title", required=False, default=name)
    description = _string(where, data, "description", required=False)
    devices = data.get("devices", list(DEFAULT_DEVICES))
    if not isinstance(devices, list) or not devices or not all(isinstance(d, str) and d.strip() for d in devices):
        _fail(where, "devices", f"must be a non-empty list of device names, got {devices!r}")
    from mcubench.core.device import device_names, is_device_file

    known = device_names()
    resolved = []
    for device in devices:
        if is_device_file(device):  # a board description, relative to the suite file
            board = path.parent / device
            if not board.is_file():
                _fail(where, "devices", f"no device description file {device!r} (next to the suite file)")
            resolved.append(str(board))
        elif device not in known:
            _fail(where, "devices", f"unknown device {device!r} (known: {', '.join(known)}, or a .toml file)")
        else:
            resolved.append(device)
    devices = resolved
    tables = data.get("model")
    if not isinstance(tables, list) or not tables:
        _fail(where, "model", "a suite needs at least one [[model]] table")
    seen = set()
    models = [m for i, t in enumerate(tables) for m in _parse_model(path, i, t, seen)]
    return Suite(name, title, list(devices), models, path=path, description=description)


def suite_from_models(paths) -> Suite:
    """A suite of bare models (the `--models a.tflite b.tflite` case): no data sets, the default devices."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise SuiteError("--models: no model files given")
    models, seen, networks = [], set(), {}
    for p in paths:
        if not p.is_file():
            raise SuiteError(f"{p}: model file not found")
        try:
            graph = read_model(p)
        except ModelError as exc:
            raise SuiteError(str(exc)) from None
        model_in, model_out = graph.io()
        if model_in.dtype not in _NUMPY_TYPES:
            raise SuiteError(f"{p}: input tensor is not float32, int8 or int16 ({model_in.dtype})")
        name, n = p.stem, 2
        while name in seen:  # same file name in two directories
            name, n = f"{p.stem}_{n}", n + 1
        seen.add(name)
        model = SuiteModel(name, p.stem, p, None, None, "", model_in, model_out, variant=precision(graph))
        networks.setdefault(signature(graph), []).append(model)
        models.append(model)
    # Models of one network in several types are variants of it, named after its int8 model (or the first).
    for group in networks.values():
        labels = [m.variant for m in group]
        if len(group) < 2 or len(set(labels)) != len(labels):
            for m in group:
                m.variant = ""
            continue
        base = next((m for m in group if m.variant == "int8"), group[0])
        for m in group:
            m.variant_of = base.name
    return Suite("models", "models given on the command line", list(DEFAULT_DEVICES), models)


# ---- metrics -----------------------------------------------------------------------------------------

def _dequantize(values, quant):
    scale, zero_point = quant
    return (np.asarray(values, dtype=np.float64) - zero_point) * scale


def top1_accuracy(outputs, y) -> float:
    """Share of samples whose largest output is the label."""
    outputs = np.asarray(outputs)
    predicted = outputs.reshape(len(outputs), -1).argmax(axis=1)
    return float(np.mean(predicted == np.asarray(y)))


def roc_auc(scores, labels) -> float:
    """Area under the ROC curve with label 1 as positive: the probability that a random positive scores
    above a random negative, ties counting half (the Mann-Whitney U statistic over n_pos * n_neg)."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels)
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        raise SuiteError(f"auc: needs both normal (0) and anomalous (1) samples among the {len(scores)} scored "
                         "(with --samples N, the first N samples must include both)")
    # Average ranks over ties, then U = (sum of positive ranks) - n_pos (n_pos + 1) / 2.
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores), dtype=np.float64)
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    u = ranks[labels == 1].sum() - len(pos) * (len(pos) + 1) / 2.0
    return float(u / (len(pos) * len(neg)))


def reconstruction_error(outputs, inputs, output_quant, input_quant=None):
    """Mean squared difference per sample between the dequantized input and its dequantized reconstruction.
    Without input_quant the input is taken to share the output's quantization (true of the suite's own
    autoencoder, whose output tensor is given the input tensor's scale and zero point)."""
    outputs = np.asarray(outputs)
    inputs = np.asarray(inputs)
    n = len(outputs)
    out = _dequantize(outputs.reshape(n, -1), output_quant)
    inp = _dequantize(inputs.reshape(len(inputs), -1), input_quant or output_quant)
    if inp.shape != out.shape:
        raise SuiteError(f"auc: reconstruction has shape {out.shape[1:]} per sample, input {inp.shape[1:]}")
    return np.mean((inp - out) ** 2, axis=1)


def score(metric, outputs, y, model_output_quant=None, inputs=None, model_input_quant=None) -> float:
    """The suite metric over a whole test set.
    top1: accuracy of argmax(outputs) against y.
    auc: ROC AUC of the reconstruction error (dequantized outputs vs dequantized inputs) with y=1 anomalous."""
    if metric == "top1":
        return top1_accuracy(outputs, y)
    if metric == "auc":
        if inputs is None or model_output_quant is None:
            raise SuiteError("auc: needs the inputs and the model output quantization (scale, zero point)")
        return roc_auc(reconstruction_error(outputs, inputs, model_output_quant, model_input_quant), y)
    raise SuiteError(f"unknown metric {metric!r} (known: {', '.join(METRICS)})")
