"""Prints, as JSON, what Python's zipfile (and numpy, for .npz) reads from the
archives given: member names in order, sizes, SHA-256, compression, and for
.npz files every array. Used by tst_ziparchive."""
import hashlib
import json
import sys
import zipfile

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
    if not zipfile.is_zipfile(path):
        result[path] = {"not_zip": True}
        continue
    with zipfile.ZipFile(path) as z:
        entry = {
            "testzip": z.testzip(),
            "members": [{"name": i.filename,
                         "size": i.file_size,
                         "sha256": hashlib.sha256(z.read(i)).hexdigest(),
                         "deflated": i.compress_type == zipfile.ZIP_DEFLATED}
                        for i in z.infolist()],
        }
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as npz:
            entry["arrays"] = [{"name": k, "dtype": npz[k].dtype.name, "shape": list(npz[k].shape),
                                "values": values_of(npz[k])} for k in npz.files]
    result[path] = entry
json.dump(result, sys.stdout)
