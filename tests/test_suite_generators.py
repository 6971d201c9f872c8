"""The suite's data generators are deterministic for a seed and produce what their docs say."""

import numpy as np

from benchmarks.training import vibration_data as vd


def test_vibration_set_is_deterministic_for_a_seed():
    a, ka = vd.make_set(7, 3, 1)
    b, kb = vd.make_set(7, 3, 1)
    c, _ = vd.make_set(8, 3, 1)
    assert a.shape == (6, vd.N_FEATURES) and a.dtype == np.float32
    assert np.array_equal(a, b) and np.array_equal(ka, kb)
    assert list(ka) == [vd.NORMAL] * 3 + [vd.OUTER_RACE, vd.INNER_RACE, vd.UNBALANCE]
    assert not np.array_equal(a, c)


def test_bearing_defect_frequencies_of_a_6205():
    # SKF 6205: 9 balls, d = 7.94 mm, D = 39.04 mm -> BPFO 3.585 and BPFI 5.415 times shaft speed
    assert abs(vd.BPFO_PER_REV - 3.585) < 1e-3 and abs(vd.BPFI_PER_REV - 5.415) < 1e-3


def test_outer_race_defect_shows_its_impact_rate_in_the_envelope():
    # The envelope spectrum of a severe outer-race defect peaks at BPFO (the classic diagnosis).
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    x = vd.machine_signal(rng, vd.OUTER_RACE, severity=1.0)
    rng.bit_generator.state = state
    f_r = rng.uniform(20.0, 40.0)  # the first draw of machine_signal is the shaft speed
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1 / vd.FS_HZ)
    band = (freqs > 2000) & (freqs < 3600)  # around the casing resonance
    analytic = np.fft.irfft(np.where(band, 2 * spectrum, 0), len(x))
    envelope = np.abs(analytic + 1j * np.fft.irfft(np.where(band, -2j * spectrum, 0), len(x)))
    env_spec = np.abs(np.fft.rfft(envelope - envelope.mean()))
    low = (freqs > 5) & (freqs < 400)
    peak = freqs[low][np.argmax(env_spec[low])]
    assert abs(peak - vd.BPFO_PER_REV * f_r) < 3.0, (peak, vd.BPFO_PER_REV * f_r)


def test_band_edges_cover_the_spectrum_in_order():
    edges = vd.band_edges()
    assert len(edges) == vd.N_BANDS + 1 and np.all(np.diff(edges) >= 1)
    assert edges[-1] == vd.FRAME // 2
