"""Writes reference .npz and .zip files (honest, lying, damaged) with numpy and
zipfile, plus manifest.json saying what each holds. Used by tst_ziparchive."""
import hashlib
import json
import os
import struct
import sys
import zipfile

import numpy as np

out = sys.argv[1]
manifest = {"npz": [], "zip": []}


def values_of(a):
    flat = np.ascontiguousarray(a).ravel(order="C")
    if a.dtype.kind == "f":
        return [repr(float(x)) for x in flat]
    if a.dtype.kind == "b":
        return ["1" if x else "0" for x in flat]
    return [str(int(x)) for x in flat]


def describe(arrays):
    return [{"name": k, "dtype": v.dtype.name, "shape": list(v.shape), "values": values_of(v)}
            for k, v in arrays.items()]


rng = np.random.default_rng(3)
arrays = {
    "x_train": rng.standard_normal((4, 3, 2)).astype(np.float32),
    "y_train": np.array([0, 2, 1, 2], dtype=np.int64),
    "mask": np.array([True, False, True]),
    "big_endian": np.arange(6, dtype=">f8").reshape(2, 3),
    "fortran": np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4)),
    "scalar": np.array(2.5),
    "empty": np.zeros((0, 5), dtype=np.uint8),
}
for name, save in (("stored", np.savez), ("deflated", np.savez_compressed)):
    path = os.path.join(out, name + ".npz")
    save(path, **arrays)
    with zipfile.ZipFile(path) as z:
        kinds = {i.compress_type for i in z.infolist()}
    assert kinds == {zipfile.ZIP_DEFLATED if name == "deflated" else zipfile.ZIP_STORED}, kinds
    manifest["npz"].append({"file": path, "arrays": describe(arrays)})
empty_npz = os.path.join(out, "empty.npz")
np.savez(empty_npz)
manifest["npz"].append({"file": empty_npz, "arrays": []})

obj_npz = os.path.join(out, "object.npz")
np.savez(obj_npz, fine=np.zeros(3), bad=np.array([None, "x"], dtype=object))
manifest["npz"].append({"file": obj_npz, "errors": ["bad.npy", "object array"]})
other_npz = os.path.join(out, "not_only_npy.npz")
with zipfile.ZipFile(other_npz, "w") as z:
    z.writestr("readme.txt", "hello")
manifest["npz"].append({"file": other_npz, "errors": ["readme.txt", "not a .npy"]})


def zip_entry(path, members, errors=None, max_bytes=None):
    entry = {"file": path, "members": members}
    if errors:
        entry["errors"] = errors
    if max_bytes:
        entry["max_bytes"] = max_bytes
    manifest["zip"].append(entry)


def digest(data):
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


# An honest archive of mixed members.
members = [
    ("metadata.json", b'{"keras_version": "3.0.0"}', zipfile.ZIP_STORED),
    ("config.json", json.dumps({"class_name": "Sequential", "layers": list(range(200))}).encode(),
     zipfile.ZIP_DEFLATED),
    ("model.weights.h5", bytes(range(256)) * 300, zipfile.ZIP_DEFLATED),
    ("assets/", b"", zipfile.ZIP_STORED),
    ("données/é.txt", "unicodé".encode(), zipfile.ZIP_DEFLATED),
    ("empty.bin", b"", zipfile.ZIP_DEFLATED),
]
plain = os.path.join(out, "plain.zip")
with zipfile.ZipFile(plain, "w") as z:
    for name, data, method in members:
        z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
zip_entry(plain, [dict(name=n, **digest(d)) for n, d, _ in members])


def patched(src, dst, name, new_size):
    """Rewrites the uncompressed size of member `name` in both its local header
    and the central directory, as a forged archive would."""
    data = bytearray(open(src, "rb").read())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(name)
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, new_size)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == name.encode():
            struct.pack_into("<I", data, pos + 24, new_size)
        pos = data.find(b"PK\x01\x02", pos + 4)
    open(dst, "wb").write(bytes(data))


zeros = bytes(64 << 20)
bomb = os.path.join(out, "bomb.zip")
with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("zeros.bin", zeros)
    z.writestr("small.txt", b"small")
assert os.path.getsize(bomb) < 200000
zip_entry(bomb, [{"name": "zeros.bin", "errors": ["zeros.bin", "bomb.zip", "67108864 bytes", "limit of 1048576"]},
                 dict(name="small.txt", **digest(b"small"))], max_bytes=1 << 20)

# Header says 1000 bytes, the data inflates to 64 MiB.
lying_small = os.path.join(out, "lying_small.zip")
patched(bomb, lying_small, "zeros.bin", 1000)
zip_entry(lying_small, [{"name": "zeros.bin", "errors": ["zeros.bin", "lying_small.zip"]},
                        dict(name="small.txt", **digest(b"small"))])
# ... and with a bound below the true size but above the claim.
zip_entry(lying_small, [{"name": "zeros.bin", "errors": ["zeros.bin", "lying_small.zip"]}], max_bytes=1 << 20)

# Header says 1 GiB, the data inflates to 5 bytes.
lying_large = os.path.join(out, "lying_large.zip")
patched(bomb, lying_large, "small.txt", 1 << 30)
zip_entry(lying_large, [{"name": "small.txt", "errors": ["small.txt", "lying_large.zip"]}])

# Damaged archives.
not_zip = os.path.join(out, "not_a_zip.zip")
open(not_zip, "wb").write(b"this is plain text, not a zip archive\n" * 10)
zip_entry(not_zip, [], errors=["not_a_zip.zip", "not a zip archive"])

whole = open(plain, "rb").read()
truncated = os.path.join(out, "truncated.zip")
open(truncated, "wb").write(whole[: len(whole) // 2])
zip_entry(truncated, [], errors=["truncated.zip", "truncated or damaged"])

no_eocd_end = os.path.join(out, "truncated_tail.zip")
open(no_eocd_end, "wb").write(whole[:-5])
zip_entry(no_eocd_end, [], errors=["truncated_tail.zip"])

# Flip bytes inside the deflated data of model.weights.h5: the CRC or inflate must catch it.
with zipfile.ZipFile(plain) as z:
    info = z.getinfo("model.weights.h5")
corrupt = bytearray(whole)
start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
for i in range(start + 20, start + 40):
    corrupt[i] ^= 0x5A
corrupted = os.path.join(out, "corrupted.zip")
open(corrupted, "wb").write(bytes(corrupt))
zip_entry(corrupted, [{"name": "model.weights.h5", "errors": ["model.weights.h5", "corrupted.zip"]},
                      dict(name="metadata.json", **digest(members[0][1]))])

with open(os.path.join(out, "manifest.json"), "w") as f:
    json.dump(manifest, f)
