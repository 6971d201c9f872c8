"""Procedurally drawn 48x48 grey scenes with one shape (or none) among clutter. numpy only, fixed seeds.

Honest note: this is a generated toy task, not photographs. It is in the suite for its workload (a
MobileNet-style network on a 48x48 input, with activations of tens of KB, unlike the 8x8 digits), and
its accuracy only says how well the network learned this generator's shapes.

Each scene: a background of a random linear gradient plus a few soft blobs; zero to three clutter line
segments; the shape, of random position, size (radius 6-15 px), rotation and contrast (either polarity,
0.15-0.6 of full scale); Gaussian pixel noise. Drawn at 4x resolution and box-averaged, so edges are
anti-aliased. Classes: empty (clutter only), circle, square, triangle, plus (a cross of two bars), ring.
"""

import numpy as np

SIZE = 48
SUPER = 4
CLASSES = ["empty", "circle", "square", "triangle", "plus", "ring"]


def _grid():
    c = (np.arange(SIZE * SUPER) + 0.5) / SUPER
    return np.meshgrid(c, c, indexing="xy")


_X, _Y = _grid()


def _regular_polygon(u, v, sides, radius, angle):
    """Inside test of a regular polygon with circumradius `radius`: every edge's half-plane holds the point."""
    inside = np.ones(u.shape, bool)
    apothem = radius * np.cos(np.pi / sides)
    for k in range(sides):
        a = angle + (2 * k + 1) * np.pi / sides
        inside &= u * np.cos(a) + v * np.sin(a) <= apothem
    return inside


def _shape_mask(kind, rng):
    """Boolean mask at the supersampled resolution."""
    radius = rng.uniform(6.0, 15.0)
    margin = radius + 1.0
    cx, cy = rng.uniform(margin, SIZE - margin, size=2)
    angle = rng.uniform(0, 2 * np.pi)
    dx, dy = _X - cx, _Y - cy
    u = dx * np.cos(angle) + dy * np.sin(angle)
    v = -dx * np.sin(angle) + dy * np.cos(angle)
    r = np.hypot(dx, dy)
    name = CLASSES[kind]
    if name == "circle":
        return r <= radius
    if name == "square":
        return _regular_polygon(dx, dy, 4, radius, angle)
    if name == "triangle":
        return _regular_polygon(dx, dy, 3, radius, angle)
    if name == "plus":
        half = radius * rng.uniform(0.22, 0.35)
        return ((np.abs(u) <= radius) & (np.abs(v) <= half)) | ((np.abs(v) <= radius) & (np.abs(u) <= half))
    if name == "ring":
        return (r <= radius) & (r >= radius * rng.uniform(0.45, 0.7))
    raise ValueError(kind)


def _segment_mask(rng):
    p = rng.uniform(0, SIZE, size=2)
    q = p + rng.uniform(8, 30) * np.array([np.cos(a := rng.uniform(0, 2 * np.pi)), np.sin(a)])
    d = q - p
    t = np.clip(((_X - p[0]) * d[0] + (_Y - p[1]) * d[1]) / (d @ d), 0, 1)
    dist = np.hypot(_X - p[0] - t * d[0], _Y - p[1] - t * d[1])
    return dist <= rng.uniform(0.4, 1.2)


def _downsample(img):
    return img.reshape(SIZE, SUPER, SIZE, SUPER).mean(axis=(1, 3))


def scene(rng, kind):
    """One [48, 48] float32 image in [0, 1] containing CLASSES[kind]."""
    gx, gy = rng.normal(0, 0.3, size=2) / SIZE
    base = rng.uniform(0.25, 0.75)
    c = np.arange(SIZE)
    img = base + gx * (c[None, :] - SIZE / 2) + gy * (c[:, None] - SIZE / 2)
    for _ in range(rng.integers(0, 4)):  # soft blobs of lighting
        bx, by, bs = rng.uniform(0, SIZE), rng.uniform(0, SIZE), rng.uniform(6, 20)
        img = img + rng.normal(0, 0.08) * np.exp(-((c[None, :] - bx) ** 2 + (c[:, None] - by) ** 2) / (2 * bs ** 2))
    hi = np.repeat(np.repeat(img, SUPER, axis=0), SUPER, axis=1)
    for _ in range(rng.integers(0, 4)):  # clutter lines
        hi = np.where(_segment_mask(rng), hi + rng.choice([-1, 1]) * rng.uniform(0.1, 0.4), hi)
    if CLASSES[kind] != "empty":
        hi = np.where(_shape_mask(kind, rng), hi + rng.choice([-1, 1]) * rng.uniform(0.15, 0.6), hi)
    img = _downsample(hi) + rng.normal(0, rng.uniform(0.01, 0.08), size=(SIZE, SIZE))
    return np.clip(img, 0, 1).astype(np.float32)


def make_set(seed, per_class):
    """(images float32 [N, 48, 48, 1], labels int8 [N]), per_class scenes of each class in class order."""
    rng = np.random.default_rng(seed)
    labels = [k for k in range(len(CLASSES)) for _ in range(per_class)]
    x = np.stack([scene(rng, k) for k in labels])[..., None]
    return x, np.array(labels, dtype=np.int8)
