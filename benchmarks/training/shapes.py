"""Shape recognition: a small MobileNet-style network on generated 48x48 scenes (shapes_data.py).

Run (needs the [train] extra):  nice -n 10 python3 -m mcubench.benchmarks.training.shapes
Writes benchmarks/suites/default/shapes/{shapes_mobilenet_int8.tflite,test.npz}.
"""

import time

import numpy as np

from mcubench.benchmarks.training import common
from mcubench.benchmarks.training import shapes_data as sd

SEED = 13
TRAIN_SEED, TEST_SEED = 1013, 2013
TRAIN_PER_CLASS, TEST_PER_CLASS = 1000, 34
OUT_DIR = common.SUITE_DIR / "shapes"
MODEL_NAME = "shapes_mobilenet_int8.tflite"


def build_model():
    """48x48x1 -> conv3x3/2 (16) -> [dw3x3, pw 32] -> maxpool -> [dw3x3, pw 64] -> maxpool -> [dw3x3, pw 64]
    -> avgpool 6x6 -> dense 6 -> softmax; batch norm after every convolution (folded by the converter)."""
    from tensorflow import keras
    from tensorflow.keras import layers

    def conv_bn(x, layer):
        return layers.ReLU()(layers.BatchNormalization()(layer(x)))

    inputs = keras.Input((sd.SIZE, sd.SIZE, 1), batch_size=1)
    x = conv_bn(inputs, layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False))
    for channels, pool in ((32, True), (64, True), (64, False)):
        x = conv_bn(x, layers.DepthwiseConv2D(3, padding="same", use_bias=False))
        x = conv_bn(x, layers.Conv2D(channels, 1, use_bias=False))
        if pool:
            x = layers.MaxPooling2D(2)(x)
    x = layers.AveragePooling2D(6)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(len(sd.CLASSES), activation="softmax")(x)
    return keras.Model(inputs, outputs, name="shapes_mobilenet")


def committed_test_set(images, labels, input_quant):
    """The arrays of test.npz: quantized with the model's input quantization, dealt out class by class."""
    order = common.round_robin(labels)
    return {"x": common.quantize(images[order], input_quant), "y": labels[order], "labels": np.array(sd.CLASSES)}


def main(argv=None):
    args = common.training_args(__doc__, SEED, 20, OUT_DIR, argv)

    start = time.perf_counter()
    x_train, y_train = sd.make_set(TRAIN_SEED, TRAIN_PER_CLASS)
    x_test, y_test = sd.make_set(TEST_SEED, TEST_PER_CLASS)
    data_s = time.perf_counter() - start

    common.seed_everything(args.seed)

    model = build_model()
    float_acc = common.fit_classifier(model, x_train, y_train, x_test, y_test, args.epochs, 3e-3, halve_every=7)

    tflite_model = common.convert_int8(model, x_train[np.random.default_rng(args.seed).permutation(len(x_train))])
    common.check_ops(tflite_model)
    in_q, _ = common.io_quant(tflite_model)
    test_set = committed_test_set(x_test, y_test, in_q)
    common.write_atomic(args.out / MODEL_NAME, tflite_model)
    common.save_npz_atomic(args.out / "test.npz", **test_set)

    outputs = common.interpreter_outputs(args.out / MODEL_NAME, test_set["x"])
    common.print_classifier_accuracy(outputs, test_set["y"], sd.CLASSES, float_acc)
    common.print_model_facts(tflite_model, start, data_s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
