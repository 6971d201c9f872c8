"""Lower each TFLite operator to one kernel call: its constant data, its parameter struct and the call.

A Step says which activation tensors a layer reads and writes and what C it needs; the planner places the
tensors, the code generator prints the C. Quantization parameters are computed here exactly as TFLite's
kernels compute them in Prepare.
"""

from dataclasses import dataclass, field
import math

import numpy as np

from mcubench.core.errors import ModelError

from .quantization import activation_range, quantize_multiplier, softmax_params


@dataclass
class ConstArray:
    cname: str
    ctype: str  # "int8_t" or "int32_t"
    values: np.ndarray


@dataclass
class Step:
    index: int
    op: str
    region: str
    inputs: list  # activation tensor indices the kernel reads
    output: int  # the activation tensor it writes
    macs: int = 0
    consts: list = field(default_factory=list)
    params: str = ""  # C definition of the parameter struct ("" when none)
    call: str = ""  # C statement with {in0}, {in1}, ..., {out}, {scratch} placeholders
    alias: bool = False  # output is the input's memory (RESHAPE): no code
    inplace: bool = False  # the kernel may write over input 0 (element-wise, same size)
    scratch_bytes: int = 0
    scratch_buffer: object = None  # set by the planner: the arena buffer of those scratch bytes



def c_init(fields) -> str:
    """A C initializer with designated fields, {.name = value, ...}, so that a field added to or moved in a
    runtime struct cannot silently take another's value: a nested dict is a nested struct, a list an array,
    anything else C text (numbers, names)."""
    if isinstance(fields, dict):
        return "{" + ", ".join(f".{name} = {c_init(value)}" for name, value in fields.items()) + "}"
    if isinstance(fields, (list, tuple)):
        return "{" + ", ".join(c_init(v) for v in fields) + "}"
    return str(fields)


def c_params(ctype, name, fields) -> str:
    """The definition of a kernel's constant parameter struct."""
    return f"static const {ctype} {name} = {c_init(fields)};"

def _act(graph, op, t_out, activation):
    rng = activation_range(activation, float(t_out.scale[0]), int(t_out.zero_point[0]))
    if rng is None:
        raise ModelError(f"layer {op.index} ({op.op}): fused activation {activation} is not supported")
    return rng


def _check_int8(op, *tensors):
    for t in tensors:
        if t.dtype != "int8":
            what = "float (non-int8) model" if t.dtype == "float32" else f"{t.dtype} tensor"
            raise ModelError(f"layer {op.index} ({op.op}): tensor {t.name!r} is {t.dtype}: {what}; "
                             "only int8-quantized models are supported")
        if len(t.scale) == 0:
            raise ModelError(f"layer {op.index} ({op.op}): tensor {t.name!r} has no quantization parameters")


def _padding(padding, in_size, filter_size, stride, dilation, out_size):
    effective = (filter_size - 1) * dilation + 1
    if padding == "SAME":
        total = max((out_size - 1) * stride + effective - in_size, 0)
        return total // 2
    return 0


def _acc_bound(w_rows, bias):
    """Largest |accumulator| per output channel: |input + offset| <= 255 for int8 data."""
    bound = 255 * np.abs(w_rows.astype(np.int64)).sum(axis=1)
    if bias is not None:
        bound = bound + np.abs(bias.astype(np.int64))
    return bound


def _requant_arrays(prefix, input_scale, filter_scales, output_scale, acc_bound=None):
    """Multiplier and shift tables (one entry per channel, or one for a per-tensor scale). acc_bound (per
    channel) sets the headroom flag: every |acc << left shift| below 2^30."""
    mults, shifts = [], []
    for fs in np.atleast_1d(filter_scales):
        real = float(input_scale) * float(fs) / float(output_scale)
        m, s = quantize_multiplier(real)
        mults.append(m)
        shifts.append(s)
    per_channel = 1 if len(mults) > 1 else 0
    headroom = 0
    if acc_bound is not None:
        lefts = np.maximum(np.array(shifts, np.int64), 0)
        bound = np.asarray(acc_bound, np.int64)
        if len(lefts) == 1:
            bound = bound.max(keepdims=True)
        headroom = int(bool(np.all((bound << lefts) < (1 << 30))))
    consts = [ConstArray(f"{prefix}_mult", "int32_t", np.array(mults, np.int64)),
              ConstArray(f"{prefix}_shift", "int32_t", np.array(shifts, np.int64))]
    return consts, dict(multiplier=f"{prefix}_mult", shift=f"{prefix}_shift", per_channel=per_channel, headroom=headroom)


