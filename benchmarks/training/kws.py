"""Keyword spotting: a small DS-CNN on MFCCs of keywords synthesized with espeak-ng (kws_data.py, mfcc.py).

Run (needs the [train] extra and espeak-ng):  nice -n 10 python3 -m mcubench.benchmarks.training.kws
Writes benchmarks/suites/default/kws/{kws_dscnn_int8.tflite,test.npz}.
"""

import time

import numpy as np

from mcubench.benchmarks.training import common
from mcubench.benchmarks.training import kws_data as kd

SEED = 7
TRAIN_SEED, TEST_SEED = 1007, 2007
TRAIN_PER_CLASS, TEST_PER_CLASS = 350, 17
CHANNELS, BLOCKS = 32, 4
OUT_DIR = common.SUITE_DIR / "kws"
MODEL_NAME = "kws_dscnn_int8.tflite"


def build_model(channels=CHANNELS, blocks=BLOCKS):
    """DS-CNN (Zhang et al., "Hello Edge", 2017, the small variant's shape): conv 10x4 stride 2 -> blocks of
    [depthwise 3x3, pointwise 1x1], each with batch norm (folded by the converter) and ReLU -> average pool
    over the whole 25x5 map -> dense 12 -> softmax."""
    from tensorflow import keras
    from tensorflow.keras import layers

    inputs = keras.Input((49, 10, 1), batch_size=1)
    x = layers.Conv2D(channels, (10, 4), strides=(2, 2), padding="same", use_bias=False)(inputs)
    x = layers.ReLU()(layers.BatchNormalization()(x))
    for _ in range(blocks):
        x = layers.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
        x = layers.ReLU()(layers.BatchNormalization()(x))
        x = layers.Conv2D(channels, 1, use_bias=False)(x)
        x = layers.ReLU()(layers.BatchNormalization()(x))
    x = layers.AveragePooling2D((25, 5))(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(len(kd.LABELS), activation="softmax")(x)
    return keras.Model(inputs, outputs, name="kws_dscnn")


def committed_test_set(mfccs, labels, mean, std, input_quant):
    """The arrays of test.npz from the generated test MFCCs: standardized, quantized with the model's input
    quantization, dealt out class by class so any prefix mixes the classes."""
    order = common.round_robin(labels)
    z = ((mfccs[order] - mean) / std)[..., None]
    return {"x": common.quantize(z, input_quant), "y": labels[order], "mfcc_mean": mean, "mfcc_std": std,
            "labels": np.array(kd.LABELS)}


def main(argv=None):
    args = common.training_args(__doc__, SEED, 30, OUT_DIR, argv)

    start = time.perf_counter()
    x_train, y_train = kd.make_set(TRAIN_SEED, TRAIN_PER_CLASS, "train")
    x_test, y_test = kd.make_set(TEST_SEED, TEST_PER_CLASS, "test")
    data_s = time.perf_counter() - start
    # Standardize each MFCC coefficient with the training set's statistics (part of the front end).
    mean, std = x_train.mean(axis=(0, 1)), x_train.std(axis=(0, 1))
    z_train = ((x_train - mean) / std)[..., None]
    z_test = ((x_test - mean) / std)[..., None]

    common.seed_everything(args.seed)

    model = build_model()
    float_acc = common.fit_classifier(model, z_train, y_train, z_test, y_test, args.epochs, 3e-3, halve_every=10)

    tflite_model = common.convert_int8(model, z_train[np.random.default_rng(args.seed).permutation(len(z_train))])
    common.check_ops(tflite_model)
    in_q, _ = common.io_quant(tflite_model)
    test_set = committed_test_set(x_test, y_test, mean, std, in_q)
    x_test_q, y_test = test_set["x"], test_set["y"]
    common.write_atomic(args.out / MODEL_NAME, tflite_model)
    common.save_npz_atomic(args.out / "test.npz", **test_set)

    outputs = common.interpreter_outputs(args.out / MODEL_NAME, x_test_q)
    common.print_classifier_accuracy(outputs, y_test, kd.LABELS, float_acc)
    common.print_model_facts(tflite_model, start, data_s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
