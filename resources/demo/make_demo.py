#!/usr/bin/python3
"""Regenerates the bundled transfer-learning demo (this folder).

1. Speakers: resources/sample-speakers/generate.py writes the 18 base speakers
   with 12 training and 4 validation sentences each (into a temporary folder;
   not committed) and the 6 new speakers with 6 training and 3 validation
   sentences each (committed here as new-speakers/).
2. Architecture: the speaker-identification CNN of the fine-tuning issue,
   adapted to 1.1 s of audio (40 MFCCs x 48 frames x 1, librosa defaults:
   22 050 Hz, hop 512), written as Keras 2's model.to_json() would write it.
3. Base model: trained on the base speakers by graft-cli itself, from freshly
   initialized weights: `graft-cli finetune speaker-cnn.json --data base
   --head random --train all ...`, saved as a Keras 2 weights-only
   base-speakers.h5 with base-speakers.json and base-speakers.labels.txt.
4. Check: `graft-cli finetune --demo` on the result, which must beat its
   from-scratch comparison.

Usage: /usr/bin/python3 resources/demo/make_demo.py --graft-cli build/cli/graft-cli
Needs espeak-ng, sox, python3-numpy and a built graft-cli.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "..", "sample-speakers", "generate.py")

INPUT_SHAPE = [40, 48, 1]  # MFCCs x frames x channel
BASE_EPOCHS = 30
SEED = 7


def initializer(name, **config):
    return {"class_name": name, "config": config}


def common(name):
    return {"name": name, "trainable": True, "dtype": "float32"}


def conv(name, filters, kernel, strides):
    return {"class_name": "Conv2D", "config": {
        **common(name), "filters": filters, "kernel_size": [kernel, kernel], "strides": [strides, strides],
        "padding": "same", "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
        "activation": "relu", "use_bias": True, "kernel_initializer": initializer("GlorotUniform", seed=None),
        "bias_initializer": initializer("Zeros"), "kernel_regularizer": None, "bias_regularizer": None,
        "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}}


def pool(name):
    return {"class_name": "MaxPooling2D", "config": {
        **common(name), "pool_size": [3, 3], "padding": "same", "strides": [3, 3], "data_format": "channels_last"}}


def dropout(name, rate):
    return {"class_name": "Dropout", "config": {**common(name), "rate": rate, "noise_shape": None, "seed": None}}


def dense(name, units, activation):
    return {"class_name": "Dense", "config": {
        **common(name), "units": units, "activation": activation, "use_bias": True,
        "kernel_initializer": initializer("GlorotUniform", seed=None), "bias_initializer": initializer("Zeros"),
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None}}


def architecture(classes):
    """The issue's CNN (all 'same', ReLU) with strides fitted to 40 x 48 inputs, after a per-MFCC BatchNormalization."""
    layers = [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None] + INPUT_SHAPE, "dtype": "float32",
                                                "sparse": False, "ragged": False, "name": "mfcc"}},
        # axis 1: one mean and variance per MFCC coefficient (raw MFCCs span hundreds).
        {"class_name": "BatchNormalization", "config": {
            **common("mfcc_norm"), "axis": [1], "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True,
            "beta_initializer": initializer("Zeros"), "gamma_initializer": initializer("Ones"),
            "moving_mean_initializer": initializer("Zeros"), "moving_variance_initializer": initializer("Ones"),
            "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None}},
        conv("conv2d", 32, 5, 2), conv("conv2d_1", 32, 3, 1), pool("max_pooling2d"), dropout("dropout", 0.3),
        conv("conv2d_2", 64, 3, 1), conv("conv2d_3", 64, 3, 1), pool("max_pooling2d_1"), dropout("dropout_1", 0.3),
        conv("conv2d_4", 128, 3, 1), conv("conv2d_5", 128, 3, 1), pool("max_pooling2d_2"), dropout("dropout_2", 0.3),
        {"class_name": "Flatten", "config": {**common("flatten"), "data_format": "channels_last"}},
        dense("dense", 256, "relu"), dropout("dropout_3", 0.2),
        dense("dense_1", 128, "relu"), dropout("dropout_4", 0.2),
        dense("speaker", classes, "softmax"),
    ]
    return {"class_name": "Sequential", "config": {"name": "speaker_cnn", "layers": layers},
            "keras_version": "2.13.1", "backend": "tensorflow"}


def run(command):
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graft-cli", default=shutil.which("graft-cli") or "graft-cli", help="the graft-cli to train with")
    parser.add_argument("--out", default=HERE, help="demo folder to write (default: this folder)")
    parser.add_argument("--epochs", type=int, default=BASE_EPOCHS, help=f"base model epochs (default {BASE_EPOCHS})")
    args = parser.parse_args()
    if not os.access(args.graft_cli, os.X_OK) and shutil.which(args.graft_cli) is None:
        sys.exit(f"graft-cli not found ({args.graft_cli}); build it and pass --graft-cli PATH")
    with tempfile.TemporaryDirectory() as work:
        speakers = os.path.join(work, "speakers")
        run([sys.executable, GENERATOR, "--out", speakers, "--sets", "base", "--train-sentences", "12",
             "--val-sentences", "4"])
        run([sys.executable, GENERATOR, "--out", speakers, "--sets", "new", "--train-sentences", "6",
             "--val-sentences", "3"])
        classes = len(os.listdir(os.path.join(speakers, "base", "train")))
        arch = os.path.join(work, "speaker-cnn.json")
        with open(arch, "w") as f:
            json.dump(architecture(classes), f)

        os.makedirs(args.out, exist_ok=True)
        for old in glob.glob(os.path.join(args.out, "base-speakers.*")):
            os.remove(old)
        weights = os.path.join(args.out, "base-speakers.h5")
        run([args.graft_cli, "finetune", arch, "--data", os.path.join(speakers, "base"), "--head", "random",
             "--train", "all", "--epochs", str(args.epochs), "--batch", "16", "--lr", "0.001",
             "--seed", str(SEED), "--out", weights])
        # The plan of a from-scratch run says nothing about the demo; the model, its
        # architecture, class names and training history stay.
        os.remove(os.path.join(args.out, "base-speakers.plan.json"))

        dataset = os.path.join(args.out, "new-speakers")
        if os.path.isdir(dataset):
            shutil.rmtree(dataset)
        shutil.copytree(os.path.join(speakers, "new"), dataset)

    # The check runs on the demo just written, wherever --out put it.
    os.environ["GRAFT_DEMO_DIR"] = os.path.abspath(args.out)
    with tempfile.TemporaryDirectory() as check:
        run([args.graft_cli, "finetune", "--demo", "--out", os.path.join(check, "demo-finetuned.h5")])


if __name__ == "__main__":
    main()
