"""Synthetic accelerometer signals of a rotating machine (a motor on rolling bearings), healthy or faulty,
and the log band-power features the anomaly-detection autoencoder sees. numpy only, fixed seeds.

The physics, in short (the usual vibration-analysis picture, e.g. R. B. Randall, "Vibration-based
Condition Monitoring", Wiley 2011, chapters 2 and 5):
- A rotor turning at f_r shows a component at 1x f_r from residual unbalance, whose force grows with the
  square of speed (F = m e (2 pi f_r)^2), and smaller ones at 2x and 3x from misalignment and asymmetry.
- A fan or gear with Z blades/teeth adds a component at Z x f_r with sidebands at +-f_r.
- The casing has a structural resonance f_n (a few kHz, light damping) that random forces excite:
  a broad hump in the spectrum. The sensor adds white noise.
- A local defect on a bearing race makes an impact each time a rolling element passes it. Each impact
  rings the structural resonance, so the spectrum gains energy around f_n, modulated at the defect
  frequency. For a bearing with n balls, ball diameter d, pitch diameter D and contact angle phi:
      BPFO = n/2 f_r (1 - d/D cos phi)   (outer race, fixed: impacts of constant strength)
      BPFI = n/2 f_r (1 + d/D cos phi)   (inner race, turns with the shaft: impact strength modulated
                                          at f_r as the defect passes through the load zone)
  The geometry is the SKF 6205-2RS deep-groove ball bearing (n = 9, d = 7.94 mm, D = 39.04 mm, phi = 0),
  which gives BPFO = 3.585 f_r and BPFI = 5.415 f_r. Rolling elements slip, so impact spacing jitters by
  about 1-2 %.
- Unbalance as a fault: the 1x component several times its healthy level.

Healthy machines vary in speed, load, residual unbalance, blade-pass level, resonance frequency and
noise; faults vary in severity from barely visible to obvious, so detection is not trivial.
"""

import numpy as np

FS_HZ = 8192            # accelerometer sampling rate
FRAME = 1024            # samples per spectral frame (125 ms, 8 Hz bins)
FRAMES = 4              # consecutive frames per example (0.5 s of signal)
N_BANDS = 64            # log-spaced bands per frame
BAND_LO_HZ, BAND_HI_HZ = 12.0, 4096.0
N_FEATURES = FRAMES * N_BANDS

BALLS, BALL_D_MM, PITCH_D_MM = 9, 7.94, 39.04
BPFO_PER_REV = BALLS / 2 * (1 - BALL_D_MM / PITCH_D_MM)   # 3.585
BPFI_PER_REV = BALLS / 2 * (1 + BALL_D_MM / PITCH_D_MM)   # 5.415
BLADES = 7

NORMAL, OUTER_RACE, INNER_RACE, UNBALANCE = 0, 1, 2, 3
KIND_NAMES = {NORMAL: "normal", OUTER_RACE: "outer-race defect", INNER_RACE: "inner-race defect",
              UNBALANCE: "unbalance"}


def _ringing(fn_hz, zeta, n):
    """Impulse response of the lightly damped structural resonance (unit peak)."""
    t = np.arange(n) / FS_HZ
    wn = 2 * np.pi * fn_hz
    h = np.exp(-zeta * wn * t) * np.sin(wn * np.sqrt(1 - zeta ** 2) * t)
    return h / np.abs(h).max()


