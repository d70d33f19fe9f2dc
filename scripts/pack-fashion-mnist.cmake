# Packs the web page's Fashion-MNIST subset (12,000 train / 2,000 test, stratified, uint8, gzip'd,
# about 6.1 MB) into the static folder: ${CNN_SITE_DIR}/data/fashion-mnist-12k.bin.gz.
# Included from web/CMakeLists.txt in the Emscripten branch; needs node (present wherever emcc is)
# and Debian's dataset-fashion-mnist. Without them the page simply lacks the file and says so.
find_program(CNN_NODE_EXECUTABLE node)
set(CNN_FASHION_PACK "${CNN_SITE_DIR}/data/fashion-mnist-12k.bin.gz")
set(_fm_inputs "${CNN_FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz" "${CNN_FASHION_MNIST_DIR}/train-labels-idx1-ubyte.gz"
               "${CNN_FASHION_MNIST_DIR}/t10k-images-idx3-ubyte.gz" "${CNN_FASHION_MNIST_DIR}/t10k-labels-idx1-ubyte.gz")
list(GET _fm_inputs 0 _fm_first)
if(CNN_NODE_EXECUTABLE AND EXISTS "${_fm_first}")
  add_custom_command(OUTPUT "${CNN_FASHION_PACK}"
    COMMAND "${CNN_NODE_EXECUTABLE}" "${CMAKE_SOURCE_DIR}/scripts/pack-fashion-mnist.js"
            "${CNN_FASHION_MNIST_DIR}" "${CNN_FASHION_PACK}" 1200 200
    DEPENDS "${CMAKE_SOURCE_DIR}/scripts/pack-fashion-mnist.js" ${_fm_inputs}
    COMMENT "Packing the Fashion-MNIST web subset (12,000 + 2,000 images)" VERBATIM)
  add_custom_target(fashion-mnist-pack ALL DEPENDS "${CNN_FASHION_PACK}")
else()
  message(STATUS "Fashion-MNIST web subset not packed: need node and ${_fm_first} (apt install dataset-fashion-mnist)")
endif()