def _bias(prefix, graph, op, k):
    """(constant arrays, C name, values or None) of the optional bias operand k."""
    if len(op.inputs) <= k or op.inputs[k] < 0:
        return [], "0", None
    t = graph.tensors[op.inputs[k]]
    if t.dtype != "int32" or t.data is None:
        raise ModelError(f"layer {op.index} ({op.op}): bias {t.name!r} must be constant int32, is {t.dtype}")
    return [ConstArray(f"{prefix}_bias", "int32_t", t.data.reshape(-1).astype(np.int64))], f"{prefix}_bias", t.data


def _k4_rows(w2d):
    """The DSP kernels' filter layout: rows padded with zeros to K4 (a multiple of 4), and each pair of
    rows interleaved four bytes at a time (an odd last row stays plain). Flattened."""
    rows, k = w2d.shape
    k4 = (k + 3) // 4 * 4
    padded = np.zeros((rows, k4), np.int64)
    padded[:, :k] = w2d
    pairs = rows // 2 * 2
    interleaved = padded[:pairs].reshape(pairs // 2, 2, k4 // 4, 4).transpose(0, 2, 1, 3).reshape(-1)
    return np.concatenate([interleaved, padded[pairs:].reshape(-1)])


def _dsp_scratch(k, columns, in_c):
    """int16 im2col columns for a block of output pixels (or batch rows), in pairs, plus one plain column
    for the general im2col path: a mirror of mcb_dsp_scratch_bytes() in mcb_kernels.h, the kernels' own
    definition (tests/test_kernel_params.py compares the two)."""
    k4 = (k + 3) // 4 * 4
    block = (min(columns, 16 if k4 <= 144 else 8) + 1) // 2 * 2
    return 2 * k4 * (block + (1 if in_c % 4 else 0))


def _dw_dsp_pack(w):
    """Depthwise filter [1][kh][kw][C] -> int16 [C/4][tap][c0, c2, c1, c3] (group-major)."""
    taps = w.reshape(-1, w.shape[-1]).astype(np.int64)
    groups = taps.reshape(taps.shape[0], -1, 4)[:, :, [0, 2, 1, 3]]
    return groups.transpose(1, 0, 2).reshape(-1)


def conv_geometry(op, t_in, t_w, t_out, depthwise):
    """(batches, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, depth multiplier, pad_top, pad_left) of
    a CONV_2D or DEPTHWISE_CONV_2D, whatever its data types; ModelError on filters that do not fit."""
    if t_w.data is None:
        raise ModelError(f"layer {op.index} ({op.op}): non-constant filters are not supported")
    o = op.options
    b, in_h, in_w, in_c = t_in.shape
    _, out_h, out_w, out_c = t_out.shape
    if depthwise:
        _, k_h, k_w, w_c = t_w.shape
        mult = out_c // in_c if in_c else 0
        if w_c != out_c or mult * in_c != out_c:
            raise ModelError(f"layer {op.index} ({op.op}): filter shape {t_w.shape} does not match channels")
    else:
        w_oc, k_h, k_w, w_ic = t_w.shape
        mult = 1
        if w_ic != in_c or w_oc != out_c:
            raise ModelError(f"layer {op.index} ({op.op}): grouped convolution (filter {t_w.shape}, input "
                             f"{t_in.shape}) is not supported")
    pad_top = _padding(o["padding"], in_h, k_h, o["stride_h"], o["dilation_h"], out_h)
    pad_left = _padding(o["padding"], in_w, k_w, o["stride_w"], o["dilation_w"], out_w)
    return b, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, mult, pad_top, pad_left


def conv_fields(op, geometry) -> dict:
    """The geometry fields of a convolution parameter struct (mcb_conv_params and its float twin)."""
    b, in_h, in_w, in_c, out_h, out_w, out_c, k_h, k_w, mult, pad_top, pad_left = geometry
    o = op.options
    return dict(batches=b, in_h=in_h, in_w=in_w, in_c=in_c, out_h=out_h, out_w=out_w, out_c=out_c, k_h=k_h,
                k_w=k_w, stride_h=o["stride_h"], stride_w=o["stride_w"], dilation_h=o["dilation_h"],
                dilation_w=o["dilation_w"], pad_top=pad_top, pad_left=pad_left, depth_multiplier=mult)


def conv_macs(geometry, depthwise) -> int:
    b, _, _, in_c, out_h, out_w, out_c, k_h, k_w = geometry[:9]
    return b * out_h * out_w * out_c * k_h * k_w * (1 if depthwise else in_c)


def reads_input_directly(op, geometry) -> bool:
    """A 1x1, stride-1 convolution over the whole input: the float and int16 kernels read its columns from
    the input instead of copying them (im2col) into scratch."""
    _, in_h, in_w, _, out_h, out_w, _, k_h, k_w = geometry[:9]
    o = op.options
    return k_h == k_w == 1 and o["stride_h"] == o["stride_w"] == 1 and (in_h, in_w) == (out_h, out_w)


def fc_geometry(op, t_in, t_w):
    """(batches, in_depth, out_depth) of a FULLY_CONNECTED, whatever its data types."""
    if op.options.get("weights_format", 0) != 0:
        raise ModelError(f"layer {op.index} ({op.op}): shuffled weights format is not supported")
    out_depth, in_depth = t_w.shape
    return int(np.prod(t_in.shape)) // in_depth, in_depth, out_depth


def _conv(graph, op, prefix, depthwise, kernels="portable"):
    t_in, t_w, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_w, t_out)
    geometry = conv_geometry(op, t_in, t_w, t_out, depthwise)
    _, _, _, in_c, out_h, out_w, out_c, k_h, k_w, mult = geometry[:10]
    if np.any(t_w.zero_point != 0):
        raise ModelError(f"layer {op.index} ({op.op}): int8 filters must have zero point 0")
    act_min, act_max = _act(graph, op, t_out, op.options["activation"])
    filter = ConstArray(f"{prefix}_filter", "int8_t", t_w.data.reshape(-1).astype(np.int64))
    fn = "mcb_depthwise_conv2d_s8" if depthwise else "mcb_conv2d_s8"
    scratch = 0
    if kernels == "dsp":
        if depthwise and mult == 1 and in_c % 4 == 0:
            filter = ConstArray(f"{prefix}_filter", "int16_t", _dw_dsp_pack(t_w.data))
            fn += "_dsp"
        elif not depthwise:
            k = k_h * k_w * in_c
            filter = ConstArray(f"{prefix}_filter", "int8_t", _k4_rows(t_w.data.reshape(out_c, k)))
            fn += "_dsp"
            scratch = _dsp_scratch(k, out_h * out_w, in_c)
    consts = [filter]
    bias_consts, bias_name, bias_data = _bias(prefix, graph, op, 2)
    w_rows = t_w.data.reshape(-1, out_c).T if depthwise else t_w.data.reshape(out_c, -1)
    rq_consts, rq = _requant_arrays(prefix, t_in.scale[0], t_w.scale, t_out.scale[0],
                                    acc_bound=_acc_bound(w_rows, bias_data))
    params = c_params("mcb_conv_params", f"{prefix}_params", dict(
        conv_fields(op, geometry), input_offset=-int(t_in.zero_point[0]), output_offset=int(t_out.zero_point[0]),
        act_min=act_min, act_max=act_max, rq=rq))
    call = f"{fn}(&{prefix}_params, {{in0}}, (const int8_t *){prefix}_filter, {bias_name}, {{out}}, {{scratch}});"
    return dict(inputs=[op.inputs[0]], consts=consts + bias_consts + rq_consts, params=params, call=call,
                macs=conv_macs(geometry, depthwise), scratch=scratch)


