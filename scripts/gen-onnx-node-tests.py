#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes ONNX's backend node tests (model.onnx + test_data_set_*/ *.pb) into OUT_DIR/node.

Debian 12's python3-onnx (1.12) can generate them, but its generator uses numpy aliases removed in
numpy 1.24 (np.float, np.int, np.bool, np.object, np.complex). They are restored here before the
generator runs. Usage: gen-onnx-node-tests.py OUT_DIR
"""
import runpy
import sys
import warnings

import numpy as np

if len(sys.argv) != 2:
    sys.exit("usage: gen-onnx-node-tests.py OUT_DIR")

warnings.filterwarnings("ignore")
for alias, builtin in (("float", float), ("int", int), ("bool", bool), ("object", object),
                       ("complex", complex)):
    if alias not in np.__dict__:
        setattr(np, alias, builtin)

sys.argv = ["onnx.backend.test.cmd_tools", "generate-data", "-o", sys.argv[1]]
runpy.run_module("onnx.backend.test.cmd_tools", run_name="__main__")
