#!/usr/bin/python3
"""numpy reference timing for bench_mfcc: librosa 0.10's mfcc() algorithm
(librosa itself is not installed) with numpy only, on the fixture waveforms
(y.npy of the *__a_default cases, i.e. already decoded and resampled), timed
the same way as bench_mfcc's "features only" row: repeated to ~300 s of audio,
one thread, median of several runs. Also prints the error against librosa's
mfcc_f32.npy so the timing is of a faithful implementation.

Usage: /usr/bin/python3 bench_mfcc_numpy.py [FIXTURES_DIR/mfcc] [--seconds S] [--runs N]
"""
import glob
import os
import sys
import time

import numpy as np


def hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= 1000.0, min_log_mel + np.log(np.maximum(f, 1e-300) / 1000.0) / logstep, mels)


def mel_to_hz(m):
    f_sp = 200.0 / 3
    min_log_mel = 1000.0 / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, 1000.0 * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_basis(sr, n_fft, n_mels):
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    for i in range(n_mels):
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    weights *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, np.newaxis]
    return weights


def dct_ortho(n_out, n):
    k = np.arange(n_out)[:, None]
    m = np.arange(n)[None, :]
    d = 2.0 * np.cos(np.pi * k * (2 * m + 1) / (2.0 * n))
    d[0] *= np.sqrt(1.0 / (4 * n))
    d[1:] *= np.sqrt(1.0 / (2 * n))
    return d.astype(np.float32)


def mfcc(y, sr=22050, n_fft=2048, hop=512, n_mels=128, n_mfcc=20):
    # Nothing is cached between calls, as in librosa (its cache is off by default).
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    padded = np.pad(y, n_fft // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    stft = np.fft.rfft(frames * window, axis=-1).astype(np.complex64)
    power = (np.abs(stft) ** 2).T
    mel = np.einsum("ft,mf->mt", power, mel_basis(sr, n_fft, n_mels), optimize=True)
    db = 10.0 * np.log10(np.maximum(1e-10, mel))
    db = np.maximum(db, db.max() - 80.0)
    return dct_ortho(n_mfcc, n_mels) @ db


def main():
    args = sys.argv[1:]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mfcc")
    seconds, runs = 300.0, 5
    i = 0
    while i < len(args):
        if args[i] == "--seconds":
            seconds = float(args[i + 1]); i += 2
        elif args[i] == "--runs":
            runs = int(args[i + 1]); i += 2
        else:
            root = args[i]; i += 1
    cases = sorted(glob.glob(os.path.join(root, "*__a_default")))
    if not cases:
        sys.exit("no *__a_default cases under " + root)
    waves = [np.load(os.path.join(c, "y.npy")) for c in cases]
    for c, y in zip(cases, waves):
        expected = np.load(os.path.join(c, "mfcc_f32.npy"))
        print("%s: max |numpy - librosa| = %.2e" % (os.path.basename(c), np.max(np.abs(mfcc(y) - expected))))
    round_seconds = sum(len(y) for y in waves) / 22050.0
    repeats = int(np.ceil(seconds / round_seconds))
    total = round_seconds * repeats
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(repeats):
            for y in waves:
                mfcc(y)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    w, c = float(np.median(wall)), float(np.median(cpu))
    print("%d calls, %.1f s of audio, median of %d runs (numpy %s)" % (repeats * len(waves), total, runs, np.__version__))
    print("  numpy librosa-equivalent MFCC, features only: %.3f s wall %8.0f x real time %7.1f files/s | "
          "%.3f s CPU %8.0f x real time per core" % (w, total / w, repeats * len(waves) / w, c, total / c))


if __name__ == "__main__":
    main()
