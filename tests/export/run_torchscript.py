#!/usr/bin/python3
"""Runs an exported TorchScript file the way a PyTorch user would, with no Graft code.

Usage: run_torchscript.py MODEL.pt OUTPUT.npz INPUT0.npy [INPUT1.npy ...]
       run_torchscript.py --serve      one run per line of stdin: the same arguments, tab-separated;
                                       answers one line, "ok ..." or "error ...". (Importing torch
                                       takes seconds: a test with many models pays it once.)

Loads MODEL.pt with torch.jit.load, calls it on the inputs (Keras layout, batch first)
and saves its outputs as out0, out1, … in OUTPUT.npz.
"""

import sys
import traceback

import numpy as np
import torch


def run(model_path, output_path, *input_paths):
    module = torch.jit.load(model_path)
    module.eval()
    inputs = [torch.from_numpy(np.load(p)) for p in input_paths]
    with torch.no_grad():
        result = module(*inputs)
    outputs = list(result) if isinstance(result, (tuple, list)) else [result]
    np.savez(output_path, **{f"out{i}": o.detach().numpy() for i, o in enumerate(outputs)})
    return f"ran {model_path} on {[tuple(i.shape) for i in inputs]}: outputs {[tuple(o.shape) for o in outputs]}"


def serve():
    for line in sys.stdin:
        try:
            answer = "ok " + run(*line.rstrip("\n").split("\t"))
        except Exception:  # the test shows the traceback and fails that model only
            answer = "error " + traceback.format_exc().replace("\n", " | ")
        print(answer, flush=True)
    return 0


def main():
    if sys.argv[1:] == ["--serve"]:
        return serve()
    print(run(*sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
