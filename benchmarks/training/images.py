"""Image classification (10 classes): a small ResNet on scikit-learn's handwritten digits.

Data: sklearn.datasets.load_digits() (shipped inside the scikit-learn wheel, no download): 1797 grey
images of 8x8 pixels with 17 levels (0..16), digits 0-9. A fixed-seed split holds out 20 images per class
as the test set (200); the rest trains. Training adds one-pixel shifts as augmentation.

Run (needs the [train] extra):  nice -n 10 python3 -m mcubench.benchmarks.training.images
Writes benchmarks/suites/default/images/{digits_resnet_int8.tflite,test.npz}.
"""

import time

import numpy as np

from mcubench.benchmarks.training import common

SEED = 5
TEST_PER_CLASS = 20
OUT_DIR = common.SUITE_DIR / "images"
MODEL_NAME = "digits_resnet_int8.tflite"


def load_split(seed=SEED):
    """(x_train, y_train, x_test, y_test): float32 images in [0, 1] shaped [N, 8, 8, 1], int labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[..., None]
    y = digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test_idx = []
    for label in range(10):
        members = np.flatnonzero(y == label)
        test_idx.extend(rng.choice(members, size=TEST_PER_CLASS, replace=False).tolist())
    test_idx = np.array(sorted(test_idx))
    train_mask = np.ones(len(y), bool)
    train_mask[test_idx] = False
    return x[train_mask], y[train_mask], x[test_idx], y[test_idx]


def shifted(x, rng):
    """Each image moved by up to one pixel in each direction (zeros shifted in)."""
    out = np.zeros_like(x)
    for i, img in enumerate(x):
        dy, dx = rng.integers(-1, 2, size=2)
        out[i] = np.roll(img, (dy, dx), axis=(0, 1))
        if dy == 1:
            out[i, 0] = 0
        elif dy == -1:
            out[i, -1] = 0
        if dx == 1:
            out[i, :, 0] = 0
        elif dx == -1:
            out[i, :, -1] = 0
    return out


def build_model():
    """8x8x1 -> conv16 -> residual block (16) -> maxpool -> conv32 -> residual block (32) -> avgpool -> FC10.

    Only ops the firmware supports first: CONV_2D (ReLU fused), ADD, MAX_POOL_2D, AVERAGE_POOL_2D (global
    pooling as a 4x4 average pool, not MEAN), RESHAPE, FULLY_CONNECTED, SOFTMAX.
    """
    from tensorflow import keras
    from tensorflow.keras import layers

    inputs = keras.Input((8, 8, 1), batch_size=1)  # fixed batch: no SHAPE/PACK ops from Flatten
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    r = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
    r = layers.Conv2D(16, 3, padding="same")(r)
    x = layers.ReLU()(layers.Add()([x, r]))
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    r = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    r = layers.Conv2D(32, 3, padding="same")(r)
    x = layers.ReLU()(layers.Add()([x, r]))
    x = layers.AveragePooling2D(4)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="digits_resnet")


def committed_test_set(images, labels, input_quant):
    """The arrays of test.npz from the held-out images: quantized with the model's input quantization,
    dealt out class by class (0, 1, ..., 9, 0, ...) so any prefix mixes the classes."""
    order = common.round_robin(labels)
    return {"x": common.quantize(images[order], input_quant), "y": labels[order].astype(np.int16)}


def main(argv=None):
    args = common.training_args(__doc__, SEED, 30, OUT_DIR, argv)

    start = time.perf_counter()
    common.seed_everything(args.seed)

    x_train, y_train, x_test, y_test = load_split(args.seed)
    rng = np.random.default_rng(args.seed + 1)
    x_aug = np.concatenate([x_train] + [shifted(x_train, rng) for _ in range(3)])
    y_aug = np.concatenate([y_train] * 4)

    model = build_model()
    float_acc = common.fit_classifier(model, x_aug, y_aug, x_test, y_test, args.epochs, 2e-3)

    tflite_model = common.convert_int8(model, x_train)
    common.check_ops(tflite_model)
    in_q, _ = common.io_quant(tflite_model)
    test_set = committed_test_set(x_test, y_test, in_q)
    x_test_q, y_test = test_set["x"], test_set["y"]
    common.write_atomic(args.out / MODEL_NAME, tflite_model)
    common.save_npz_atomic(args.out / "test.npz", **test_set)

    outputs = common.interpreter_outputs(args.out / MODEL_NAME, x_test_q)
    common.print_classifier_accuracy(outputs, y_test, [str(d) for d in range(10)], float_acc)
    common.print_model_facts(tflite_model, start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
