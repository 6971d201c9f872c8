"""Vibration anomaly detection: a fully connected autoencoder on log band-power features of synthetic
accelerometer signals (benchmarks/training/vibration_data.py), trained on healthy machines only.
An example is anomalous when its reconstruction error is large; the suite scores the ROC AUC of that error.

Run (needs the [train] extra):  nice -n 10 python3 -m mcubench.benchmarks.training.vibration
Writes benchmarks/suites/default/vibration/{vibration_ae_int8.tflite,test.npz}.
"""

import time

import numpy as np

from mcubench.benchmarks.suite import reconstruction_error, roc_auc
from mcubench.benchmarks.training import common
from mcubench.benchmarks.training import vibration_data as vd

SEED = 11
TRAIN_SEED, TEST_SEED = 1011, 2011      # data seeds: different machines in training and test
N_TRAIN = 2400
TEST_NORMAL, TEST_PER_FAULT = 100, 34
OUT_DIR = common.SUITE_DIR / "vibration"
MODEL_NAME = "vibration_ae_int8.tflite"


def build_model():
    """256 -> 256 -> 128 -> 16 -> 128 -> 256 -> 256 dense layers, ReLU except the linear bottleneck and output."""
    from tensorflow import keras
    from tensorflow.keras import layers

    inputs = keras.Input((vd.N_FEATURES,), batch_size=1)
    x = layers.Dense(256, activation="relu")(inputs)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dense(16)(x)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dense(256, activation="relu")(x)
    outputs = layers.Dense(vd.N_FEATURES)(x)
    return keras.Model(inputs, outputs, name="vibration_ae")


def committed_test_set(features, kind, mean, std, input_quant):
    """The arrays of test.npz from the generated test features: standardized, quantized with the model's
    input quantization, healthy and faulty alternating (faults kind by kind) so any prefix has both."""
    order = common.round_robin(kind)
    order = order[common.round_robin((kind[order] != vd.NORMAL).astype(np.int8))]
    z = (features[order] - mean) / std
    return {"x": common.quantize(z, input_quant), "y": (kind[order] != vd.NORMAL).astype(np.int8),
            "kind": kind[order], "feature_mean": mean, "feature_std": std}


def main(argv=None):
    args = common.training_args(__doc__, SEED, 60, OUT_DIR, argv)

    start = time.perf_counter()
    x_train, _ = vd.make_set(TRAIN_SEED, N_TRAIN)
    x_test, kind = vd.make_set(TEST_SEED, TEST_NORMAL, TEST_PER_FAULT)
    data_s = time.perf_counter() - start
    # Standardize each feature with the healthy training set's statistics (part of the preprocessing).
    mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 1e-3
    z_train = (x_train - mean) / std
    z_test = (x_test - mean) / std
    y_test = (kind != vd.NORMAL).astype(np.int8)

    common.seed_everything(args.seed)
    import tensorflow as tf

    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="mse")
    model.fit(z_train, z_train, epochs=args.epochs, batch_size=32, shuffle=True, verbose=2)
    float_err = np.mean((model.predict(z_test, batch_size=1, verbose=0) - z_test) ** 2, axis=1)
    float_auc = roc_auc(float_err, y_test)

    converted = common.convert_int8(model, z_train)
    common.check_ops(converted)
    in_q, out_q = common.io_quant(converted)
    # The metric compares input and reconstruction; giving the output tensor the input's scale and zero
    # point lets it do so with the output quantization alone (what the runner passes to score()).
    tflite_model = common.set_output_quant(converted, *in_q)
    test_set = committed_test_set(x_test, kind, mean, std, in_q)
    x_test_q, y_test, kind = test_set["x"], test_set["y"], test_set["kind"]
    common.write_atomic(args.out / MODEL_NAME, tflite_model)
    common.save_npz_atomic(args.out / "test.npz", **test_set)

    outputs = common.interpreter_outputs(args.out / MODEL_NAME, x_test_q)
    err = reconstruction_error(outputs, x_test_q, in_q)
    print(f"input quant {in_q}  converter's output quant {out_q} (replaced by the input's)")
    print(f"float AUC {float_auc:.4f}  int8 interpreter AUC {roc_auc(err, y_test):.4f}")
    for k in (vd.OUTER_RACE, vd.INNER_RACE, vd.UNBALANCE):
        sel = (kind == vd.NORMAL) | (kind == k)
        print(f"  AUC normal vs {vd.KIND_NAMES[k]}: {roc_auc(err[sel], y_test[sel]):.4f}")
    common.print_model_facts(tflite_model, start, data_s)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
