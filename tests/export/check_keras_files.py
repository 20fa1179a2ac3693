#!/usr/bin/python3
"""Checks a file Graft exported the way Keras's own loaders read it.

Usage: check_keras_files.py EXPORTED EXPECTATION.json DATA_DIRS   (tests/data and the fixtures folder, os.pathsep-separated)

EXPECTATION.json (written by the C++ test from the model Graft loaded, not from the
exported file) names the format and lists the model's layers in `model.layers` order:
  {"format": "keras2-weights" | "keras2-full" | "keras3-weights" | "keras3-zip",
   "layers": [{"name", "class_name", "inner_class", "weight_names", "shapes"}]}

Legacy HDF5 files are read as tf.keras's hdf5_format.load_weights_from_hdf5_group
(and its by-name variant) does: layers with weights matched by position, the same
number of weights, every shape equal. Keras 3 files are read as saving_lib's
H5IOStore does: one `vars` group per object path, the path derived from the class
name (snake_case, _N for repeats), variables 0..n-1. Attribute names and HDF5 types
are compared with files Keras itself wrote (in FIXTURES_DIR).

Prints one line per check; exits 1 on the first failure.
"""

import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def attr_signature(obj, name):
    """What h5py/Keras distinguish about an attribute: type class, string kind, charset, padding, space."""
    attr = obj.attrs.get_id(name)
    t = attr.get_type()
    space = attr.get_space()
    sig = {"class": type(t).__name__,
           "space": {0: "scalar", 1: "simple", 2: "null"}[space.get_simple_extent_type()],
           "rank": len(space.shape) if space.shape is not None else 0}
    if isinstance(t, h5py.h5t.TypeStringID):
        sig["vlen"] = t.is_variable_str()
        sig["cset"] = t.get_cset()
        sig["strpad"] = t.get_strpad()
    else:
        sig["size"] = t.get_size()
    return sig


def compare_attrs(ours, reference, what, names=None):
    names = sorted(reference.attrs.keys()) if names is None else names
    require(sorted(ours.attrs.keys()) == sorted(reference.attrs.keys()),
            f"{what}: attributes {sorted(ours.attrs.keys())}, Keras writes {sorted(reference.attrs.keys())}")
    for name in names:
        a, b = attr_signature(ours, name), attr_signature(reference, name)
        require(a == b, f"{what}: attribute {name} is typed {a}, Keras writes {b}")


def load_attributes(group, name):
    """tf.keras hdf5_format.load_attributes_from_hdf5_group."""
    if name in group.attrs:
        data = [n.decode("utf8") if hasattr(n, "decode") else n for n in group.attrs[name]]
    else:
        data = []
        chunk_id = 0
        while f"{name}{chunk_id}" in group.attrs:
            data.extend([n.decode("utf8") if hasattr(n, "decode") else n
                         for n in group.attrs[f"{name}{chunk_id}"]])
            chunk_id += 1
    return data


def check_legacy_weights(group, layers, what):
    require("keras_version" in group.attrs, f"{what}: no keras_version (Keras would treat the weights as Keras 1)")
    filtered_layers = [l for l in layers if l["shapes"]]
    layer_names = load_attributes(group, "layer_names")
    require(layer_names == [l["name"] for l in layers],
            f"{what}: layer_names {layer_names} is not the model's layer order {[l['name'] for l in layers]}")
    filtered = []
    for name in layer_names:
        require(name in group, f"{what}: layer_names lists {name} but there is no such group")
        if load_attributes(group[name], "weight_names"):
            filtered.append(name)
    require(len(filtered) == len(filtered_layers),
            f"{what}: {len(filtered)} layers with weights in the file, the model has {len(filtered_layers)}")
    for k, name in enumerate(filtered):
        g = group[name]
        weight_names = load_attributes(g, "weight_names")
        values = [np.asarray(g[w]) for w in weight_names]
        expected = filtered_layers[k]["shapes"]
        require(len(values) == len(expected),
                f"{what}: layer {name} has {len(values)} weights, model layer {filtered_layers[k]['name']} needs {len(expected)}")
        for w, v, shape in zip(weight_names, values, expected):
            require(list(v.shape) == list(shape), f"{what}: {name}/{w} has shape {list(v.shape)}, the model needs {shape}")
            require(v.dtype == np.float32, f"{what}: {name}/{w} is {v.dtype}, not float32")
    # load_weights(by_name=True): the same layers are found by name.
    by_name = {l["name"]: l for l in layers}
    for name in filtered:
        require(name in by_name and len(by_name[name]["shapes"]) == len(load_attributes(group[name], "weight_names")),
                f"{what}: by name, layer {name} does not match the model")
    print(f"OK {what}: {len(filtered)} layers with weights match by position and by name")


def data(roots, relative):
    """A reference file: the first of the data folders (os.pathsep-separated: the repository's tests/data,
    then the shared fixtures) that holds it."""
    folders = roots.split(os.pathsep)
    for folder in folders:
        candidate = os.path.join(folder, relative)
        if os.path.exists(candidate):
            return candidate
    return os.path.join(folders[-1], relative)


