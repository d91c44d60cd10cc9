# SPDX-License-Identifier: Apache-2.0
"""Builds voxface._voxface with the repository's CMake build (no scikit-build needed).

Run from a checkout: the C++ sources are one folder up. Environment:
  CMAKE_BUILD_PARALLEL_LEVEL  build jobs (default: all cores)
  VOXFACE_CMAKE_ARGS          extra CMake arguments, space-separated
"""

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def project_version() -> str:
    cmake = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(voxface\s+VERSION\s+([0-9.]+)", cmake)
    if not match:
        raise RuntimeError(f"no project(voxface VERSION ...) in {ROOT / 'CMakeLists.txt'}")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures the repository with CMake, builds only the _voxface target, copies it."""

    def build_extension(self, ext: Extension) -> None:
        if not (ROOT / "include" / "voxface" / "engine.h").is_file():
            raise RuntimeError(
                f"voxface C++ sources not found in {ROOT}: install from a voxface checkout "
                "(pip install ./python), not from a copied python/ folder")
        build_dir = Path(self.build_temp).resolve() / "cmake"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DVOXFACE_BUILD_TESTS=OFF",
            "-DVOXFACE_BUILD_DEVSET_TOOLS=OFF",
            "-DVOXFACE_BUILD_PYTHON=ON",
            f"-DPython3_EXECUTABLE={sys.executable}",
        ] + shlex.split(os.environ.get("VOXFACE_CMAKE_ARGS", ""))
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.check_call(configure)
        subprocess.check_call(
            ["cmake", "--build", str(build_dir), "--target", "_voxface", "-j", jobs])
        built = glob.glob(str(build_dir / "python" / "voxface" / "_voxface*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one built _voxface module, found {built}")
        dest = Path(self.get_ext_fullpath(ext.name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], dest)


setup(
    version=project_version(),
    ext_modules=[CMakeExtension("voxface._voxface")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
