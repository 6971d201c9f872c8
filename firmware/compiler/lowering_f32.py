"""Lower float32 operators to the float kernels (runtime/mcb_kernels_f32.h).

The kernels reproduce TFLite Micro's float reference kernels' arithmetic (see that header), so the
parameters here are TFLite's own: the fused activation as a float range (CalculateActivationRange), the
padding offsets, and the weights as stored.

Hybrid layers (float activations, int8 weights with a scale per channel, which the TFLite converter's
dynamic-range quantization writes and TFLite Micro refuses to run) are built as float layers whose
weights are the int8 values times their scales, computed here in float32: dequantized_weights() is the
one definition of them, which the numerics oracle uses too.
"""

import numpy as np

from mcubench.core.errors import ModelError

from .codegen import c_float
from .lowering import (ConstArray, _binary_inputs, _broadcast, c_params, concat_bytes, conv_fields, conv_geometry,
                       conv_macs, fc_geometry, lowering_table, pad_bytes, pool_step, reads_input_directly,
                       spatial_mean_shape)

FLT_MAX = float(np.finfo(np.float32).max)
_ACTIVATION_RANGES = {"NONE": (-FLT_MAX, FLT_MAX), "RELU": (0.0, FLT_MAX), "RELU6": (0.0, 6.0),
                      "RELU_N1_TO_1": (-1.0, 1.0)}


def _check_f32(op, *tensors):
    for t in tensors:
        if t.dtype != "float32":
            raise ModelError(f"layer {op.index} ({op.op}): tensor {t.name!r} is {t.dtype}; a float32 layer needs "
                             "float32 inputs and outputs")


def _act_range(op, activation):
    rng = _ACTIVATION_RANGES.get(activation)
    if rng is None:
        raise ModelError(f"layer {op.index} ({op.op}): fused activation {activation} is not supported")
    return dict(act_min=c_float(rng[0]), act_max=c_float(rng[1]))


def dequantized_weights(t, channel_axis=None):
    """Float32 values of a constant weight tensor: as stored when float32; for int8 weights (a hybrid
    layer) (q - zero point) * scale in float32, the scale per channel along the tensor's quantized axis."""
    if t.dtype == "float32":
        return t.data.astype(np.float32)
    if t.dtype != "int8" or len(t.scale) == 0:
        raise ModelError(f"weights {t.name!r} are {t.dtype} without scales: not float32 or int8-quantized")
    axis = t.quantized_dimension if channel_axis is None else channel_axis
    shape = [1] * t.data.ndim
    if len(t.scale) > 1:
        shape[axis] = len(t.scale)
    scale = t.scale.astype(np.float32).reshape(shape)
    zero = t.zero_point.astype(np.float32).reshape(shape)
    return ((t.data.astype(np.float32) - zero) * scale).astype(np.float32)


def _weights(graph, op, k, prefix, name, pack=None):
    """The float32 values of constant operand k as a flash array, rearranged by pack(values) if given."""
    t = graph.tensors[op.inputs[k]]
    if t.data is None:
        raise ModelError(f"layer {op.index} ({op.op}): non-constant {name} are not supported")
    values = dequantized_weights(t)
    if not np.all(np.isfinite(values)):
        raise ModelError(f"layer {op.index} ({op.op}): {name} {t.name!r} hold non-finite values")
    return ConstArray(f"{prefix}_{name}", "float", (pack(values) if pack else values).reshape(-1))


def row_quads(w):
    """Filter rows [out][K] -> each quad of rows interleaved, [out / 4][K][4], the last out % 4 rows plain."""
    rows = w.reshape(w.shape[0], -1)
    quads = rows.shape[0] // 4 * 4
    interleaved = rows[:quads].reshape(quads // 4, 4, rows.shape[1]).transpose(0, 2, 1)
    return np.concatenate([interleaved.reshape(-1), rows[quads:].reshape(-1)])


def _channel_quads(w):
    """Depthwise filter [1][k_h][k_w][C] -> [C / 4][k_h][k_w][4] (C a multiple of 4)."""
    taps = w.reshape(-1, w.shape[-1])
    return taps.reshape(taps.shape[0], -1, 4).transpose(1, 0, 2)


def _bias_f32(graph, op, prefix, k=2):
    if len(op.inputs) <= k or op.inputs[k] < 0:
        return [], "0"
    t = graph.tensors[op.inputs[k]]
    if t.dtype != "float32" or t.data is None:
        raise ModelError(f"layer {op.index} ({op.op}): bias {t.name!r} must be constant float32, is {t.dtype}")
    return [_weights(graph, op, k, prefix, "bias")], f"{prefix}_bias"


def _conv(graph, op, prefix, depthwise, kernels=None):
    t_in, t_w, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], graph.tensors[op.outputs[0]]
    _check_f32(op, t_in, t_out)
    geometry = conv_geometry(op, t_in, t_w, t_out, depthwise)
    _, _, _, in_c, _, _, _, k_h, k_w, mult = geometry[:10]
    if depthwise:
        pack = _channel_quads if mult == 1 and in_c % 4 == 0 else None
    else:
        pack = row_quads
    filter = _weights(graph, op, 1, prefix, "filter", pack)
    bias_consts, bias_name = _bias_f32(graph, op, prefix)
    params = c_params("mcb_conv_f32_params", f"{prefix}_params",
                      dict(conv_fields(op, geometry), **_act_range(op, op.options["activation"])))
    macs = conv_macs(geometry, depthwise)
    args = f"&{prefix}_params, (const float *){{in0}}, {prefix}_filter, {bias_name}, (float *){{out}}"
    if depthwise:
        return dict(inputs=[op.inputs[0]], consts=[filter] + bias_consts, params=params, macs=macs,
                    call=f"mcb_depthwise_conv2d_f32({args});")
    # Any convolution that does not read its input directly copies two columns (im2col) into scratch:
    # MCB_CONV_F32_SCRATCH_BYTES in mcb_kernels_f32.h.
    scratch = 0 if reads_input_directly(op, geometry) else 2 * 4 * k_h * k_w * in_c
    return dict(inputs=[op.inputs[0]], consts=[filter] + bias_consts, params=params, macs=macs, scratch=scratch,
                call=f"mcb_conv2d_f32({args}, {{scratch}});")


