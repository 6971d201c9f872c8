"""Validation of the device timing models against published silicon figures (`mcubench validate`).

Each reference is a program the project writes and runs (a microbenchmark of one mechanism: taken branch,
load pairing, multiply-accumulate, divide, ...) plus a figure measured on real silicon, or stated exactly by
the core's technical reference manual, with its full source, and its relation to the model: independent
(the model's rule was not taken from that source: validation) or informed (it was: consistency). The
validation record holds the predicted and published figures and per device the mean absolute error over
each kind; the committed one (baseline.json) is what `mcubench devices`, results records and reports quote
as each device's trust. CoreMark and Embench-IoT are never used here: they stay an independent check of the
models.
"""
