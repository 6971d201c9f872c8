"""Variants of a network: the float32 and int16x8 models derived from an int8 one (benchmarks/variants.py)
run on TFLite Micro and give the firmware's outputs; a suite pairs variants (the `variants` key, or models
of one network given to --models) and feeds each its own input type; the report puts them side by side,
with the ones that do not fit a device as rows that say by how much."""

import dataclasses
import io
from pathlib import Path

import numpy as np
import pytest

from mcubench.benchmarks.reference import interpreter_outputs, outputs_agree
from mcubench.benchmarks.suite import convert_inputs, default_suite_path, load_suite, read_model_io, suite_from_models
from mcubench.benchmarks.variants import float32_variant, int16x8_variant
from mcubench.core.errors import SuiteError
from mcubench.firmware.compiler.tflite_reader import precision, read_model, signature

from host_build import build_host_executable, run_host

KWS = default_suite_path().parent / "kws" / "kws_dscnn_int8.tflite"


@pytest.fixture(scope="module")
def kws_variants(tmp_path_factory):
    d = tmp_path_factory.mktemp("variants")
    graph = read_model(KWS)
    (d / "kws_16x8.tflite").write_bytes(int16x8_variant(graph))
    (d / "kws_f32.tflite").write_bytes(float32_variant(graph))
    return d


def test_derived_variants_are_the_same_network(kws_variants):
    base = read_model(KWS)
    for name, label in (("kws_16x8", "int16x8"), ("kws_f32", "float32")):
        graph = read_model(kws_variants / f"{name}.tflite")
        assert precision(graph) == label
        assert signature(graph) == signature(base)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["kws_16x8", "kws_f32"])
def test_derived_variant_runs_like_the_interpreter_and_close_to_int8(kws_variants, tmp_path, name):
    """The firmware's output equals TFLite Micro's (the float one within the stated tolerance) on test-set
    inputs, and its class is the int8 model's on nearly every sample."""
    path = kws_variants / f"{name}.tflite"
    x8 = np.load(default_suite_path().parent / "kws" / "test.npz")["x"][:20]
    src_in, _ = read_model_io(KWS)
    dst_in, dst_out = read_model_io(path)
    xs = convert_inputs(x8, src_in, dst_in)
    graph = build_host_executable(path, tmp_path / "m")
    out_t = graph.tensors[graph.outputs[0]]
    ours = run_host(tmp_path / "m", xs, out_t.nbytes).view(np.dtype(out_t.dtype))
    refs = interpreter_outputs(path, xs)
    assert all(outputs_agree(o, r) for o, r in zip(ours, refs))
    int8 = interpreter_outputs(KWS, x8)
    assert np.mean(refs.argmax(axis=1) == int8.argmax(axis=1)) >= 0.9


def test_convert_inputs_keeps_the_real_values():
    src = read_model_io(KWS)[0]
    x8 = np.arange(-128, 128, dtype=np.int8)
    real = (x8.astype(np.float64) - src.zero_point) * src.scale
    f32 = convert_inputs(x8, src, dataclasses.replace(src, dtype="float32", scale=0.0, zero_point=0))
    assert f32.dtype == np.float32 and np.allclose(f32, real, rtol=1e-6)
    s16 = convert_inputs(x8, src, dataclasses.replace(src, dtype="int16", scale=src.scale / 128, zero_point=0))
    assert s16.dtype == np.int16 and np.allclose(s16 * (src.scale / 128), real, atol=src.scale / 256)


def _suite(tmp_path, variants):
    suite_dir = default_suite_path().parent
    text = (f'name = "v"\ndevices = ["cortex-m4-80mhz"]\n[[model]]\nname = "kws"\ntitle = "KWS"\n'
            f'file = "{suite_dir / "kws" / "kws_dscnn_int8.tflite"}"\ndataset = "{suite_dir / "kws" / "test.npz"}"\n'
            f'metric = "top1"\nvariants = {variants!r}\n').replace("'", '"')
    path = tmp_path / "suite.toml"
    path.write_text(text)
    return path