def _fully_connected(graph, op, prefix, kernels=None):
    t_in, t_w, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], graph.tensors[op.outputs[0]]
    _check_f32(op, t_in, t_out)
    batches, in_depth, out_depth = fc_geometry(op, t_in, t_w)
    filter = _weights(graph, op, 1, prefix, "filter", row_quads)
    bias_consts, bias_name = _bias_f32(graph, op, prefix)
    params = c_params("mcb_fc_f32_params", f"{prefix}_params", dict(
        batches=batches, in_depth=in_depth, out_depth=out_depth, **_act_range(op, op.options["activation"])))
    return dict(inputs=[op.inputs[0]], consts=[filter] + bias_consts, params=params,
                macs=batches * in_depth * out_depth,
                call=f"mcb_fully_connected_f32(&{prefix}_params, (const float *){{in0}}, {prefix}_filter, "
                     f"{bias_name}, (float *){{out}});")


def _pool(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_f32(op, t_in, t_out)
    act = _act_range(op, op.options["activation"])
    return pool_step(op, prefix, t_in, t_out, "mcb_pool_f32_params", act, "f32", "float")


def _binary(graph, op, prefix, kernels=None):
    t1, t2, t_out = (graph.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    _check_f32(op, t1, t2, t_out)
    bc, flat = _broadcast(op, t1.shape, t2.shape, t_out.shape)
    params = c_params("mcb_binary_f32_params", f"{prefix}_params",
                      dict(bc=bc, **_act_range(op, op.options.get("activation", "NONE"))))
    exprs, acts, consts = _binary_inputs(graph, op, prefix, ctype="float")
    fn = "mcb_add_f32" if op.op == "ADD" else "mcb_mul_f32"
    return dict(inputs=acts, consts=consts, params=params, inplace=flat and bool(acts),
                call=f"{fn}(&{prefix}_params, (const float *){exprs[0]}, (const float *){exprs[1]}, (float *){{out}});")


def _softmax(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_f32(op, t_in, t_out)
    depth = t_in.shape[-1]
    rows = int(np.prod(t_in.shape)) // depth
    beta = c_float(op.options.get("beta", 1.0))
    return dict(inputs=[op.inputs[0]],
                call=f"mcb_softmax_f32({rows}, {depth}, {beta}, (const float *){{in0}}, (float *){{out}});")


def _elementwise(graph, op, prefix, kernels=None):
    """RELU, RELU6 (a clamp), LOGISTIC and TANH."""
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_f32(op, t_in, t_out)
    size = int(np.prod(t_in.shape))
    io = "(const float *){in0}, (float *){out}"
    if op.op in ("RELU", "RELU6"):
        lo_hi = _act_range(op, op.op)
        call = f"mcb_clamp_f32({size}, {lo_hi['act_min']}, {lo_hi['act_max']}, {io});"
    else:
        call = f"mcb_{op.op.lower()}_f32({size}, {io});"
    return dict(inputs=[op.inputs[0]], inplace=True, call=call)


def _mean(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_f32(op, t_in, t_out)
    b, h, w, c = spatial_mean_shape(graph, op, t_in)
    return dict(inputs=[op.inputs[0]],
                call=f"mcb_mean_f32({b}, {h * w}, {c}, (const float *){{in0}}, (float *){{out}});")


def _pad(graph, op, prefix, kernels=None):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_f32(op, t_in, t_out)
    if op.op == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        value = float(graph.tensors[op.inputs[2]].data.reshape(-1)[0])
        if value != 0.0 or np.signbit(value):
            raise ModelError(f"layer {op.index} (PADV2): float padding with {value}, not +0, is not supported")
    return pad_bytes(graph, op, prefix, 4, 0)  # +0.0f is four zero bytes


def _concat(graph, op, prefix, kernels=None):
    ins = [graph.tensors[i] for i in op.inputs]
    _check_f32(op, *ins, graph.tensors[op.outputs[0]])
    return concat_bytes(graph, op, prefix, "float", 4)


# The float kernels are the same on every core: the lowerings take the kernel choice and ignore it.
F32_LOWERINGS = lowering_table(_conv, _fully_connected, _pool, _softmax, _pad, _concat, ADD=_binary, MUL=_binary,
                               RELU=_elementwise, RELU6=_elementwise, LOGISTIC=_elementwise, TANH=_elementwise,
                               MEAN=_mean)


def hybrid_weights(graph) -> dict:
    """tensor index -> float32 values of every int8 weight tensor that a float layer uses (hybrid layers):
    the weights the firmware computes with, for an interpreter that refuses hybrid layers."""
    found = {}
    for op in graph.operators:
        if op.op in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED") and len(op.inputs) > 1:
            out, w = graph.tensors[op.outputs[0]], graph.tensors[op.inputs[1]]
            if out.dtype == "float32" and w.dtype == "int8" and w.data is not None:
                found[w.index] = dequantized_weights(w)
    return found