def check_legacy(path, expectation, fixtures, full):
    with h5py.File(path, "r") as f:
        if full:
            ref = h5py.File(data(fixtures, "keras/keras2/3layer_batch_norm.h5"), "r")
            compare_attrs(f, ref, "root")
            require("model_weights" in f, "full model without model_weights")
            group, ref_group = f["model_weights"], ref["model_weights"]
            config = json.loads(f.attrs["model_config"])
            check_model_config(config, expectation)
        else:
            ref = h5py.File(data(fixtures, "seed/SI_ideal_weights_simple.hdf5"), "r")
            group, ref_group = f, ref
        compare_attrs(group, ref_group, "weights group" if full else "root",
                      names=["backend", "keras_version"] + (["layer_names"] if "layer_names" in group.attrs else []))
        # Layer groups: one with weights and one without, against Keras-written ones.
        ref_bn = h5py.File(data(fixtures, "keras/keras2/3layer_batch_norm_weights.h5"), "r")
        for name in load_attributes(group, "layer_names"):
            reference = ref_bn["bn1"] if load_attributes(group[name], "weight_names") else ref_bn["input_1"]
            compare_attrs(group[name], reference, f"layer group {name}")
        print(f"OK attribute names and types match Keras-written files")
        check_legacy_weights(group, expectation["layers"], "model_weights" if full else "weights file")


def layer_entries(config):
    layers = config["config"]["layers"] if isinstance(config["config"], dict) else config["config"]
    return layers


def check_model_config(config, expectation):
    require(config.get("class_name") in ("Sequential", "Functional", "Model"),
            f"model_config class_name is {config.get('class_name')}")
    entries = {}
    for entry in layer_entries(config):
        name = entry.get("name") or entry["config"].get("name")
        entries[name] = entry
    for layer in expectation["layers"]:
        require(layer["name"] in entries, f"model_config has no layer {layer['name']}")
        entry = entries[layer["name"]]
        require(entry["class_name"] == layer["class_name"],
                f"model_config layer {layer['name']} is {entry['class_name']}, expected {layer['class_name']}")
        cfg = entry["config"]
        # The config must describe the weights it travels with (e.g. a remapped head's units).
        if layer["class_name"] == "Dense" and layer["shapes"]:
            require(cfg["units"] == layer["shapes"][0][-1],
                    f"model_config: Dense {layer['name']} has units {cfg['units']}, its kernel {layer['shapes'][0]}")
        if layer["class_name"] in ("Conv1D", "Conv2D") and layer["shapes"]:
            require(cfg["filters"] == layer["shapes"][0][-1],
                    f"model_config: {layer['name']} has filters {cfg['filters']}, its kernel {layer['shapes'][0]}")
    print(f"OK model_config describes {len(expectation['layers'])} layers with their weights")


def snake_case(name):
    """keras.src.utils.naming.to_snake_case, written out again here on purpose."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


RECURRENT = ("SimpleRNN", "LSTM", "GRU")


def keras3_expected_vars(layers):
    """{vars path: [shapes]} as Keras 3's _save_state/_save_container_state visit the layers."""
    used = {}
    expected = {}
    layer_paths = []
    for layer in layers:
        cls = "Functional" if layer["class_name"] == "Model" else layer["class_name"]
        name = snake_case(cls)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        path = f"layers/{name}"
        layer_paths.append(path)
        shapes = layer["shapes"]
        inner = layer.get("inner_class", "")
        cell = "/cell" if inner in RECURRENT else ""
        if layer["class_name"] in RECURRENT:
            expected[path + "/cell"] = shapes
            expected.setdefault(path, [])
        elif layer["class_name"] == "Bidirectional":
            names = layer["weight_names"]
            expected[path + "/forward_layer" + cell] = [s for s, n in zip(shapes, names) if n.startswith("forward/")]
            expected[path + "/backward_layer" + cell] = [s for s, n in zip(shapes, names) if n.startswith("backward/")]
        elif layer["class_name"] == "TimeDistributed":
            expected[path + "/layer" + cell] = shapes
        else:
            expected[path] = shapes
    return expected, layer_paths


