"""Independent numpy forward pass of frugally_deep_lstm.h5 (Keras 2.2.5, LSTMs and
Bidirectional LSTMs, several inputs, initial states), for tst_realmodels.

Usage: frugally_reference.py MODEL.h5 OUTDIR
Writes OUTDIR/in_<i>.npy (seeded random inputs, batch 3, variable time axis = 5)
and OUTDIR/out_<i>.npy (the model's outputs in output_layers order), computed
from the HDF5 file alone with the Keras 2 formulas.
"""
import json
import sys

import h5py
import numpy as np

ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0.0, 1.0),  # Keras 2 definition
    "relu": lambda x: np.maximum(x, 0.0),
    "linear": lambda x: x,
}


def lstm(x, cfg, w, initial=None):
    kernel, recurrent, bias = w["kernel"], w["recurrent_kernel"], w.get("bias")
    units = cfg["units"]
    act, rec = ACTIVATIONS[cfg["activation"]], ACTIVATIONS[cfg["recurrent_activation"]]
    n, t, _ = x.shape
    h = np.zeros((n, units)) if initial is None else initial[0].astype(np.float64)
    c = np.zeros((n, units)) if initial is None else initial[1].astype(np.float64)
    steps = range(t - 1, -1, -1) if cfg.get("go_backwards") else range(t)
    outputs = []
    for s in steps:
        z = x[:, s, :] @ kernel + h @ recurrent
        if bias is not None:
            z = z + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = rec(f) * c + rec(i) * act(g)
        h = rec(o) * act(c)
        outputs.append(h)
    seq = np.stack(outputs, axis=1)
    out = seq if cfg["return_sequences"] else h
    return [out, h, c] if cfg["return_state"] else [out]


def main():
    path, outdir = sys.argv[1], sys.argv[2]
    f = h5py.File(path, "r")
    config = json.loads(f.attrs["model_config"])["config"]
    weights = {}
    for layer in f["model_weights"]:
        group = f["model_weights"][layer]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        weights[layer] = {n: np.array(group[n], dtype=np.float64) for n in names}

    rng = np.random.RandomState(1234)
    tensors = {}
    for i, (name, _, _) in enumerate(config["input_layers"]):
        layer = next(l for l in config["layers"] if l["name"] == name)
        shape = [3] + [5 if d is None else d for d in layer["config"]["batch_input_shape"][1:]]
        value = rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)
        np.save(f"{outdir}/in_{i}.npy", value)
        tensors[(name, 0)] = [value.astype(np.float64)]

    def short(layer_weights, prefix=""):
        out = {}
        for full, value in layer_weights.items():
            parts = full.split("/")
            if prefix and not parts[-2].startswith(prefix):
                continue
            out[parts[-1].split(":")[0]] = value
        return out

    pending = [l for l in config["layers"] if l["class_name"] != "InputLayer"]
    while pending:
        for layer in list(pending):
            node = layer["inbound_nodes"][0]
            if not all((ref[0], ref[1]) in tensors for ref in node):
                continue
            inputs = [tensors[(ref[0], ref[1])][ref[2]] for ref in node]
            cfg = layer["config"]
            if layer["class_name"] == "LSTM":
                initial = inputs[1:3] if len(inputs) > 1 else None
                result = lstm(inputs[0], cfg, short(weights[layer["name"]]), initial)
            else:  # Bidirectional(LSTM), merge_mode concat
                inner = dict(cfg["layer"]["config"])
                fwd = lstm(inputs[0], inner, short(weights[layer["name"]], "forward_"))
                inner["go_backwards"] = not inner.get("go_backwards", False)
                bwd = lstm(inputs[0], inner, short(weights[layer["name"]], "backward_"))
                b = bwd[0][:, ::-1, :] if inner["return_sequences"] else bwd[0]
                result = [np.concatenate([fwd[0], b], axis=-1)]
            tensors[(layer["name"], 0)] = result
            pending.remove(layer)

    for i, (name, node, index) in enumerate(config["output_layers"]):
        np.save(f"{outdir}/out_{i}.npy", tensors[(name, node)][index].astype(np.float32))
    print(len(config["output_layers"]))


if __name__ == "__main__":
    main()
