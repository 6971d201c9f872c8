"""The suite's data generators are deterministic for a seed and produce what their docs say."""

import numpy as np
import pytest

from mcubench.benchmarks.training import kws_data as kd
from mcubench.benchmarks.training import mfcc as mf
from mcubench.benchmarks.training import shapes_data as sd
from mcubench.benchmarks.training import vibration_data as vd


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


# ---- shapes ----


def test_shapes_set_is_deterministic_and_the_shape_is_visible():
    a, ya = sd.make_set(3, 2)
    b, yb = sd.make_set(3, 2)
    assert a.shape == (2 * len(sd.CLASSES), sd.SIZE, sd.SIZE, 1) and a.dtype == np.float32
    assert np.array_equal(a, b) and np.array_equal(ya, yb) and not np.array_equal(a, sd.make_set(4, 2)[0])
    assert 0.0 <= a.min() and a.max() <= 1.0


def test_shape_masks_have_the_expected_area():
    # Area of each mask against geometry: circle pi r^2, square 2 r^2 (circumradius r), triangle
    # (3 sqrt(3) / 4) r^2. The radius is the first draw of _shape_mask, so a twin generator reads it.
    for name, area in (("circle", np.pi), ("square", 2.0), ("triangle", 3 * np.sqrt(3) / 4)):
        rng = np.random.default_rng(11)
        twin = np.random.default_rng(11)
        mask = sd._shape_mask(sd.CLASSES.index(name), rng)
        radius = twin.uniform(6.0, 15.0)
        measured = mask.sum() / sd.SUPER ** 2
        assert abs(measured - area * radius ** 2) < 0.03 * area * radius ** 2, name


# ---- keyword spotting: MFCC front end and espeak-ng clips ----


needs_espeak = pytest.mark.skipif(not kd.espeak_available(), reason="espeak-ng is not installed")


def test_mfcc_shape_and_dct_is_orthonormal():
    assert mf.mfcc(np.zeros(mf.SAMPLE_RATE)).shape == (49, 10)
    full = mf.dct_matrix(mf.N_MEL, mf.N_MEL)
    assert np.allclose(full @ full.T, np.eye(mf.N_MEL))


def test_mel_filters_peak_where_a_tone_lands():
    # A 1 kHz tone puts most filter-bank energy into the filter whose centre is nearest 1 kHz on the mel scale.
    t = np.arange(mf.SAMPLE_RATE) / mf.SAMPLE_RATE
    frame = mf.frames(np.sin(2 * np.pi * 1000 * t))[0] * np.hanning(mf.FRAME_LENGTH)
    energies = mf.mel_filterbank() @ (np.abs(np.fft.rfft(frame, mf.FFT_LENGTH)) ** 2)
    centers = mf.mel_to_hz(np.linspace(mf.hz_to_mel(mf.MEL_LO_HZ), mf.hz_to_mel(mf.MEL_HI_HZ), mf.N_MEL + 2))[1:-1]
    assert np.argmax(energies) == np.argmin(np.abs(centers - 1000))


def test_resample_keeps_a_tone():
    t = np.arange(22050) / 22050
    y = kd.resample(np.sin(2 * np.pi * 440 * t), 22050, 16000)
    assert len(y) == 16000
    assert np.argmax(np.abs(np.fft.rfft(y))) == 440
    assert np.allclose(y[1000:15000], np.sin(2 * np.pi * 440 * np.arange(16000) / 16000)[1000:15000], atol=1e-3)


@pytest.mark.slow
@needs_espeak
def test_kws_set_is_deterministic_for_a_seed():
    a, ya = kd.make_set(5, 1, "test")
    b, yb = kd.make_set(5, 1, "test")
    c, _ = kd.make_set(6, 1, "test")
    assert a.shape == (len(kd.LABELS), 49, 10) and list(ya) == list(range(len(kd.LABELS)))
    assert np.array_equal(a, b) and np.array_equal(ya, yb)
    assert not np.array_equal(a, c)


@needs_espeak
def test_every_voice_variant_changes_the_sound():
    # Guards against espeak-ng silently ignoring a variant (it does for "en-gb+<variant>").
    base = {voice: kd.synthesize("stop", voice, "m1", 160, 50) for voice in kd.TRAIN_VOICES + kd.TEST_VOICES}
    for voice, reference in base.items():
        other = kd.synthesize("stop", voice, "f2", 160, 50)
        assert len(other) != len(reference) or not np.allclose(other, reference), voice
