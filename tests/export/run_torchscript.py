#!/usr/bin/python3
"""Runs an exported TorchScript file the way a PyTorch user would, with no Graft code.

Usage: run_torchscript.py MODEL.pt OUTPUT.npz INPUT0.npy [INPUT1.npy ...]

Loads MODEL.pt with torch.jit.load, calls it on the inputs (Keras layout, batch first)
and saves its outputs as out0, out1, … in OUTPUT.npz.
"""

import sys

import numpy as np
import torch


def main():
    model_path, output_path, *input_paths = sys.argv[1:]
    module = torch.jit.load(model_path)
    module.eval()
    inputs = [torch.from_numpy(np.load(p)) for p in input_paths]
    with torch.no_grad():
        result = module(*inputs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    np.savez(output_path, **{f"out{i}": o.detach().numpy() for i, o in enumerate(outputs)})
    print(f"ran {model_path} on {[tuple(i.shape) for i in inputs]}: outputs {[tuple(o.shape) for o in outputs]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
