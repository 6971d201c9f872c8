"""Lower int16x8 operators (16-bit activations with zero point 0, int8 weights, int64 biases) to the
int16 kernels (runtime/mcb_kernels_s16.h), with TFLite's own parameter arithmetic (quantization.py).

Covered: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD, SOFTMAX, RESHAPE
(and SQUEEZE, EXPAND_DIMS), PAD, CONCATENATION, and QUANTIZE / DEQUANTIZE between float32 and int16.
"""

import numpy as np

from mcubench.core.errors import ModelError

from .codegen import c_float
from .lowering_f32 import row_quads
from .lowering import (ConstArray, _binary_inputs, _broadcast, _requant_arrays, add_multipliers, c_params,
                       concat_bytes, conversion_step, conv_fields, conv_geometry, conv_macs, fc_geometry,
                       lowering_table, pad_bytes, pool_step, reads_input_directly)
from .quantization import activation_range, softmax_int16_luts, softmax_int16_params

INT16_MIN, INT16_MAX = -32768, 32767


def _check_s16(op, *tensors):
    for t in tensors:
        if t.dtype != "int16":
            raise ModelError(f"layer {op.index} ({op.op}): tensor {t.name!r} is {t.dtype}; an int16x8 layer needs "
                             "int16 activations")
        if len(t.scale) == 0:
            raise ModelError(f"layer {op.index} ({op.op}): tensor {t.name!r} has no quantization parameters")
        if np.any(t.zero_point != 0):
            raise ModelError(f"layer {op.index} ({op.op}): int16 tensor {t.name!r} must have zero point 0")


def _act(op, t_out, activation) -> dict:
    rng = activation_range(activation, float(t_out.scale[0]), 0, INT16_MIN, INT16_MAX)
    if rng is None:
        raise ModelError(f"layer {op.index} ({op.op}): fused activation {activation} is not supported")
    return dict(act_min=rng[0], act_max=rng[1])


def _weights(graph, op, prefix, quads=True):
    """The int8 weights, rows in interleaved quads (conv, FC) or as in the file (depthwise)."""
    t = graph.tensors[op.inputs[1]]
    if t.dtype != "int8" or t.data is None:
        raise ModelError(f"layer {op.index} ({op.op}): weights {t.name!r} must be constant int8, are {t.dtype}")
    if np.any(t.zero_point != 0):
        raise ModelError(f"layer {op.index} ({op.op}): int8 weights must have zero point 0")
    values = row_quads(t.data.astype(np.int64)) if quads else t.data.reshape(-1).astype(np.int64)
    return t, ConstArray(f"{prefix}_filter", "int8_t", values)


def _bias(graph, op, prefix):
    """The int64 bias, or none. An int32 bias means 32-bit accumulation in TFLite Micro: not built here."""
    if len(op.inputs) <= 2 or op.inputs[2] < 0:
        return [], "0"
    t = graph.tensors[op.inputs[2]]
    if t.dtype != "int64" or t.data is None:
        raise ModelError(f"layer {op.index} ({op.op}): an int16x8 bias must be constant int64, is {t.dtype}")
    return [ConstArray(f"{prefix}_bias", "int64_t", t.data.reshape(-1).astype(np.int64))], f"{prefix}_bias"


