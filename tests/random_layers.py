"""Random layer geometries for the single-op test models of every data type (tests/test_kernels_ops.py,
test_kernels_f32.py, test_kernels_s16.py): the window of a convolution or pooling layer and the shapes of a
broadcasting binary op, drawn from the generator in one fixed order so that a seed always gives the same
model. Each data type adds its own tensors (quantization, weights) around them."""

from dataclasses import dataclass


@dataclass
class Window:
    """A sliding window over a (1, h, w, c) input: its size k, stride s, dilation d, padding and output size."""

    h: int
    w: int
    c: int
    kh: int
    kw: int
    sh: int
    sw: int
    dh: int
    dw: int
    padding: str
    oh: int
    ow: int
    mult: int = 1  # depthwise channel multiplier
    oc: int = 0  # output channels (convolutions)

    def conv_options(self, activation, depthwise) -> dict:
        opts = dict(padding=self.padding, stride_h=self.sh, stride_w=self.sw, dilation_h=self.dh,
                    dilation_w=self.dw, activation=activation)
        if depthwise:
            opts["depth_multiplier"] = self.mult
        return opts

    def pool_options(self, activation) -> dict:
        return dict(padding=self.padding, stride_h=self.sh, stride_w=self.sw, filter_h=self.kh, filter_w=self.kw,
                    activation=activation)

    def filter_shape(self, depthwise) -> tuple:
        return (1, self.kh, self.kw, self.oc) if depthwise else (self.oc, self.kh, self.kw, self.c)


def _output_size(size, k, stride, dilation, padding):
    return -(-size // stride) if padding == "SAME" else (size - ((k - 1) * dilation + 1)) // stride + 1


def conv_window(rng, depthwise=False, max_hw=12, channels=None, pointwise=False) -> Window:
    """A CONV_2D or DEPTHWISE_CONV_2D window: input 3..max_hw-1 square-ish, 1..8 channels (or one of
    channels, then multiplier 1), kernels up to 3x3, strides up to 2, sometimes dilation 2; pointwise: 1x1,
    stride 1. A VALID window that does not fit the input becomes SAME."""
    h, w = (int(v) for v in rng.integers(3, max_hw, size=2))
    c = int(rng.integers(1, 9)) if channels is None else int(rng.choice(channels))
    mult = int(rng.integers(1, 3)) if depthwise and channels is None else 1
    oc = c * mult if depthwise else int(rng.integers(1, 12))
    if pointwise:
        kh = kw = sh = sw = dh = dw = 1
        padding = "VALID"
    else:
        kh, kw = (int(k) for k in rng.integers(1, 4, size=2))
        sh, sw = (int(s) for s in rng.integers(1, 3, size=2))
        dh, dw = (1, 1) if rng.random() < 0.7 else (2, 1)
        padding = str(rng.choice(["SAME", "VALID"]))
    if padding == "VALID" and ((kh - 1) * dh + 1 > h or (kw - 1) * dw + 1 > w):
        padding = "SAME"
    return Window(h, w, c, kh, kw, sh, sw, dh, dw, padding, _output_size(h, kh, sh, dh, padding),
                  _output_size(w, kw, sw, dw, padding), mult, oc)


def pool_window(rng) -> Window:
    """An AVERAGE_POOL_2D or MAX_POOL_2D window: input 2..11 square-ish, 1..8 channels, filters up to 4x4 that
    fit the input, strides up to 2."""
    h, w, c = int(rng.integers(2, 12)), int(rng.integers(2, 12)), int(rng.integers(1, 9))
    fh, fw = int(rng.integers(1, min(h, 4) + 1)), int(rng.integers(1, min(w, 4) + 1))
    sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    padding = str(rng.choice(["SAME", "VALID"]))
    return Window(h, w, c, fh, fw, sh, sw, 1, 1, padding, _output_size(h, fh, sh, 1, padding),
                  _output_size(w, fw, sw, 1, padding))


def broadcast_shapes(rng, p_broadcast) -> tuple:
    """(shape, second operand's shape) of a 4-D binary op, dimensions 1..5; with probability p_broadcast
    one or two of the second operand's dimensions are 1 (broadcast)."""
    shape = [1] + [int(d) for d in rng.integers(1, 6, size=3)]
    shape2 = list(shape)
    if rng.random() < p_broadcast:
        for d in rng.choice([1, 2, 3], size=int(rng.integers(1, 3)), replace=False):
            shape2[d] = 1
    return shape, shape2
