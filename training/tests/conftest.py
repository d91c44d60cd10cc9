# SPDX-License-Identifier: Apache-2.0
"""Shared setup: voxtrain on the path; the voxface module and C++ tools when they are built.

PYTHONPATH must hold <build>/python for the voxface module (CTest sets it); VOXFACE_BIN points
at <build>/bin for the generator tests, which are skipped without it.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture(scope="session")
def tool_dir() -> Path:
    path = os.environ.get("VOXFACE_BIN")
    if not path or not Path(path).is_dir():
        pytest.skip("VOXFACE_BIN (the build's bin folder) is not set")
    return Path(path)