def _resonant_noise(rng, n, fn_hz, zeta):
    """White noise shaped by the resonance's magnitude response |H(f)| (normalised to unit RMS)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    r = np.fft.rfftfreq(n, 1 / FS_HZ) / fn_hz
    h = 1 / np.sqrt((1 - r ** 2) ** 2 + (2 * zeta * r) ** 2)
    x = np.fft.irfft(spectrum * h, n)
    return x / x.std()


def _impacts(rng, n, rate_hz, strength, fn_hz, zeta):
    """Impacts at rate_hz with 1.5 % slip jitter, each ringing the resonance; strength(t) scales each."""
    times, t = [], rng.uniform(0, 1 / rate_hz)
    while t < n / FS_HZ:
        times.append(t)
        t += (1 / rate_hz) * (1 + rng.normal(0, 0.015))
    train = np.zeros(n)
    idx = np.round(np.array(times) * FS_HZ).astype(int)
    idx = idx[idx < n]
    train[idx] = strength(idx / FS_HZ) * rng.uniform(0.8, 1.2, size=len(idx))
    ring = _ringing(fn_hz, zeta, int(0.03 * FS_HZ))
    return np.convolve(train, ring)[:n]


def machine_signal(rng, kind=NORMAL, severity=0.0):
    """One 0.5 s acceleration record in g of a machine of the given kind; severity in [0, 1]."""
    n = FRAME * FRAMES
    t = np.arange(n) / FS_HZ
    f_r = rng.uniform(20.0, 40.0)                       # 1200-2400 rpm
    speed_wobble = 1 + 0.003 * np.sin(2 * np.pi * rng.uniform(0.5, 2) * t + rng.uniform(0, 2 * np.pi))
    phase = 2 * np.pi * np.cumsum(f_r * speed_wobble) / FS_HZ
    load = rng.uniform(0.8, 1.2)
    fn = rng.uniform(2600.0, 3000.0)                    # casing resonance
    zeta = rng.uniform(0.03, 0.06)

    unbalance = rng.uniform(0.05, 0.15) * (f_r / 30.0) ** 2   # grows with speed squared
    if kind == UNBALANCE:
        unbalance *= 2.5 + 4.0 * severity
    x = unbalance * np.sin(phase + rng.uniform(0, 2 * np.pi))
    x += load * rng.uniform(0.02, 0.06) * np.sin(2 * phase + rng.uniform(0, 2 * np.pi))
    x += load * rng.uniform(0.005, 0.02) * np.sin(3 * phase + rng.uniform(0, 2 * np.pi))
    blade = load * rng.uniform(0.03, 0.08)
    blade_phase = rng.uniform(0, 2 * np.pi)
    x += blade * np.sin(BLADES * phase + blade_phase)
    x += 0.3 * blade * np.sin((BLADES - 1) * phase + blade_phase) + 0.3 * blade * np.sin((BLADES + 1) * phase)
    x += load * rng.uniform(0.02, 0.04) * _resonant_noise(rng, n, fn, zeta)
    x += rng.uniform(0.01, 0.02) * rng.standard_normal(n)   # sensor noise

    if kind in (OUTER_RACE, INNER_RACE):
        impact = load * (0.05 + 0.25 * severity)
        if kind == OUTER_RACE:
            x += _impacts(rng, n, BPFO_PER_REV * f_r, lambda s: impact, fn, zeta)
        else:
            shaft_phase = rng.uniform(0, 2 * np.pi)

            def load_zone(s):
                return impact * (0.6 + 0.4 * np.cos(2 * np.pi * f_r * s + shaft_phase))

            x += _impacts(rng, n, BPFI_PER_REV * f_r, load_zone, fn, zeta)
    return x


def band_edges():
    """FFT-bin edges of the log-spaced bands (each band at least one bin wide)."""
    df = FS_HZ / FRAME
    edges = np.floor(np.geomspace(BAND_LO_HZ, BAND_HI_HZ, N_BANDS + 1) / df).astype(int)
    for i in range(1, len(edges)):
        edges[i] = max(edges[i], edges[i - 1] + 1)
    return edges


def features(signal):
    """log10 mean power per log-spaced band of each Hann-windowed frame, flattened: [FRAMES * N_BANDS]."""
    frames = signal[: FRAME * FRAMES].reshape(FRAMES, FRAME) * np.hanning(FRAME)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2 / FRAME
    edges = band_edges()
    bands = np.stack([power[:, lo:hi].mean(axis=1) for lo, hi in zip(edges[:-1], edges[1:])], axis=1)
    return np.log10(bands + 1e-10).reshape(-1).astype(np.float32)


def make_set(seed, n_normal, n_per_fault=0):
    """(features float32 [N, N_FEATURES], kind int8 [N]): n_normal healthy records, then n_per_fault of each
    fault kind with severity uniform in [0, 1]. The same seed always gives the same arrays."""
    rng = np.random.default_rng(seed)
    kinds = [NORMAL] * n_normal + [k for k in (OUTER_RACE, INNER_RACE, UNBALANCE) for _ in range(n_per_fault)]
    x = np.stack([features(machine_signal(rng, k, rng.uniform(0, 1) if k != NORMAL else 0.0)) for k in kinds])
    return x, np.array(kinds, dtype=np.int8)
