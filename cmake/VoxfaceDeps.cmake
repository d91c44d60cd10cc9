# SPDX-License-Identifier: Apache-2.0
# Every third-party dependency is found here, from Debian packages (scripts/install-deps.sh),
# and wrapped in an imported target so that stages link a name, not flags.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(SOXR REQUIRED IMPORTED_TARGET soxr)
find_package(nlohmann_json 3.10 REQUIRED)

# pocketsphinx.pc and sphinxbase.pc name /usr/include/sphinxbase, which Debian does not ship (the
# headers live under the multiarch include dir), so IMPORTED_TARGET would abort: find by hand.
pkg_check_modules(POCKETSPHINX REQUIRED pocketsphinx sphinxbase)
find_path(SPHINXBASE_INCLUDE_DIR sphinxbase/cmd_ln.h
          PATHS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE} /usr/include)
find_path(POCKETSPHINX_INCLUDE_DIR pocketsphinx.h PATH_SUFFIXES pocketsphinx)
if(NOT SPHINXBASE_INCLUDE_DIR OR NOT POCKETSPHINX_INCLUDE_DIR)
  message(FATAL_ERROR "PocketSphinx headers not found: run scripts/install-deps.sh")
endif()
add_library(voxface_dep_pocketsphinx INTERFACE)
target_include_directories(voxface_dep_pocketsphinx SYSTEM INTERFACE
  ${POCKETSPHINX_INCLUDE_DIR} ${SPHINXBASE_INCLUDE_DIR} ${SPHINXBASE_INCLUDE_DIR}/sphinxbase)
target_link_libraries(voxface_dep_pocketsphinx INTERFACE ${POCKETSPHINX_LIBRARIES})
set(VOXFACE_PS_MODEL_DIR "/usr/share/pocketsphinx/model/en-us" CACHE PATH
    "PocketSphinx en-us model folder (en-us/, en-us.lm.bin, cmudict-en-us.dict)")

# nn runtime: ONNX files are read with Debian's libonnx protobuf classes; GEMM goes to OpenBLAS.
# Both stay behind src/nn (onnx_loader.cc, blas.cc).
find_package(Protobuf REQUIRED)
find_package(ONNX REQUIRED CONFIG)
add_library(voxface_dep_onnx INTERFACE)
target_link_libraries(voxface_dep_onnx INTERFACE onnx_proto protobuf::libprotobuf)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
add_library(voxface_dep_blas INTERFACE)
target_link_libraries(voxface_dep_blas INTERFACE PkgConfig::OPENBLAS)
