"""Prints the `model_config` JSON of a Keras HDF5 file (exit 3 when it has none).

Used by tst_shapeinference at test time so no config is ever copied out of the
fixtures. Run with Debian's /usr/bin/python3 (python3-h5py).
"""
import sys

import h5py

with h5py.File(sys.argv[1], "r") as f:
    config = f.attrs.get("model_config")
    if config is None:
        sys.exit(3)
    if isinstance(config, bytes):
        config = config.decode("utf-8")
    sys.stdout.write(config)