def _fully_connected(graph, op, prefix, kernels="portable"):
    t_in, t_w, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.inputs[1]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_w, t_out)
    if t_w.data is None:
        raise ModelError(f"layer {op.index} ({op.op}): non-constant weights are not supported")
    batches, in_depth, out_depth = fc_geometry(op, t_in, t_w)
    act_min, act_max = _act(graph, op, t_out, op.options["activation"])
    consts = [ConstArray(f"{prefix}_filter", "int8_t", t_w.data.reshape(-1).astype(np.int64))]
    fn, scratch = "mcb_fully_connected_s8", 0
    if kernels == "dsp":
        consts = [ConstArray(f"{prefix}_filter", "int8_t", _k4_rows(t_w.data.astype(np.int64)))]
        fn, scratch = "mcb_fully_connected_s8_dsp", _dsp_scratch(in_depth, batches, in_depth)
    bias_consts, bias_name, bias_data = _bias(prefix, graph, op, 2)
    rq_consts, rq = _requant_arrays(prefix, t_in.scale[0], t_w.scale, t_out.scale[0],
                                    acc_bound=_acc_bound(t_w.data, bias_data))
    params = c_params("mcb_fc_params", f"{prefix}_params", dict(
        batches=batches, in_depth=in_depth, out_depth=out_depth, input_offset=-int(t_in.zero_point[0]),
        output_offset=int(t_out.zero_point[0]), act_min=act_min, act_max=act_max, rq=rq))
    call = f"{fn}(&{prefix}_params, {{in0}}, {prefix}_filter, {bias_name}, {{out}}, {{scratch}});"
    return dict(inputs=[op.inputs[0]], consts=consts + bias_consts + rq_consts, params=params, call=call,
                macs=batches * in_depth * out_depth, scratch=scratch)