def check_keras3_weights(f, expectation, fixtures, what):
    require(len(f.attrs.keys()) == 0, f"{what}: root attributes {list(f.attrs.keys())}; Keras 3 writes none")
    require("vars" in f and len(f["vars"]) == 0, f"{what}: no empty root vars group")
    expected, layer_paths = keras3_expected_vars(expectation["layers"])
    for path in layer_paths:
        require(path in f and "vars" in f[path], f"{what}: no vars group for {path}")
    for path, shapes in expected.items():
        require(path in f and "vars" in f[path], f"{what}: Keras 3 looks for {path}/vars, which is missing")
        group = f[path]["vars"]
        require(len(group) == len(shapes), f"{what}: {path}/vars holds {len(group)} variables, Keras 3 expects {len(shapes)}")
        for i, shape in enumerate(shapes):
            require(str(i) in group, f"{what}: {path}/vars has no variable {i}")
            value = np.asarray(group[str(i)])
            require(list(value.shape) == list(shape), f"{what}: {path}/vars/{i} has shape {list(value.shape)}, expected {shape}")
            require(value.dtype == np.float32, f"{what}: {path}/vars/{i} is {value.dtype}")
    strays = []

    def visit(name, obj):
        if isinstance(obj, h5py.Group) and name.endswith("/vars") and len(obj) > 0:
            if name[:-len("/vars")] not in expected:
                strays.append(name)
    f.visititems(visit)
    require(not strays, f"{what}: variables at {strays} belong to no layer Keras 3 would look for")
    # A `name` attribute on vars groups is what Keras >= 3.6 writes: same type as theirs.
    ref_file = zipfile.ZipFile(data(fixtures, "keras/keras3/nested_container.keras"))
    ref = h5py.File(io.BytesIO(ref_file.read("model.weights.h5")), "r")
    for path in layer_paths:
        if "name" in f[path]["vars"].attrs:
            require(attr_signature(f[path]["vars"], "name") == attr_signature(ref["layers/dense/vars"], "name"),
                    f"{what}: {path}/vars name attribute typed differently from Keras 3's")
    print(f"OK {what}: {len(expected)} variable groups at the paths Keras 3 derives, counts and shapes equal")


def check_keras3_config(config, expectation):
    for key in ("module", "class_name", "config", "registered_name"):
        require(key in config, f"config.json: top level has no {key}")
    require(config["class_name"] in ("Sequential", "Functional"), f"config.json: class {config['class_name']}")
    layers = config["config"]["layers"]
    names = []
    for entry in layers:
        for key in ("module", "class_name", "config", "registered_name"):
            require(key in entry, f"config.json: layer {entry.get('name')} has no {key}")
        cfg = entry["config"]
        require("batch_input_shape" not in cfg, f"config.json: layer {cfg.get('name')} keeps Keras 2's batch_input_shape")
        if entry["class_name"] == "InputLayer":
            require("batch_shape" in cfg, f"config.json: InputLayer {cfg.get('name')} has no batch_shape")
            if config["class_name"] == "Sequential":
                continue
        if config["class_name"] == "Functional":
            for node in entry["inbound_nodes"]:
                require(isinstance(node, dict) and set(node) == {"args", "kwargs"},
                        f"config.json: layer {entry['name']} inbound node is not Keras 3's args/kwargs form")
                tensors = node["args"][0] if isinstance(node["args"][0], list) else [node["args"][0]]
                for t in tensors:
                    require(t["class_name"] == "__keras_tensor__" and "shape" in t["config"]
                            and len(t["config"]["keras_history"]) == 3,
                            f"config.json: layer {entry['name']} argument is not a __keras_tensor__")
        names.append(cfg.get("name", entry.get("name")))
    expected_names = [l["name"] for l in expectation["layers"]]
    require(all(n in names for n in expected_names), f"config.json: layers {names}, expected {expected_names}")
    print(f"OK config.json is in Keras 3's serialization format ({len(layers)} layers)")


def check_keras3_zip(path, expectation, fixtures):
    with zipfile.ZipFile(path) as z:
        members = z.namelist()
        require(members == ["metadata.json", "config.json", "model.weights.h5"],
                f".keras members {members}, Keras writes metadata.json, config.json, model.weights.h5")
        reference = zipfile.ZipFile(data(fixtures, "keras/keras3/nested_container.keras"))
        for info, ref in zip(z.infolist(), reference.infolist()):
            require(info.compress_type == ref.compress_type, f"{info.filename} compression differs from Keras's")
        metadata = json.loads(z.read("metadata.json"))
        require(set(metadata) == {"keras_version", "date_saved"} and metadata["keras_version"].startswith("3."),
                f"metadata.json is {metadata}")
        require(re.fullmatch(r"\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d", metadata["date_saved"]) is not None,
                f"date_saved {metadata['date_saved']} is not in Keras's format")
        check_keras3_config(json.loads(z.read("config.json")), expectation)
        with h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
            check_keras3_weights(f, expectation, fixtures, "model.weights.h5")


def main():
    path, expectation_path, fixtures = sys.argv[1:4]
    with open(expectation_path) as e:
        expectation = json.load(e)
    fmt = expectation["format"]
    try:
        if fmt == "keras2-weights":
            check_legacy(path, expectation, fixtures, full=False)
        elif fmt == "keras2-full":
            check_legacy(path, expectation, fixtures, full=True)
        elif fmt == "keras3-weights":
            with h5py.File(path, "r") as f:
                check_keras3_weights(f, expectation, fixtures, "weights file")
        elif fmt == "keras3-zip":
            check_keras3_zip(path, expectation, fixtures)
        else:
            raise CheckFailed(f"unknown format {fmt}")
    except CheckFailed as failure:
        print(f"FAIL {path}: {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
