"""Writes reference .npy files with numpy and a manifest.json describing what
each one must read as (or which error it must produce). Used by tst_npyfile."""
import json
import os
import struct
import sys

import numpy as np

out = sys.argv[1]
manifest = []


def values_of(a):
    flat = np.ascontiguousarray(a).ravel(order="C")
    if a.dtype.kind == "f":
        return [repr(float(x)) for x in flat]
    if a.dtype.kind == "b":
        return ["1" if x else "0" for x in flat]
    return [str(int(x)) for x in flat]


def expect(name, arr, path):
    manifest.append({"name": name, "file": path, "dtype": arr.dtype.name,
                     "shape": list(arr.shape), "values": values_of(arr)})


def save(name, arr):
    path = os.path.join(out, name + ".npy")
    np.save(path, arr)
    # The cases must really exercise what their names say.
    with open(path, "rb") as f:
        np.lib.format.read_magic(f)
        _, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    assert fortran == name.startswith("fortran"), name
    assert ("big" in name) == (dtype.byteorder == ">"), name
    expect(name, arr, path)


def raw(name, data, errors=None, like=None):
    """A hand-made file: either it must fail with every substring in `errors`
    or read as the array `like`."""
    path = os.path.join(out, name + ".npy")
    with open(path, "wb") as f:
        f.write(data)
    if like is not None:
        expect(name, like, path)
    else:
        manifest.append({"name": name, "file": path, "errors": errors})


def npy(header, payload=b"", version=1):
    head = header.encode("latin1")
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head + payload
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(head)) + head + payload


ints = {
    "i1": [-128, 127, 0, 1, -1, 42], "i2": [-32768, 32767, 0, 1, -1, 1234],
    "i4": [-2**31, 2**31 - 1, 0, 1, -1, 123456], "i8": [-2**63, 2**63 - 1, 0, 1, -1, 2**53 + 1],
    "u1": [0, 255, 1, 2, 3, 200], "u2": [0, 65535, 1, 2, 3, 40000],
    "u4": [0, 2**32 - 1, 1, 2, 3, 3000000000], "u8": [0, 2**64 - 1, 1, 2, 3, 2**63 + 5],
}
floats = [0.1, -2.5, 1e-30, float("nan"), float("inf"), -0.0]

# Every dtype in both byte orders (one-byte types have none).
for code, vals in ints.items():
    orders = "|" if code[1] == "1" else "<>"
    for order in orders:
        dt = np.dtype(order + code if order != "|" else code)
        save(f"{dt.name}_{'big' if order == '>' else 'little'}", np.array(vals, dtype=dt).reshape(2, 3))
for code in ("f4", "f8"):
    for order in "<>":
        dt = np.dtype(order + code)
        save(f"{dt.name}_{'big' if order == '>' else 'little'}", np.array(floats, dtype=dt).reshape(3, 2))
save("bool", np.array([True, False, False, True, True, False]).reshape(2, 3))

# Fortran order, including big-endian and higher ranks.
rng = np.random.default_rng(7)
save("fortran_f4_3d", np.asfortranarray(rng.standard_normal((2, 3, 4)).astype("<f4")))
save("fortran_i8_big", np.asfortranarray((np.arange(12).reshape(3, 4) * -7).astype(">i8")))
save("fortran_u2_4d", np.asfortranarray(np.arange(120, dtype="<u2").reshape(2, 3, 4, 5)))
save("fortran_f8_big_2d", np.asfortranarray(rng.standard_normal((5, 3)).astype(">f8")))
save("fortran_bool", np.asfortranarray(rng.standard_normal((3, 5)) > 0))

# Shapes: 0-d, empty, 1-d, the maximum rank.
save("scalar_f4", np.array(3.5, dtype="<f4"))
save("scalar_i2_big", np.array(-7, dtype=">i2"))
save("empty_f4", np.zeros((0,), dtype="<f4"))
save("empty_i8_3d", np.zeros((2, 0, 3), dtype="<i8"))
save("vector_f8", rng.standard_normal(5))
save("rank8_f4", rng.standard_normal((1, 2, 1, 2, 1, 2, 1, 2)).astype("<f4"))

# Header versions 2.0 and 3.0.
for version in ((2, 0), (3, 0)):
    arr = rng.standard_normal((4, 3)).astype("<f4")
    name = f"version_{version[0]}_0"
    path = os.path.join(out, name + ".npy")
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=version)
    expect(name, arr, path)

# Hand-written headers numpy also accepts: any key order, double quotes, spaces,
# no trailing comma, Python 2 longs, old 16-byte alignment.
data = np.array([[1.5, -2.0, 3.25], [4.0, 5.5, -6.75]], dtype="<f4")
raw("header_reordered",
    npy('{ "shape" : ( 2 , 3 , ) ,"fortran_order":False,  \'descr\':"<f4" ,}   \n', data.tobytes()), like=data)
raw("header_no_trailing_comma",
    npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}\n", data.tobytes()), like=data)
raw("header_python2_long",
    npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }\n", data.tobytes()), like=data)
raw("header_fortran_true",
    npy("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }\n",
        np.asfortranarray(data).astype(">f4").tobytes(order="F")), like=data)

# Files that must be refused.
obj_path = os.path.join(out, "object.npy")
np.save(obj_path, np.array([1, "a", None], dtype=object), allow_pickle=True)
manifest.append({"name": "object", "file": obj_path, "errors": ["object array", "pickle", "never unpickles"]})

full = os.path.join(out, "whole.npy")
np.save(full, np.zeros((10, 10), dtype="<f4"))
with open(full, "rb") as f:
    whole = f.read()
raw("truncated_data", whole[:-100], ["truncated", "400 bytes", "300 bytes", "truncated_data.npy"])
raw("truncated_header", whole[:40], ["truncated", "truncated_header.npy"])
raw("trailing_bytes", whole + b"\0\0\0", ["3 unexpected bytes"])
raw("not_npy", b"just some text, not an array\n", ["not a NumPy .npy file"])
raw("empty_file", b"", ["not a NumPy .npy file"])
raw("version_4", b"\x93NUMPY\x04\x00" + whole[8:], ["version 4.0"])
raw("float16", npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }\n", b"\0" * 4),
    ["'<f2' is not supported"])
raw("complex64", npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", b"\0" * 8),
    ["'<c8' is not supported"])
raw("unicode", npy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }\n", b"\0" * 12),
    ["'<U3' is not supported"])
raw("structured", npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }\n",
                      b"\0" * 8), ["structured"])
raw("unordered_multibyte", npy("{'descr': '|f4', 'fortran_order': False, 'shape': (1,), }\n", b"\0" * 4),
    ["no byte order"])
raw("huge_shape", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }\n"),
    ["more than the limit"])
raw("rank9", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }\n",
                 b"\0" * 4), ["more than 8 dimensions"])
raw("negative_dim", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }\n"), ["malformed"])
raw("shape_not_tuple", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3), }\n", b"\0" * 12),
    ["not a tuple"])
raw("unknown_key", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }\n", b"\0" * 4),
    ["unexpected key 'x'"])
raw("missing_key", npy("{'descr': '<f4', 'shape': (1,), }\n", b"\0" * 4), ["required"])
raw("duplicate_key", npy("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n",
                         b"\0" * 4), ["appears twice"])
raw("text_after_dict", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } x\n", b"\0" * 4),
    ["after '}'"])
raw("huge_header", b"\x93NUMPY\x02\x00" + struct.pack("<I", 1 << 30) + b"{", ["header claims 1073741824 bytes"])

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)