def pool_geometry(op, t_in, t_out) -> dict:
    """The geometry fields of a pooling parameter struct (mcb_pool_params and its float twin)."""
    o = op.options
    b, in_h, in_w, c = t_in.shape
    _, out_h, out_w, _ = t_out.shape
    pad_top = _padding(o["padding"], in_h, o["filter_h"], o["stride_h"], 1, out_h)
    pad_left = _padding(o["padding"], in_w, o["filter_w"], o["stride_w"], 1, out_w)
    return dict(batches=b, in_h=in_h, in_w=in_w, channels=c, out_h=out_h, out_w=out_w, k_h=o["filter_h"],
                k_w=o["filter_w"], stride_h=o["stride_h"], stride_w=o["stride_w"], pad_top=pad_top, pad_left=pad_left)


def pointer_casts(ctype):
    """The casts of a kernel's input and output arena pointers: none for int8, the arena's own type."""
    return ("", "") if ctype is None else (f"(const {ctype} *)", f"({ctype} *)")


def pool_step(op, prefix, t_in, t_out, struct, act, suffix, ctype=None):
    """AVERAGE_POOL_2D or MAX_POOL_2D: struct of the pool geometry and act (act_min, act_max), the kernel
    mcb_{avg|max}_pool_{suffix} on arena pointers to ctype."""
    params = c_params(struct, f"{prefix}_params", dict(pool_geometry(op, t_in, t_out), **act))
    kind = "avg" if op.op == "AVERAGE_POOL_2D" else "max"
    src, dst = pointer_casts(ctype)
    return dict(inputs=[op.inputs[0]], params=params,
                call=f"mcb_{kind}_pool_{suffix}(&{prefix}_params, {src}{{in0}}, {dst}{{out}});")


def _pool(graph, op, prefix, kernels="portable"):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_out)
    act_min, act_max = _act(graph, op, t_out, op.options["activation"])
    return pool_step(op, prefix, t_in, t_out, "mcb_pool_params", dict(act_min=act_min, act_max=act_max), "s8")


def _broadcast(op, shape1, shape2, out_shape):
    """Broadcast strides of two inputs over a 4-D output (the C struct mcb_broadcast)."""
    if len(out_shape) > 4:
        raise ModelError(f"layer {op.index} ({op.op}): more than 4 dimensions are not supported")
    if tuple(shape1) == tuple(shape2) == tuple(out_shape):
        n = int(np.prod(out_shape)) if out_shape else 1
        return dict(out_dims=[n, 1, 1, 1], in1_strides=[0, 0, 0, 0], in2_strides=[0, 0, 0, 0], flat=1), True
    out4 = [1] * (4 - len(out_shape)) + list(out_shape)

    def strides(shape):
        s4 = [1] * (4 - len(shape)) + list(shape)
        dense = [int(np.prod(s4[k + 1:])) for k in range(4)]
        return [0 if s4[k] == 1 and out4[k] != 1 else dense[k] for k in range(4)]

    return dict(out_dims=out4, in1_strides=strides(shape1), in2_strides=strides(shape2), flat=0), False


def input_exprs(graph, indices, prefix, ctype, const_cast=""):
    """(C expressions, activation tensor indices, constant arrays) of a layer's inputs: a constant input
    becomes a flash array of ctype, {prefix}_in{k} (cast by const_cast), an activation the placeholder of its
    arena pointer, {in0}, {in1}, ..."""
    exprs, acts, consts = [], [], []
    for k, index in enumerate(indices):
        t = graph.tensors[index]
        if t.data is not None:
            values = t.data.reshape(-1).astype(np.float32 if ctype == "float" else np.int64)
            consts.append(ConstArray(f"{prefix}_in{k}", ctype, values))
            exprs.append(f"{const_cast}{prefix}_in{k}")
        else:
            exprs.append(f"{{in{len(acts)}}}")
            acts.append(index)
    return exprs, acts, consts


