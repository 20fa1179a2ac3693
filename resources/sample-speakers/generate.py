#!/usr/bin/python3
"""Generates the sample multi-speaker WAV dataset with espeak-ng.

Each espeak-ng voice + variant + pitch combination is one "speaker". Every
speaker says the same short training sentences and a few held-out validation
sentences, written as 16 kHz mono 16-bit WAV:

    <out>/base/train/<speaker>/sNN.wav   many speakers: the base set
    <out>/base/val/<speaker>/sNN.wav
    <out>/new/train/<speaker>/sNN.wav    different voices/variants: the new set
    <out>/new/val/<speaker>/sNN.wav

Needs only espeak-ng and Debian's python3-numpy (run with /usr/bin/python3).
The output is deterministic: the same espeak-ng version gives the same bytes.
"""

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np

TRAIN_SENTENCES = [
    "Open the door.",
    "Lights on.",
    "Good morning.",
    "Where is it?",
    "Call me soon.",
]
VAL_SENTENCES = [
    "Thank you.",
    "Close it.",
]

# Base and new sets use disjoint voices and variants, so the new speakers are
# really new to a model trained on the base set. Voice names are ones whose
# "+variant" espeak-ng honours ("en-gb" silently ignores it; generate_set checks).
SETS = {
    "base": {
        "voices": ["en", "en-us", "en-gb-scotland"],
        "variants": ["m3", "f2", "klatt"],
        "pitches": [30, 70],
    },
    "new": {
        "voices": ["en-029", "en-gb-x-rp"],
        "variants": ["m7", "f4", "Andy"],
        "pitches": [50],
    },
}

TARGET_RATE = 16000
SPEED_WPM = 210
SILENCE_THRESHOLD = 200  # int16 units; espeak-ng pads utterances with digital silence
KEEP_SILENCE_S = 0.04
# espeak-ng speaks near full scale and the resampler overshoots a little;
# -6 dB keeps every sample inside int16 (write_wav refuses to clip).
OUTPUT_GAIN = 0.5


def speaker_name(voice, variant, pitch):
    return f"{voice}_{variant.lower()}_p{pitch}"


def synthesize(voice, variant, pitch, text, workdir):
    path = os.path.join(workdir, "tts.wav")
    subprocess.run(
        ["espeak-ng", "-v", f"{voice}+{variant}", "-p", str(pitch), "-s", str(SPEED_WPM), "-w", path, text],
        check=True,
    )
    with wave.open(path, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise RuntimeError(f"espeak-ng wrote an unexpected format to {path}")
        rate = w.getframerate()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    return samples, rate


def trim_silence(samples, rate):
    loud = np.nonzero(np.abs(samples) * 32768.0 > SILENCE_THRESHOLD)[0]
    if loud.size == 0:
        return samples
    keep = int(KEEP_SILENCE_S * rate)
    return samples[max(loud[0] - keep, 0): min(loud[-1] + keep + 1, samples.size)]


def resample(samples, rate_in, rate_out):
    """Kaiser-windowed sinc interpolation, low-passed below the output Nyquist rate."""
    if rate_in == rate_out:
        return samples
    cutoff = 0.45 * min(rate_in, rate_out)  # Hz, leaves a transition band below Nyquist
    zero_crossings = 24
    half_width = int(np.ceil(zero_crossings * rate_in / (2.0 * cutoff)))
    count = int(np.floor(samples.size * rate_out / rate_in))
    positions = np.arange(count) * (rate_in / rate_out)
    base = np.floor(positions).astype(np.int64)
    offsets = np.arange(-half_width + 1, half_width + 1)
    taps = base[:, None] + offsets[None, :]
    distance = positions[:, None] - taps
    scale = 2.0 * cutoff / rate_in
    # The Kaiser window is evaluated continuously at the fractional distance.
    beta = 8.0
    ratio = np.clip(distance / half_width, -1.0, 1.0)
    kernel = scale * np.sinc(scale * distance) * np.i0(beta * np.sqrt(1.0 - ratio**2)) / np.i0(beta)
    valid = (taps >= 0) & (taps < samples.size)
    gathered = np.where(valid, samples[np.clip(taps, 0, samples.size - 1)], 0.0)
    return (gathered * kernel).sum(axis=1)


def write_wav(path, samples, rate):
    scaled = np.round(samples * OUTPUT_GAIN * 32767.0)
    if np.abs(scaled).max() > 32767:
        raise RuntimeError(f"{path} would clip; lower OUTPUT_GAIN")
    pcm = scaled.astype("<i2")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(TARGET_RATE)
        w.writeframes(pcm.tobytes())


def generate_set(out_dir, name, spec, workdir):
    count = 0
    seen = {}
    for voice, variant, pitch in itertools.product(spec["voices"], spec["variants"], spec["pitches"]):
        speaker = speaker_name(voice, variant, pitch)
        for split, sentences, first in (("train", TRAIN_SENTENCES, 1), ("val", VAL_SENTENCES, len(TRAIN_SENTENCES) + 1)):
            for index, text in enumerate(sentences, start=first):
                samples, rate = synthesize(voice, variant, pitch, text, workdir)
                samples = resample(trim_silence(samples, rate), rate, TARGET_RATE)
                if index == 1:
                    fingerprint = samples.tobytes()
                    if fingerprint in seen:
                        raise RuntimeError(f"espeak-ng gave {speaker} the same voice as {seen[fingerprint]}")
                    seen[fingerprint] = speaker
                write_wav(os.path.join(out_dir, name, split, speaker, f"s{index:02d}.wav"), samples, TARGET_RATE)
                count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                        help="output folder (default: this script's folder)")
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=sorted(SETS),
                        help="which speaker sets to generate (default: base and new)")
    args = parser.parse_args()
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.sets:
            target = os.path.join(args.out, name)
            if os.path.isdir(target):
                shutil.rmtree(target)
            count = generate_set(args.out, name, SETS[name], workdir)
            print(f"{name}: {count} files in {target}")


if __name__ == "__main__":
    main()
