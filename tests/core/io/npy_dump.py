"""Prints, as JSON, what numpy reads from each .npy file given: dtype, shape,
C-order values as exact strings, and whether the header is version 1.0,
little-endian (or byte-order free) and C order. Used by tst_npyfile."""
import json
import sys

import numpy as np


def values_of(a):
    flat = np.ascontiguousarray(a).ravel(order="C")
    if a.dtype.kind == "f":
        return [repr(float(x)) for x in flat]
    if a.dtype.kind == "b":
        return ["1" if x else "0" for x in flat]
    return [str(int(x)) for x in flat]


result = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, fortran, dtype = (np.lib.format.read_array_header_1_0(f) if version == (1, 0)
                                 else np.lib.format.read_array_header_2_0(f))
    arr = np.load(path, allow_pickle=False)
    result[path] = {
        "dtype": arr.dtype.name,
        "shape": list(arr.shape),
        "values": values_of(arr),
        "version": "%d.%d" % version,
        "fortran_order": bool(fortran),
        "byteorder": dtype.byteorder,
    }
json.dump(result, sys.stdout)