def _binary_inputs(graph, op, prefix, ctype="int8_t"):
    """The two inputs of ADD/MUL as C expressions."""
    return input_exprs(graph, op.inputs[:2], prefix, ctype)


_ADD_TABLES_BYTES = 2 * 256 * 4


def add_multipliers(t1, t2, t_out, left_shift):
    """(m1, shift1, m2, shift2, m_out, shift_out) of TFLite's quantized ADD (add_common.cc): both inputs
    scaled by 2^left_shift to twice the larger input scale, the sum back to the output scale."""
    s1, s2, so = float(t1.scale[0]), float(t2.scale[0]), float(t_out.scale[0])
    twice_max = 2 * max(s1, s2)
    return (*quantize_multiplier(s1 / twice_max), *quantize_multiplier(s2 / twice_max),
            *quantize_multiplier(twice_max / ((1 << left_shift) * so)))


def _add(graph, op, prefix, kernels="portable"):
    t1, t2, t_out = (graph.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    _check_int8(op, t1, t2, t_out)
    left_shift = 20
    m1, sh1, m2, sh2, mo, sho = add_multipliers(t1, t2, t_out, left_shift)
    act_min, act_max = _act(graph, op, t_out, op.options["activation"])
    bc, flat = _broadcast(op, t1.shape, t2.shape, t_out.shape)
    params = c_params("mcb_add_params", f"{prefix}_params", dict(
        bc=bc, left_shift=left_shift, in1_offset=-int(t1.zero_point[0]), in1_multiplier=m1, in1_shift=sh1,
        in2_offset=-int(t2.zero_point[0]), in2_multiplier=m2, in2_shift=sh2, output_offset=int(t_out.zero_point[0]),
        output_multiplier=mo, output_shift=sho, act_min=act_min, act_max=act_max))
    exprs, acts, consts = _binary_inputs(graph, op, prefix)
    if kernels != "dsp":
        call = f"mcb_add_s8(&{prefix}_params, {exprs[0]}, {exprs[1]}, {{out}});"
        return dict(inputs=acts, consts=consts, params=params, inplace=flat and bool(acts), call=call)
    # Two 256-entry int32 tables of the rescaled inputs (mcb_add_s8_dsp): worth building from 1024 elements.
    scratch = _ADD_TABLES_BYTES if flat and int(np.prod(t_out.shape)) >= 1024 else 0
    call = f"mcb_add_s8_dsp(&{prefix}_params, {exprs[0]}, {exprs[1]}, {{out}}, {{scratch}});"
    return dict(inputs=acts, consts=consts, params=params, inplace=flat and bool(acts), call=call, scratch=scratch)


def _mul(graph, op, prefix, kernels="portable"):
    t1, t2, t_out = (graph.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    _check_int8(op, t1, t2, t_out)
    m, sh = quantize_multiplier(float(t1.scale[0]) * float(t2.scale[0]) / float(t_out.scale[0]))
    act_min, act_max = _act(graph, op, t_out, op.options["activation"])
    bc, flat = _broadcast(op, t1.shape, t2.shape, t_out.shape)
    params = c_params("mcb_mul_params", f"{prefix}_params", dict(
        bc=bc, in1_offset=-int(t1.zero_point[0]), in2_offset=-int(t2.zero_point[0]),
        output_offset=int(t_out.zero_point[0]), output_multiplier=m, output_shift=sh, act_min=act_min,
        act_max=act_max))
    exprs, acts, consts = _binary_inputs(graph, op, prefix)
    return dict(inputs=acts, consts=consts, params=params, inplace=flat and bool(acts),
                call=f"mcb_mul_s8(&{prefix}_params, {exprs[0]}, {exprs[1]}, {{out}});")


def _softmax(graph, op, prefix, kernels="portable"):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_out)
    if abs(float(t_out.scale[0]) - 1 / 256) > 1e-9 or int(t_out.zero_point[0]) != -128:
        raise ModelError(f"layer {op.index} (SOFTMAX): int8 output must have scale 1/256 and zero point -128")
    mult, shift, diff_min = softmax_params(op.options.get("beta", 1.0), t_in.scale[0])
    if shift < 0:
        raise ModelError(f"layer {op.index} (SOFTMAX): input scale too small for TFLite's int8 softmax")
    depth = t_in.shape[-1]
    rows = int(np.prod(t_in.shape)) // depth
    params = c_params("mcb_softmax_params", f"{prefix}_params", dict(
        rows=rows, depth=depth, input_multiplier=mult, input_left_shift=shift, diff_min=diff_min))
    return dict(inputs=[op.inputs[0]], params=params, call=f"mcb_softmax_s8(&{prefix}_params, {{in0}}, {{out}});")


def _requantize(graph, op, prefix, activation):
    """RELU, RELU6, RELU_N1_TO_1 and int8->int8 QUANTIZE: a rescale and a clamp, element-wise."""
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_out)
    m, sh = quantize_multiplier(float(t_in.scale[0]) / float(t_out.scale[0]))
    act_min, act_max = _act(graph, op, t_out, activation)
    out_zp = int(t_out.zero_point[0])
    if activation == "RELU6":
        # TFLite Micro's int8 RELU6 clamps in the input's quantization and does not rescale.
        m, sh, out_zp = 1 << 30, 1, int(t_in.zero_point[0])
        act_min, act_max = _act(graph, op, t_in, activation)
    size = int(np.prod(t_in.shape))
    params = c_params("mcb_requantize_params", f"{prefix}_params", dict(
        size=size, input_offset=-int(t_in.zero_point[0]), output_offset=out_zp, multiplier=m, shift=sh,
        act_min=act_min, act_max=act_max))
    return dict(inputs=[op.inputs[0]], params=params, inplace=True,
                call=f"mcb_requantize_s8(&{prefix}_params, {{in0}}, {{out}});")


