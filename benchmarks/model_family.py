"""A family of small int8 DS-CNN models of chosen width and depth, written with the project's .tflite writer.

Used by the scale benchmark (benchmarks/scale.py) to generate hundreds of KWS-sized candidate models, as a
hardware-aware model search would, without training: weights are random, quantization is chosen so that
every requantization multiplier is below 1, which is all the firmware and the cost models need.
"""

import numpy as np

from mcubench.firmware.compiler.tflite_writer import write_model


def _tensor(name, shape, scale, zero_point=0, dtype="int8", data=None, quantized_dimension=0):
    return dict(name=name, shape=list(shape), dtype=dtype, scale=scale, zero_point=zero_point, data=data,
                quantized_dimension=quantized_dimension)


def ds_cnn(width: int, depth: int, input_hw=(49, 10), classes=12, seed=0) -> bytes:
    """Conv 10x4 stride 2 -> `depth` x (depthwise 3x3 + pointwise 1x1) -> average pool -> fully connected.

    The MLPerf Tiny KWS DS-CNN is this shape with width 64 and depth 4 (about 2.7 M MACs).
    """
    rng = np.random.default_rng(seed)
    tensors, ops = [], []
    act_scale = np.float32(0.05)

    def add(t):
        tensors.append(t)
        return len(tensors) - 1

    def weights(name, shape, per_channel_dim):
        channels = shape[per_channel_dim]
        scale = rng.uniform(0.002, 0.01, size=channels).astype(np.float32)
        data = rng.integers(-127, 128, size=shape).astype(np.int8)
        return add(_tensor(name, shape, scale, np.zeros(channels, np.int64), data=data,
                           quantized_dimension=per_channel_dim)), scale

    def bias(name, scale):
        return add(_tensor(name, [len(scale)], (act_scale * scale).astype(np.float32),
                           np.zeros(len(scale), np.int64), dtype="int32",
                           data=rng.integers(-500, 500, size=len(scale)).astype(np.int32)))

    h, w = input_hw
    x = add(_tensor("input", [1, h, w, 1], act_scale, 0))
    # Stem: 10x4 conv, stride 2, SAME padding.
    oh, ow = -(-h // 2), -(-w // 2)
    wi, ws = weights("stem_w", [width, 10, 4, 1], 0)
    bi = bias("stem_b", ws)
    y = add(_tensor("stem", [1, oh, ow, width], act_scale, -128))
    ops.append(dict(op="CONV_2D", inputs=[x, wi, bi], outputs=[y],
                    options=dict(padding="SAME", stride_h=2, stride_w=2, activation="RELU")))
    x = y
    for i in range(depth):
        wi, ws = weights(f"dw{i}_w", [1, 3, 3, width], 3)
        bi = bias(f"dw{i}_b", ws)
        y = add(_tensor(f"dw{i}", [1, oh, ow, width], act_scale, -128))
        ops.append(dict(op="DEPTHWISE_CONV_2D", inputs=[x, wi, bi], outputs=[y],
                        options=dict(padding="SAME", depth_multiplier=1, activation="RELU")))
        wi, ws = weights(f"pw{i}_w", [width, 1, 1, width], 0)
        bi = bias(f"pw{i}_b", ws)
        x = add(_tensor(f"pw{i}", [1, oh, ow, width], act_scale, -128))
        ops.append(dict(op="CONV_2D", inputs=[y, wi, bi], outputs=[x], options=dict(activation="RELU")))
    pooled = add(_tensor("pool", [1, 1, 1, width], act_scale, -128))
    ops.append(dict(op="AVERAGE_POOL_2D", inputs=[x], outputs=[pooled],
                    options=dict(padding="VALID", filter_h=oh, filter_w=ow, stride_h=1, stride_w=1)))
    flat = add(_tensor("flat", [1, width], act_scale, -128))
    shape = add(_tensor("flat_shape", [2], None, dtype="int32", data=np.array([1, width], np.int32)))
    ops.append(dict(op="RESHAPE", inputs=[pooled, shape], outputs=[flat], options=dict(new_shape=[1, width])))
    wi, ws = weights("fc_w", [classes, width], 0)
    ws_tensor = tensors[wi]
    ws_tensor["scale"], ws_tensor["zero_point"] = np.float32(ws[0]), 0  # per-tensor, as TFLite's FC wants
    bi = add(_tensor("fc_b", [classes], np.float32(act_scale * ws[0]), 0, dtype="int32",
                     data=rng.integers(-500, 500, size=classes).astype(np.int32)))
    out = add(_tensor("logits", [1, classes], np.float32(0.2), 0))
    ops.append(dict(op="FULLY_CONNECTED", inputs=[flat, wi, bi], outputs=[out]))
    return write_model(tensors, ops, [0], [out])


def family(count: int, seed=0):
    """`count` (name, model bytes) pairs spread over widths 8-64 and depths 1-4."""
    widths = (8, 12, 16, 24, 32, 40, 48, 64)
    models = []
    for i in range(count):
        width, depth = widths[i % len(widths)], 1 + (i // len(widths)) % 4
        models.append((f"dscnn_w{width}_d{depth}_{i:04d}", ds_cnn(width, depth, seed=seed + i)))
    return models
