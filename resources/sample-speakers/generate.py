#!/usr/bin/python3
"""Generates the sample multi-speaker WAV dataset with espeak-ng and sox.

Every "speaker" is one espeak-ng voice (accent) + variant (timbre) + pitch +
speaking rate, passed through sox with its own vocal-tract scale (a resampling
"speed" change that moves every formant) and its own bass/treble tilt, so that
speakers differ in timbre, pitch and tempo, not only in accent. Every speaker
says the same sentences; validation sentences are never spoken in training:

    <out>/base/train/<speaker>/sNN.wav   the base set: 18 speakers
    <out>/base/val/<speaker>/sNN.wav
    <out>/new/train/<speaker>/sNN.wav    the new set: 6 other speakers (other
    <out>/new/val/<speaker>/sNN.wav      accents and variants than the base set)

Written as 16 kHz mono 16-bit WAV, silence trimmed to 40 ms, peak at -6 dBFS.
Needs espeak-ng, sox and Debian's python3-numpy (run with /usr/bin/python3).
The output is deterministic for given espeak-ng and sox versions (sox runs
without dither).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import wave

import numpy as np

# The first TRAIN/VAL sentences are the committed sample set's; the demo takes more.
TRAIN_SENTENCES = [
    "Open the door.",
    "Lights on.",
    "Good morning.",
    "Where is it?",
    "Call me soon.",
    "Turn the music down.",
    "What time is it?",
    "The kettle is boiling.",
    "Please send the report.",
    "It might rain later.",
    "Bring two cups of tea.",
    "My train leaves at nine.",
]
VAL_SENTENCES = [
    "Thank you.",
    "Close it.",
    "See you tomorrow.",
    "Read the next page.",
]

# (voice, variant, espeak pitch 0-99, words per minute, vocal-tract scale, bass dB, treble dB).
# Every variant appears once; base and new share no voice and no variant.
SETS = {
    "base": [
        ("en", "m1", 30, 165, 0.84, 8, -6),
        ("en", "f2", 70, 200, 1.19, -4, 6),
        ("en", "klatt", 45, 230, 1.00, 0, 0),
        ("en-us", "m3", 25, 185, 0.78, 9, -9),
        ("en-us", "f1", 80, 150, 1.26, -9, 3),
        ("en-us", "klatt2", 55, 210, 0.92, 3, 8),
        ("en-gb-scotland", "m2", 40, 220, 1.08, -3, -3),
        ("en-gb-scotland", "f3", 65, 175, 1.13, 6, 9),
        ("en-gb-scotland", "klatt3", 35, 195, 0.89, -6, 4),
        ("en-gb-x-gbclan", "m4", 20, 205, 0.97, 4, -8),
        ("en-gb-x-gbclan", "f5", 75, 230, 1.22, 0, -4),
        ("en-gb-x-gbclan", "klatt4", 60, 160, 0.81, -8, 0),
        ("en-gb-x-gbcwmd", "m5", 50, 180, 0.86, -2, 9),
        ("en-gb-x-gbcwmd", "adam", 30, 215, 1.03, 9, 2),
        ("en-gb-x-gbcwmd", "belinda", 70, 190, 1.16, 2, -9),
        ("en-us-nyc", "m6", 45, 155, 0.94, -9, -2),
        ("en-us-nyc", "benjamin", 25, 240, 0.82, 4, 4),
        ("en-us-nyc", "aunty", 85, 170, 1.10, -4, -6),
    ],
    "new": [
        ("en-029", "Andy", 50, 190, 1.00, 0, 0),
        ("en-029", "f4", 75, 165, 1.21, 6, -3),
        ("en-029", "edward", 30, 215, 0.84, -6, 6),
        ("en-gb-x-rp", "m7", 35, 175, 0.90, 8, 3),
        ("en-gb-x-rp", "linda", 65, 225, 1.14, -3, -8),
        ("en-gb-x-rp", "m8", 20, 160, 0.79, 3, -4),
    ],
}

TARGET_RATE = 16000
SILENCE_THRESHOLD = 200  # int16 units; espeak-ng pads utterances with digital silence
KEEP_SILENCE_S = 0.04


def speaker_name(voice, variant, pitch):
    return f"{voice}_{variant.lower()}_p{pitch}"


def synthesize(speaker, text, workdir):
    voice, variant, pitch, wpm, scale, bass, treble = speaker
    raw = os.path.join(workdir, "tts.wav")
    shaped = os.path.join(workdir, "shaped.wav")
    subprocess.run(["espeak-ng", "-v", f"{voice}+{variant}", "-p", str(pitch), "-s", str(wpm), "-w", raw, text],
                   check=True)
    # speed: resampling by `scale` moves pitch and formants together (a shorter or longer vocal
    # tract); gain -10 first: headroom for the EQ; rate: high-quality resampler to 16 kHz; gain -n: peak -6 dBFS; -D: no dither noise.
    subprocess.run(["sox", "-D", raw, "-b", "16", shaped, "gain", "-10", "speed", f"{scale:.3f}", "bass", str(bass),
                    "treble", str(treble), "rate", "-v", str(TARGET_RATE), "gain", "-n", "-6"], check=True)
    with wave.open(shaped, "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != TARGET_RATE:
            raise RuntimeError(f"sox wrote an unexpected format to {shaped}")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def trim_silence(samples):
    loud = np.nonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)[0]
    if loud.size == 0:
        return samples
    keep = int(KEEP_SILENCE_S * TARGET_RATE)
    return samples[max(loud[0] - keep, 0): min(loud[-1] + keep + 1, samples.size)]


def write_wav(path, pcm):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(TARGET_RATE)
        w.writeframes(pcm.astype("<i2").tobytes())


def generate_set(out_dir, name, speakers, train_count, val_count, workdir):
    count = 0
    seen = {}
    names = set()
    for speaker in speakers:
        folder = speaker_name(*speaker[:3])
        if folder in names:
            raise RuntimeError(f"two speakers of the {name} set are both named {folder}")
        names.add(folder)
        splits = (("train", TRAIN_SENTENCES[:train_count], 1),
                  ("val", VAL_SENTENCES[:val_count], len(TRAIN_SENTENCES) + 1))
        for split, sentences, first in splits:
            for index, text in enumerate(sentences, start=first):
                pcm = trim_silence(synthesize(speaker, text, workdir))
                if index == 1:
                    # Some voice names silently ignore "+variant": refuse a duplicate voice.
                    raw = subprocess.run(["espeak-ng", "-v", f"{speaker[0]}+{speaker[1]}", "-p", "50", "-s", "175",
                                          "--stdout", text], check=True, capture_output=True).stdout
                    if raw in seen:
                        raise RuntimeError(f"espeak-ng gave {folder} the same voice as {seen[raw]}")
                    seen[raw] = folder
                write_wav(os.path.join(out_dir, name, split, folder, f"s{index:02d}.wav"), pcm)
                count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                        help="output folder (default: this script's folder)")
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=sorted(SETS),
                        help="which speaker sets to generate (default: base and new)")
    parser.add_argument("--train-sentences", type=int, default=5,
                        help=f"training sentences per speaker, at most {len(TRAIN_SENTENCES)} (default 5)")
    parser.add_argument("--val-sentences", type=int, default=2,
                        help=f"validation sentences per speaker, at most {len(VAL_SENTENCES)} (default 2)")
    args = parser.parse_args()
    if not 1 <= args.train_sentences <= len(TRAIN_SENTENCES) or not 1 <= args.val_sentences <= len(VAL_SENTENCES):
        sys.exit("--train-sentences/--val-sentences out of range")
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (Debian: apt-get install {tool})")
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.sets:
            target = os.path.join(args.out, name)
            if os.path.isdir(target):
                shutil.rmtree(target)
            count = generate_set(args.out, name, SETS[name], args.train_sentences, args.val_sentences, workdir)
            print(f"{name}: {count} files in {target}")


if __name__ == "__main__":
    main()