def _activation(graph, op, prefix, kernels="portable"):
    """LOGISTIC and TANH: TFLite's input rescaling to Q4.27 (frexp, not QuantizeMultiplier)."""
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_out)
    want = (1 / 256, -128) if op.op == "LOGISTIC" else (1 / 128, 0)
    if abs(float(t_out.scale[0]) - want[0]) > 1e-9 or int(t_out.zero_point[0]) != want[1]:
        raise ModelError(f"layer {op.index} ({op.op}): int8 output must have scale {want[0]} and zero point {want[1]}")
    integer_bits = 4
    real = float(t_in.scale[0]) * float(1 << (31 - integer_bits))
    q, left_shift = math.frexp(real)
    multiplier = int(math.floor(q * (1 << 31) + 0.5))
    radius = int(math.floor(((1 << integer_bits) - 1) * (1 << (31 - integer_bits)) / 2.0 ** left_shift))
    size = int(np.prod(t_in.shape))
    params = c_params("mcb_activation_params", f"{prefix}_params", dict(
        size=size, input_zero_point=int(t_in.zero_point[0]), input_range_radius=radius,
        input_multiplier=multiplier, input_left_shift=left_shift))
    fn = "mcb_logistic_s8" if op.op == "LOGISTIC" else "mcb_tanh_s8"
    return dict(inputs=[op.inputs[0]], params=params, inplace=True, call=f"{fn}(&{prefix}_params, {{in0}}, {{out}});")


def _quantize(graph, op, prefix, kernels="portable"):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if t_in.dtype == "int8":
        return _requantize(graph, op, prefix, "NONE")
    if t_in.dtype != "float32":
        raise ModelError(f"layer {op.index} (QUANTIZE): {t_in.dtype} input is not supported (float32 or int8)")
    _check_int8(op, t_out)
    return conversion_step(op, t_in, t_out, "mcb_quantize_f32_s8", f"{float(t_out.scale[0])!r}f", "float", None)


def conversion_step(op, t_in, t_quantized, fn, scale, in_ctype, out_ctype):
    """QUANTIZE or DEQUANTIZE: fn(size, scale (C text), zero point of t_quantized, input, output), the
    arena pointers cast to in_ctype and out_ctype (None: int8, no cast)."""
    size = int(np.prod(t_in.shape))
    src, dst = pointer_casts(in_ctype)[0], pointer_casts(out_ctype)[1]
    return dict(inputs=[op.inputs[0]],
                call=f"{fn}({size}, {scale}, {int(t_quantized.zero_point[0])}, {src}{{in0}}, {dst}{{out}});")


def _dequantize(graph, op, prefix, kernels="portable"):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in)
    if t_out.dtype != "float32":
        raise ModelError(f"layer {op.index} (DEQUANTIZE): {t_out.dtype} output is not supported (float32)")
    return conversion_step(op, t_in, t_in, "mcb_dequantize_s8_f32", f"{float(t_in.scale[0])!r}f", None, "float")