def _conv(graph, op, prefix, depthwise, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_s16(op, t_in, t_out)
    t_w, filter = _weights(graph, op, prefix, quads=not depthwise)
    geometry = conv_geometry(op, t_in, t_w, t_out, depthwise)
    _, _, _, in_c, _, _, _, k_h, k_w = geometry[:9]
    if depthwise and k_h * k_w > 256:
        raise ModelError(f"layer {op.index} ({op.op}): windows of more than 256 taps are not supported")
    bias_consts, bias_name = _bias(graph, op, prefix)
    rq_consts, rq = _requant_arrays(prefix, t_in.scale[0], t_w.scale, t_out.scale[0])
    params = c_params("mcb_conv_params", f"{prefix}_params", dict(
        conv_fields(op, geometry), input_offset=0, output_offset=0, **_act(op, t_out, op.options["activation"]),
        rq=rq))
    macs = conv_macs(geometry, depthwise)
    args = f"&{prefix}_params, (const int16_t *){{in0}}, {prefix}_filter, {bias_name}, (int16_t *){{out}}"
    consts = [filter] + bias_consts + rq_consts
    if depthwise:
        return dict(inputs=[op.inputs[0]], consts=consts, params=params, macs=macs,
                    call=f"mcb_depthwise_conv2d_s16({args});")
    # Any convolution that does not read its input directly copies one column (im2col) into scratch:
    # MCB_CONV_S16_SCRATCH_BYTES in mcb_kernels_s16.h.
    scratch = 0 if reads_input_directly(op, geometry) else 2 * k_h * k_w * in_c
    return dict(inputs=[op.inputs[0]], consts=consts, params=params, macs=macs, scratch=scratch,
                call=f"mcb_conv2d_s16({args}, {{scratch}});")


def _fully_connected(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_s16(op, t_in, t_out)
    if op.options.get("weights_format", 0) != 0:
        raise ModelError(f"layer {op.index} ({op.op}): shuffled weights format is not supported")
    t_w, filter = _weights(graph, op, prefix)
    batches, in_depth, out_depth = fc_geometry(op, t_in, t_w)
    bias_consts, bias_name = _bias(graph, op, prefix)
    rq_consts, rq = _requant_arrays(prefix, t_in.scale[0], t_w.scale, t_out.scale[0])
    params = c_params("mcb_fc_params", f"{prefix}_params", dict(
        batches=batches, in_depth=in_depth, out_depth=out_depth, input_offset=0, output_offset=0,
        **_act(op, t_out, op.options["activation"]), rq=rq))
    return dict(inputs=[op.inputs[0]], consts=[filter] + bias_consts + rq_consts, params=params,
                macs=batches * in_depth * out_depth,
                call=f"mcb_fully_connected_s16(&{prefix}_params, (const int16_t *){{in0}}, {prefix}_filter, "
                     f"{bias_name}, (int16_t *){{out}});")


def _pool(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_s16(op, t_in, t_out)
    act = _act(op, t_out, op.options["activation"])
    return pool_step(op, prefix, t_in, t_out, "mcb_pool_params", act, "s16", "int16_t")


def _add(graph, op, prefix, kernels=None):
    """TFLite's general ADD with a left shift of 15 for int16 (add_common.cc)."""
    t1, t2, t_out = (graph.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    _check_s16(op, t1, t2, t_out)
    left_shift = 15
    m1, sh1, m2, sh2, mo, sho = add_multipliers(t1, t2, t_out, left_shift)
    bc, flat = _broadcast(op, t1.shape, t2.shape, t_out.shape)
    params = c_params("mcb_add_params", f"{prefix}_params", dict(
        bc=bc, left_shift=left_shift, in1_offset=0, in1_multiplier=m1, in1_shift=sh1, in2_offset=0,
        in2_multiplier=m2, in2_shift=sh2, output_offset=0, output_multiplier=mo, output_shift=sho,
        **_act(op, t_out, op.options.get("activation", "NONE"))))
    exprs, acts, consts = _binary_inputs(graph, op, prefix, ctype="int16_t")
    return dict(inputs=acts, consts=consts, params=params, inplace=flat and bool(acts),
                call=f"mcb_add_s16(&{prefix}_params, (const int16_t *){exprs[0]}, (const int16_t *){exprs[1]}, "
                     f"(int16_t *){{out}});")


def _softmax(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_s16(op, t_in, t_out)
    if abs(float(t_out.scale[0]) - 1 / 32768) > 0.001 / 32768:
        raise ModelError(f"layer {op.index} (SOFTMAX): int16 output must have scale 1/32768 and zero point 0")
    mult, shift = softmax_int16_params(op.options.get("beta", 1.0), t_in.scale[0])
    exp_lut, reciprocal_lut = softmax_int16_luts()
    depth = t_in.shape[-1]
    rows = int(np.prod(t_in.shape)) // depth
    consts = [ConstArray(f"{prefix}_exp_lut", "int16_t", exp_lut.astype(np.int64)),
              ConstArray(f"{prefix}_reciprocal_lut", "int16_t", reciprocal_lut.astype(np.int64))]
    params = c_params("mcb_softmax_s16_params", f"{prefix}_params", dict(
        rows=rows, depth=depth, input_multiplier=mult, input_left_shift=shift, exp_lut=f"{prefix}_exp_lut",
        one_over_one_plus_x_lut=f"{prefix}_reciprocal_lut"))
    return dict(inputs=[op.inputs[0]], consts=consts, params=params,
                call=f"mcb_softmax_s16(&{prefix}_params, (const int16_t *){{in0}}, (int16_t *){{out}});")


def _conversion(graph, op, prefix, kernels=None):
    """QUANTIZE float32 -> int16 and DEQUANTIZE int16 -> float32, with the int16 side's scale."""
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    quantize = op.op == "QUANTIZE"
    want = ("float32", "int16") if quantize else ("int16", "float32")
    if (t_in.dtype, t_out.dtype) != want:
        raise ModelError(f"layer {op.index} ({op.op}): {t_in.dtype} to {t_out.dtype} is not supported "
                         f"({want[0]} to {want[1]} is)")
    t_q = t_out if quantize else t_in
    fn = "mcb_quantize_f32_s16" if quantize else "mcb_dequantize_s16_f32"
    ctypes = ("float", "int16_t") if quantize else ("int16_t", "float")
    return conversion_step(op, t_in, t_q, fn, c_float(t_q.scale[0]), *ctypes)


def _pad(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_s16(op, t_in, t_out)
    if op.op == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        if int(graph.tensors[op.inputs[2]].data.reshape(-1)[0]) != 0:
            raise ModelError(f"layer {op.index} (PADV2): int16 padding with a value other than 0 is not supported")
    return pad_bytes(graph, op, prefix, 2, 0)  # the zero point, 0, is two zero bytes


def _concat(graph, op, prefix, kernels=None):
    ins = [graph.tensors[i] for i in op.inputs]
    t_out = graph.tensors[op.outputs[0]]
    _check_s16(op, *ins, t_out)
    if any(float(t.scale[0]) != float(t_out.scale[0]) for t in ins):
        raise ModelError(f"layer {op.index} (CONCATENATION): inputs with their own quantization are not supported")
    return concat_bytes(graph, op, prefix, "int16_t", 2)


# The int16 kernels are the same on every core: the lowerings take the kernel choice and ignore it.
S16_LOWERINGS = lowering_table(_conv, _fully_connected, _pool, _softmax, _pad, _concat, ADD=_add,
                               QUANTIZE=_conversion, DEQUANTIZE=_conversion)
