"""MFCC features in numpy (the keyword-spotting front end), written for this project.

Parameters (the common TinyML keyword-spotting choice, as in the MLPerf Tiny DS-CNN's 49 x 10 input):
16 kHz audio, 1 s clips; 40 ms Hann-windowed frames every 20 ms (49 frames); 1024-point power spectrum;
40 triangular mel filters between 20 Hz and 4000 Hz on the HTK mel scale, mel(f) = 2595 log10(1 + f/700);
natural log of each filter's energy (plus 1e-6); orthonormal DCT-II of the 40 log energies, first 10
coefficients kept (c0 included). No pre-emphasis, no liftering, no per-clip normalisation.
"""

import numpy as np

SAMPLE_RATE = 16000
FRAME_LENGTH = 640      # 40 ms
FRAME_STEP = 320        # 20 ms
FFT_LENGTH = 1024
N_MEL = 40
MEL_LO_HZ, MEL_HI_HZ = 20.0, 4000.0
N_MFCC = 10
LOG_FLOOR = 1e-6


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(n_mel=N_MEL, fft_length=FFT_LENGTH, sample_rate=SAMPLE_RATE, lo=MEL_LO_HZ, hi=MEL_HI_HZ):
    """[n_mel, fft_length // 2 + 1] triangular filters, peak 1, spaced evenly in mel."""
    centers_hz = mel_to_hz(np.linspace(hz_to_mel(lo), hz_to_mel(hi), n_mel + 2))
    bin_hz = np.arange(fft_length // 2 + 1) * sample_rate / fft_length
    bank = np.zeros((n_mel, len(bin_hz)))
    for i in range(n_mel):
        left, center, right = centers_hz[i:i + 3]
        rising = (bin_hz - left) / (center - left)
        falling = (right - bin_hz) / (right - center)
        bank[i] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


def dct_matrix(n_out=N_MFCC, n_in=N_MEL):
    """Orthonormal DCT-II rows: c_k = s_k sum_n x_n cos(pi k (2n + 1) / (2 n_in))."""
    n = np.arange(n_in)
    k = np.arange(n_out)[:, None]
    m = np.cos(np.pi * k * (2 * n + 1) / (2 * n_in)) * np.sqrt(2.0 / n_in)
    m[0] /= np.sqrt(2.0)
    return m


_BANK = mel_filterbank()
_DCT = dct_matrix()
_WINDOW = np.hanning(FRAME_LENGTH)


def frames(signal):
    """[n_frames, FRAME_LENGTH] overlapping frames (no padding): 49 for a 1 s clip at 16 kHz."""
    signal = np.asarray(signal, dtype=np.float64)
    n = 1 + (len(signal) - FRAME_LENGTH) // FRAME_STEP
    index = np.arange(FRAME_LENGTH)[None, :] + FRAME_STEP * np.arange(n)[:, None]
    return signal[index]


def mfcc(signal):
    """[n_frames, N_MFCC] float32 MFCCs of a 16 kHz signal (float, full scale 1.0)."""
    power = np.abs(np.fft.rfft(frames(signal) * _WINDOW, n=FFT_LENGTH, axis=1)) ** 2
    log_mel = np.log(power @ _BANK.T + LOG_FLOOR)
    return (log_mel @ _DCT.T).astype(np.float32)
