"""Suite metrics on hand-made arrays."""

import numpy as np
import pytest

from mcubench.benchmarks.suite import roc_auc, score
from mcubench.core.errors import SuiteError


def test_top1_is_argmax_accuracy():
    outputs = np.array([[10, -5, 3], [-128, 127, 0], [0, 0, 100], [5, 6, 7]], np.int8)
    assert score("top1", outputs, np.array([0, 1, 1, 2])) == pytest.approx(0.75)
    # a batch dimension per sample does not change the result
    assert score("top1", outputs.reshape(4, 1, 3), np.array([0, 1, 2, 2])) == pytest.approx(1.0)


def test_auc_against_hand_count():
    # positives 0.8, 0.4, 0.35; negatives 0.1, 0.4, 0.5, 0.2.
    # Pairs (pos > neg, tie = 1/2): 0.8 beats 4; 0.4 beats 0.1, 0.2, ties 0.4 -> 2.5; 0.35 beats 0.1, 0.2 -> 2.
    # AUC = (4 + 2.5 + 2) / (3 * 4) = 8.5 / 12
    scores = [0.8, 0.1, 0.4, 0.4, 0.5, 0.35, 0.2]
    labels = [1, 0, 1, 0, 0, 1, 0]
    assert roc_auc(scores, labels) == pytest.approx(8.5 / 12)
    assert roc_auc([1, 2, 3, 4], [0, 0, 1, 1]) == 1.0
    assert roc_auc([1, 2, 3, 4], [1, 1, 0, 0]) == 0.0
    assert roc_auc([5, 5, 5, 5], [1, 0, 1, 0]) == 0.5


def test_auc_of_reconstruction_error_dequantized():
    # Output quantization scale 0.5, zero point 10; inputs share it unless given their own.
    inputs = np.array([[10, 12], [10, 10], [30, 30]], np.int8)
    outputs = np.array([[10, 12], [14, 10], [10, 10]], np.int8)  # errors: 0, (2^2)/2 = 2, (10^2 + 10^2)/2 = 100
    y = np.array([0, 1, 1])
    assert score("auc", outputs, y, model_output_quant=(0.5, 10), inputs=inputs) == 1.0
    assert score("auc", outputs, np.array([1, 0, 1]), model_output_quant=(0.5, 10), inputs=inputs) == 0.5
    # With its own input quantization (scale 1, zero point 0) the first sample has the largest error
    # (inputs 10, 12 vs reconstruction 0, 1), so it ranks above the second one.
    got = score("auc", outputs, np.array([1, 0, 0]), model_output_quant=(0.5, 10), inputs=inputs,
                model_input_quant=(1.0, 0))
    assert got == pytest.approx(0.5)


def test_bad_metric_use():
    with pytest.raises(SuiteError, match="unknown metric"):
        score("f1", np.zeros((2, 2), np.int8), np.array([0, 1]))
    with pytest.raises(SuiteError, match="auc"):
        score("auc", np.zeros((2, 2), np.int8), np.array([0, 1]))
    with pytest.raises(SuiteError, match="both"):
        roc_auc([1, 2], [0, 0])
