"""Spoken keywords synthesized offline with espeak-ng, with background noise, as 1 s clips at 16 kHz.

Honest note: these are formant-synthesized voices, not people. Variety comes from espeak-ng's accents
(voices), voice variants (male/female/klatt timbres), speaking rate and pitch, random placement inside the
second, random gain and additive noise (white, pink, brown, mains hum) at random signal-to-noise ratios.
The test set uses accents and voice variants that never occur in training, so it measures generalisation
to unseen synthetic speakers, not to human speech.

Classes: the ten keywords of the Speech Commands task, then "silence" (noise only) and "unknown"
(other words, a few of them near-misses of the keywords).
"""

import io
import shutil
import subprocess
import wave

import numpy as np

from mcubench.benchmarks.training.mfcc import SAMPLE_RATE

KEYWORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
LABELS = KEYWORDS + ["silence", "unknown"]
SILENCE, UNKNOWN = LABELS.index("silence"), LABELS.index("unknown")
UNKNOWN_WORDS = [
    "bed", "bird", "cat", "dog", "eight", "five", "four", "happy", "house", "marvin", "nine", "one", "seven",
    "sheila", "six", "three", "tree", "two", "wow", "zero", "learn", "follow", "forward", "backward", "visual",
    "yet", "know", "cup", "town", "lift", "write", "stock", "goat", "often", "done",
]

# Voices (accents) and variants: the test split gets ones that training never hears. ("en" is espeak-ng's
# British English; its alias "en-gb" silently ignores the +variant suffix in espeak-ng 1.51.)
TRAIN_VOICES = ["en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan"]
TEST_VOICES = ["en-us-nyc", "en-gb-x-gbcwmd"]
TRAIN_VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m8", "f1", "f2", "f3", "klatt", "klatt2", "klatt4", "Alex", "Alicia",
                  "Andrea", "Andy", "adam", "anika", "antonio", "belinda", "benjamin", "boris", "caleb", "croak",
                  "Denis", "ed", "edward", "Gene", "gustave", "Hugo", "iven", "Jacky", "john", "Lee", "linda",
                  "marcelo", "max", "Michael", "miguel", "Mike", "Nguyen", "pablo", "paul", "quincy", "rob",
                  "robert", "steph", "zac"]
TEST_VARIANTS = ["m6", "m7", "f4", "f5", "klatt3", "aunty", "david", "Annie"]

SPEED_WPM = (110, 210)
PITCH = (20, 80)
SNR_DB = (5.0, 30.0)
CLIP = SAMPLE_RATE  # 1 s


def espeak_available():
    return shutil.which("espeak-ng") is not None


def synthesize(word, voice, variant, speed, pitch):
    """espeak-ng's rendering of `word` as float64 samples at 16 kHz (full scale 1.0)."""
    out = subprocess.run(
        ["espeak-ng", "-v", f"{voice}+{variant}", "-s", str(speed), "-p", str(pitch), "--stdout", word],
        capture_output=True, check=True,
    )
    with wave.open(io.BytesIO(out.stdout)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    return resample(pcm, rate, SAMPLE_RATE)


def resample(x, rate_in, rate_out):
    """Band-limited resampling by truncating (or zero-extending) the spectrum."""
    if rate_in == rate_out:
        return x
    n_out = int(round(len(x) * rate_out / rate_in))
    spectrum = np.fft.rfft(x)
    keep = min(len(spectrum), n_out // 2 + 1)
    out = np.zeros(n_out // 2 + 1, dtype=complex)
    out[:keep] = spectrum[:keep]
    return np.fft.irfft(out, n_out) * (n_out / len(x))


def active_part(x, threshold=0.02):
    """The samples between the first and the last one whose 10 ms RMS exceeds threshold x peak RMS."""
    hop = SAMPLE_RATE // 100
    n = len(x) // hop
    if n == 0:
        return x
    rms = np.sqrt(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1))
    loud = np.flatnonzero(rms > threshold * rms.max())
    if len(loud) == 0:
        return x
    return x[loud[0] * hop: (loud[-1] + 1) * hop]


def noise(rng, n):
    """Unit-RMS background noise of a random kind: white, pink (1/f), brown (1/f^2) or mains hum."""
    kind = rng.integers(4)
    if kind == 3:
        t = np.arange(n) / SAMPLE_RATE
        mains = rng.choice([50.0, 60.0])
        x = sum(rng.uniform(0.2, 1.0) / h * np.sin(2 * np.pi * mains * h * t + rng.uniform(0, 2 * np.pi))
                for h in range(1, 8))
        x = x + 0.3 * rng.standard_normal(n)
    else:
        spectrum = np.fft.rfft(rng.standard_normal(n))
        f = np.maximum(np.fft.rfftfreq(n, 1 / SAMPLE_RATE), 20.0)
        x = np.fft.irfft(spectrum / f ** (kind / 2.0), n)
    return x / np.sqrt(np.mean(x ** 2))


def clip(rng, label, split):
    """One 1 s float clip of class `label` for split 'train' or 'test'."""
    voices = TRAIN_VOICES if split == "train" else TEST_VOICES
    variants = TRAIN_VARIANTS if split == "train" else TEST_VARIANTS
    level = 10 ** rng.uniform(-1.5, -0.3)  # peak of the speech, -30..-6 dBFS
    if label == SILENCE:
        return 10 ** rng.uniform(-4.0, -1.5) * noise(rng, CLIP)
    word = LABELS[label] if label < len(KEYWORDS) else UNKNOWN_WORDS[rng.integers(len(UNKNOWN_WORDS))]
    speech = active_part(synthesize(word, voices[rng.integers(len(voices))], variants[rng.integers(len(variants))],
                                    int(rng.integers(*SPEED_WPM)), int(rng.integers(*PITCH))))
    if len(speech) > CLIP:  # very slow long words: keep the middle second
        start = (len(speech) - CLIP) // 2
        speech = speech[start:start + CLIP]
    out = np.zeros(CLIP)
    offset = int(rng.integers(0, CLIP - len(speech) + 1))
    out[offset:offset + len(speech)] = speech * (level / max(np.abs(speech).max(), 1e-9))
    speech_rms = np.sqrt(np.mean(speech ** 2)) * level / max(np.abs(speech).max(), 1e-9)
    snr_db = rng.uniform(*SNR_DB)
    return out + speech_rms / 10 ** (snr_db / 20) * noise(rng, CLIP)


def make_set(seed, per_class, split):
    """(mfcc float32 [N, 49, 10], labels int8 [N]): per_class clips of each of the 12 classes, in class order.
    The same seed, split and espeak-ng version give the same arrays."""
    from mcubench.benchmarks.training.mfcc import mfcc

    rng = np.random.default_rng(seed)
    labels = [label for label in range(len(LABELS)) for _ in range(per_class)]
    x = np.stack([mfcc(clip(rng, label, split)) for label in labels])
    return x, np.array(labels, dtype=np.int8)
