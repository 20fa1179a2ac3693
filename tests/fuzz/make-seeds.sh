#!/usr/bin/env bash
# Builds the seed corpus of every harness from the repository's test data (and a
# few inputs made here), so no corpus is ever stored in the repository.
#   make-seeds.sh DATA_DIR OUT_DIR      (DATA_DIR: tests/data)
set -euo pipefail
fixtures="$1"
out="$2"
py=/usr/bin/python3
rm -rf "$out"
for name in fuzz_npy fuzz_npz fuzz_zip fuzz_model_config fuzz_keras_h5 fuzz_keras_file fuzz_audio fuzz_headplan fuzz_project; do
  mkdir -p "$out/$name"
done
# Small files only: libFuzzer's -max_len follows the largest seed, and big
# seeds make every run slow without adding coverage.
n=0
while IFS= read -r f; do cp "$f" "$out/fuzz_npy/seed$((n++)).npy"; done \
  < <(find "$fixtures" -name '*.npy' -size -16k | sort | head -n 60)
n=0
while IFS= read -r f; do
  cp "$f" "$out/fuzz_keras_h5/seed$n.h5"
  cp "$f" "$out/fuzz_keras_file/seed$n.h5"
  n=$((n + 1))
done < <(find "$fixtures/keras" "$fixtures/keras-js" -name '*.h5' -size -24k | sort | head -n 40)
n=0
while IFS= read -r f; do
  cp "$f" "$out/fuzz_zip/seed$n.keras"
  cp "$f" "$out/fuzz_keras_file/seed$n.keras"
  n=$((n + 1))
done < <(find "$fixtures" -name '*.keras' | sort)
n=0
while IFS= read -r f; do cp "$f" "$out/fuzz_model_config/seed$((n++)).json"; done \
  < <(find "$fixtures/keras" -name '*.json' ! -name EXPECTED.json | sort)

# Made with Debian's numpy/h5py: .npz archives, the configs inside HDF5 and .keras files.
"$py" - "$fixtures" "$out" <<'PY'
import glob, io, os, sys, zipfile
import numpy as np
import h5py
fixtures, out = sys.argv[1], sys.argv[2]
a = np.arange(12, dtype=np.float32).reshape(3, 4)
np.savez(os.path.join(out, "fuzz_npz", "stored.npz"), x=a, y=np.array([0, 1, 2], dtype=np.int64))
np.savez_compressed(os.path.join(out, "fuzz_npz", "deflated.npz"), x=a.astype(np.float64), flags=np.array([True, False]))
for name in ("stored.npz", "deflated.npz"):
    with open(os.path.join(out, "fuzz_npz", name), "rb") as src, open(os.path.join(out, "fuzz_zip", name), "wb") as dst:
        dst.write(src.read())
n = 0
for path in sorted(glob.glob(os.path.join(fixtures, "keras", "**", "*.h5"), recursive=True)) + \
        sorted(glob.glob(os.path.join(fixtures, "keras-js", "*", "model.h5")))[:20]:
    try:
        with h5py.File(path, "r") as f:
            config = f.attrs.get("model_config")
    except OSError:
        continue
    if config is None:
        continue
    if isinstance(config, bytes):
        config = config.decode("utf-8")
    with open(os.path.join(out, "fuzz_model_config", "attr%d.json" % n), "w") as dst:
        dst.write(config)
    n += 1
for path in sorted(glob.glob(os.path.join(fixtures, "**", "*.keras"), recursive=True)):
    try:
        with zipfile.ZipFile(path) as z:
            data = z.read("config.json")
    except (zipfile.BadZipFile, KeyError):
        continue
    with open(os.path.join(out, "fuzz_model_config", "keras%d.json" % n), "wb") as dst:
        dst.write(data)
    n += 1
PY

# Audio: the start of each fixture recording, and short tones in the encodings users bring.
n=0
for f in "$fixtures"/mfcc/audio/*.wav; do
  head -c 8192 "$f" > "$out/fuzz_audio/head$((n++)).wav"
done
if command -v sox > /dev/null; then
  a="$out/fuzz_audio"
  sox -n -r 8000 -b 16 -c 1 "$a/s16.wav" synth 0.05 sine 440
  sox -n -r 8000 -b 8 -e unsigned -c 1 "$a/u8.wav" synth 0.05 sine 440
  sox -n -r 8000 -b 24 -c 2 "$a/s24.wav" synth 0.05 sine 440
  sox -n -r 8000 -b 32 -e floating-point -c 1 "$a/f32.wav" synth 0.05 sine 440
  sox -n -r 8000 -b 16 -c 6 "$a/six.wav" synth 0.02 sine 440
  sox -n -r 8000 -b 16 -c 1 "$a/tone.flac" synth 0.05 sine 440
fi

cat > "$out/fuzz_headplan/per-row.json" <<'JSON'
{"format": "graft-head-plan", "version": 1, "mode": "per-row", "output_layer": "dense", "old_units": 3,
 "old_class_names": ["cat", "dog", "bird"], "seed": "1337",
 "rows": [{"class": "cat", "strategy": "copy", "source": 0}, {"class": "dog", "strategy": "copy", "source_class": "dog"},
          {"class": "fox", "strategy": "mean", "sources": [0, 1]}, {"class": "owl", "strategy": "random-scaled"},
          {"class": "eel", "strategy": "imprint"}, {"class": "ant", "strategy": "zero"}]}
JSON
cat > "$out/fuzz_headplan/stack.json" <<'JSON'
{"format": "graft-head-plan", "version": 1, "mode": "stack", "old_units": 2, "seed": "7",
 "rows": [{"class": "yes", "strategy": "random"}, {"class": "no", "strategy": "random"}]}
JSON
cat > "$out/fuzz_project/minimal.graft" <<'JSON'
{"format": "graft-project", "version": 1}
JSON
cat > "$out/fuzz_project/full.graft" <<'JSON'
{"format": "graft-project", "version": 1, "name": "speakers", "model": {"path": "model.h5", "architecture": "model.json"},
 "dataset": {"path": "data", "validation_path": "val", "validation_split": 0.2, "seed": "1337"},
 "audio": {"sample_rate": 16000, "n_mfcc": 40, "n_fft": 512, "hop_length": 160, "n_mels": 40},
 "head_plan": {"format": "graft-head-plan", "version": 1, "mode": "per-row", "old_units": 2,
               "rows": [{"class": "a", "strategy": "copy", "source": 0}]},
 "training": {"epochs": 10, "batch_size": 32, "learning_rate": 0.001, "optimizer": "adam"}}
JSON
for name in "$out"/*; do
  echo "$(basename "$name"): $(ls "$name" | wc -l) seeds"
done