def test_suite_variants_share_the_test_set_in_their_own_types(kws_variants, tmp_path):
    suite = load_suite(_suite(tmp_path, [str(kws_variants / "kws_f32.tflite"), str(kws_variants / "kws_16x8.tflite")]))
    names = {m.name: m for m in suite.models}
    assert set(names) == {"kws", "kws-float32", "kws-int16x8"}
    assert {m.variant for m in suite.models} == {"int8", "float32", "int16x8"}
    assert all(m.variant_of == "kws" for m in suite.models)
    x8 = names["kws"].load_dataset()[0]
    assert names["kws-float32"].load_dataset()[0].dtype == np.float32
    assert names["kws-int16x8"].load_dataset()[0].dtype == np.int16
    assert len(names["kws-int16x8"].load_dataset()[0]) == len(x8)


def test_suite_refuses_a_variant_of_another_network(tmp_path):
    other = default_suite_path().parent / "images" / "digits_resnet_int8.tflite"
    with pytest.raises(SuiteError, match="not the same network"):
        load_suite(_suite(tmp_path, [str(other)]))


def test_suite_refuses_two_variants_of_one_type(kws_variants, tmp_path):
    f32 = kws_variants / "kws_f32.tflite"
    copy = tmp_path / "copy.tflite"
    copy.write_bytes(f32.read_bytes())
    with pytest.raises(SuiteError, match="both float32"):
        load_suite(_suite(tmp_path, [str(f32), str(copy)]))


def test_models_of_one_network_given_together_are_paired(kws_variants):
    suite = suite_from_models([KWS, kws_variants / "kws_f32.tflite", kws_variants / "kws_16x8.tflite"])
    assert {(m.name, m.variant, m.variant_of) for m in suite.models} == {
        ("kws_dscnn_int8", "int8", "kws_dscnn_int8"), ("kws_f32", "float32", "kws_dscnn_int8"),
        ("kws_16x8", "int16x8", "kws_dscnn_int8")}


def test_report_shows_variants_side_by_side_with_does_not_fit_rows():
    from mcubench.core.results import Accuracy, Failure, ResultRow, load_results
    from mcubench.reports.markdown import render_markdown

    results = load_results(Path(__file__).resolve().parent / "golden" / "results_small.json")
    base = results.rows[0]

    def variant(row, label, latency, flash):
        d = dict(vars(row))
        d.update(model=f"net-{label}" if label != "int8" else "net", model_title=f"Net ({label})", variant=label,
                 variant_of="net", latency_ms=latency, flash_bytes=flash,
                 accuracy=Accuracy("top1", 0.9, 10, 1.0))
        return ResultRow(**d)

    results.rows = [variant(base, "int8", 2.0, 40_000), variant(base, "float32", 7.0, 150_000)]
    results.failures = [Failure("net-int16x8", "Net (int16x8)", base.device, base.device_title, "does-not-fit",
                                "arena too large", shortfalls=[{"memory": "sram1", "needed_bytes": 219_136,
                                                                "available_bytes": 98_304}],
                                variant="int16x8", variant_of="net")]
    out = io.StringIO()
    render_markdown(results, out)
    text = out.getvalue()
    assert "## Quantization trade-offs" in text
    assert "3.50x" in text and "3.75x" in text  # float32 latency and flash over int8's
    assert "does not fit: sram1 needs 214.0 KiB, has 96.0 KiB" in text


@pytest.mark.parametrize("stem", ["kws/kws_dscnn", "images/digits_resnet", "shapes/shapes_mobilenet"])
def test_quantization_suite_files_are_what_the_variants_tool_makes(stem):
    folder = default_suite_path().parent.parent / "quantization"
    graph = read_model(default_suite_path().parent / f"{stem}_int8.tflite")
    name = stem.split("/")[1]
    assert (folder / f"{name}_int16x8.tflite").read_bytes() == int16x8_variant(graph)
    assert (folder / f"{name}_float32.tflite").read_bytes() == float32_variant(graph)


def test_quantization_suite_loads_with_its_variants():
    suite = load_suite(default_suite_path().parent.parent / "quantization" / "suite.toml")
    assert sorted(m.name for m in suite.models) == sorted(
        f"{n}{s}" for n in ("kws", "images", "shapes") for s in ("", "-float32", "-int16x8"))