def spatial_mean_shape(graph, op, t_in):
    """(batches, height, width, channels) of a MEAN over axes 1 and 2 of a 4-D tensor, the one supported."""
    axes = graph.tensors[op.inputs[1]].data
    rank = len(t_in.shape)
    if axes is None or rank != 4 or sorted(int(a) % rank for a in axes.reshape(-1)) != [1, 2]:
        raise ModelError(f"layer {op.index} (MEAN): only the mean over axes 1 and 2 of a 4-D tensor is supported")
    return t_in.shape


def _mean(graph, op, prefix, kernels="portable"):
    """MEAN over the spatial axes of a 4-D tensor (global average pooling), TFLite's integer mean."""
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_out)
    b, h, w, c = spatial_mean_shape(graph, op, t_in)
    n = h * w
    m, sh = quantize_multiplier(float(t_in.scale[0]) / float(t_out.scale[0]))
    # TFLite folds 1/n into the multiplier with floor(log2 n) extra bits (capped as it caps them).
    extra = min(n.bit_length() - 1, 32, 31 + sh)
    m, sh = (m << extra) // n, sh - extra
    params = c_params("mcb_mean_params", f"{prefix}_params", dict(
        outer=b, reduce=n, inner=c, input_zero_point=int(t_in.zero_point[0]),
        output_zero_point=int(t_out.zero_point[0]), multiplier=m, shift=sh))
    return dict(inputs=[op.inputs[0]], params=params, call=f"mcb_mean_s8(&{prefix}_params, {{in0}}, {{out}});")


def _pad(graph, op, prefix, kernels="portable"):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    _check_int8(op, t_in, t_out)
    value = int(t_out.zero_point[0])
    if op.op == "PADV2" and len(op.inputs) > 2 and op.inputs[2] >= 0:
        value = int(graph.tensors[op.inputs[2]].data.reshape(-1)[0])
    return pad_bytes(graph, op, prefix, 1, value)


def pad_bytes(graph, op, prefix, itemsize, value):
    """PAD as a byte copy (mcb_pad_s8): elements of itemsize bytes, each padding byte = value (so for a
    wider type only a value whose bytes are all equal, such as 0)."""
    t_in = graph.tensors[op.inputs[0]]
    paddings = graph.tensors[op.inputs[1]].data
    if paddings is None or len(t_in.shape) > 4:
        raise ModelError(f"layer {op.index} ({op.op}): only constant paddings of up to 4 dimensions are supported")
    extra = 4 - len(t_in.shape)
    dims = [1] * extra + list(t_in.shape)
    before = [0] * extra + [int(x) for x in paddings[:, 0]]
    after = [0] * extra + [int(x) for x in paddings[:, 1]]
    dims[3], before[3], after[3] = dims[3] * itemsize, before[3] * itemsize, after[3] * itemsize
    params = c_params("mcb_pad_params", f"{prefix}_params", dict(in_dims=dims, before=before, after=after, value=value))
    return dict(inputs=[op.inputs[0]], params=params,
                call=f"mcb_pad_s8(&{prefix}_params, (const int8_t *){{in0}}, (int8_t *){{out}});")


def _concat(graph, op, prefix, kernels="portable"):
    ins = [graph.tensors[i] for i in op.inputs]
    t_out = graph.tensors[op.outputs[0]]
    _check_int8(op, *ins, t_out)
    for t in ins:
        if float(t.scale[0]) != float(t_out.scale[0]) or int(t.zero_point[0]) != int(t_out.zero_point[0]):
            raise ModelError(f"layer {op.index} (CONCATENATION): inputs with their own quantization are not supported")
    return concat_bytes(graph, op, prefix, "int8_t", 1)


def concat_bytes(graph, op, prefix, ctype, itemsize):
    """CONCATENATION as a byte copy (mcb_concat_s8) of elements of itemsize bytes; constant inputs become
    flash arrays of ctype."""
    ins = [graph.tensors[i] for i in op.inputs]
    t_out = graph.tensors[op.outputs[0]]
    if op.options.get("activation", "NONE") != "NONE":
        raise ModelError(f"layer {op.index} (CONCATENATION): fused activations are not supported")
    axis = op.options["axis"] % len(t_out.shape)
    outer = int(np.prod(t_out.shape[:axis]))
    inner = [itemsize * int(np.prod(t.shape[axis:])) for t in ins]
    exprs, acts, consts = input_exprs(graph, op.inputs, prefix, ctype, const_cast="(const int8_t *)")
    consts.append(ConstArray(f"{prefix}_inner", "int32_t", np.array(inner, np.int64)))
    call = (f"{{ const int8_t *ins[{len(ins)}] = {{{', '.join(exprs)}}}; "
            f"mcb_concat_s8({outer}, {len(ins)}, ins, {prefix}_inner, (int8_t *){{out}}); }}")
    return dict(inputs=acts, consts=consts, call=call)


def _reshape(graph, op, prefix, kernels="portable"):
    t_in, t_out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if t_in.nbytes != t_out.nbytes:
        raise ModelError(f"layer {op.index} ({op.op}): input and output sizes differ")
    return dict(inputs=[op.inputs[0]], alias=True)


def lowering_table(conv, fully_connected, pool, softmax, pad, concat, **more) -> dict:
    """op name -> lowering, the ops every data type builds and those it adds (more). Every lowering takes
    (graph, op, prefix, kernels); conv takes depthwise before kernels; reshapes alias their input whatever
    the type."""
    return {"CONV_2D": lambda g, op, p, k: conv(g, op, p, False, k),
            "DEPTHWISE_CONV_2D": lambda g, op, p, k: conv(g, op, p, True, k),
            "FULLY_CONNECTED": fully_connected, "AVERAGE_POOL_2D": pool, "MAX_POOL_2D": pool, "SOFTMAX": softmax,
            "RESHAPE": _reshape, "SQUEEZE": _reshape, "EXPAND_DIMS": _reshape, "PAD": pad, "PADV2": pad,
            "CONCATENATION": concat, **more}


def _requantizing(activation):
    return lambda g, op, p, k: _requantize(g, op, p, activation)


# Only the lowerings that pack constants for the DSP kernels (conv, depthwise, fully connected, add) look
# at the kernel choice.
_LOWERINGS = lowering_table(
    _conv, _fully_connected, _pool, _softmax, _pad, _concat, ADD=_add, MUL=_mul, RELU=_requantizing("RELU"),
    RELU6=_requantizing("RELU6"), RELU_N1_TO_1=_requantizing("RELU_N1_TO_1"), QUANTIZE=_quantize,
    DEQUANTIZE=_dequantize, LOGISTIC=_activation, TANH=_activation, MEAN=_mean)

SUPPORTED_OPS = tuple(sorted(_LOWERINGS))


def _lowerings_for(graph, op):
    """(lowerings, what they cover) for an op: by the data type of its output; the conversions between
    types (QUANTIZE, DEQUANTIZE) by the int16 table when one side is int16, else by the int8 table."""
    dtype = graph.tensors[op.outputs[0]].dtype if op.outputs else "int8"
    types = {graph.tensors[i].dtype for i in (*op.inputs, *op.outputs) if i >= 0}
    if dtype == "int16" or (op.op in ("QUANTIZE", "DEQUANTIZE") and "int16" in types):
        from .lowering_s16 import S16_LOWERINGS

        return S16_LOWERINGS, "int16"
    if dtype == "float32" and op.op not in ("QUANTIZE", "DEQUANTIZE"):
        from .lowering_f32 import F32_LOWERINGS

        return F32_LOWERINGS, "float32"
    return _LOWERINGS, "int8"


def lower(graph, kernels="portable") -> list:
    """One Step per operator, in execution order; ModelError names the first op that cannot be built."""
    steps = []
    for op in graph.operators:
        table, kind = _lowerings_for(graph, op)
        fn = table.get(op.op)
        if fn is None:
            raise ModelError(f"layer {op.index}: unsupported op {op.op} for {kind} tensors; supported: "
                             f"{', '.join(sorted(table))}")
        if len(op.outputs) != 1:
            raise ModelError(f"layer {op.index} ({op.op}): ops with {len(op.outputs)} outputs are not supported")
        prefix = f"l{op.index}"
        try:
            d = fn(graph, op, prefix, kernels)
        except (KeyError, ValueError, IndexError, TypeError) as exc:
            raise ModelError(f"layer {op.index} ({op.op}): malformed operator ({type(exc).__name__}: {exc})") from None
        region = f"{op.index:02d}_{op.op.lower()}"
        steps.append(Step(index=op.index, op=op.op, region=region, inputs=d["inputs"], output=op.outputs[0],
                          macs=int(d.get("macs", 0)), consts=d.get("consts", []), params=d.get("params", ""),
                          call=d.get("call", ""), alias=d.get("alias", False), inplace=d.get("inplace", False),
                          scratch_bytes=d.get("scratch", 0)))
    return steps
