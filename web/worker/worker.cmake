# The trainer of the page in a dedicated Web Worker (issue 19): the engine without the interface,
# for the SIMD and the scalar engine like the page (loaded by web/shell/trainer_worker.js, which
# picks the build the page picked). Included from web/CMakeLists.txt inside if(EMSCRIPTEN), after
# the page's targets (it uses CNN_SITE_DIR and cnn_engine_scalar).
#
# cnn_add_trainer_worker(NAME ENGINE [extra link options...]): one more variant (the threaded one
# links with -pthread and its own engine).
set(CNN_TRAINER_WORKER_SOURCES ${CMAKE_CURRENT_LIST_DIR}/trainer_worker.cpp)
function(cnn_add_trainer_worker name engine)
  add_executable(${name} ${CNN_TRAINER_WORKER_SOURCES})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  target_link_libraries(${name} PRIVATE ${engine} cnn_deps)
  set_target_properties(${name} PROPERTIES OUTPUT_NAME "${name}" SUFFIX ".js" RUNTIME_OUTPUT_DIRECTORY "${CNN_SITE_DIR}")
  target_link_options(${name} PRIVATE -sENVIRONMENT=worker -sALLOW_MEMORY_GROWTH=1
    -sEXPORTED_FUNCTIONS=_malloc,_free ${ARGN})
  add_dependencies(cnn-sandbox-web ${name})
endfunction()
cnn_add_trainer_worker(cnn-trainer-worker cnn_engine)
if(CNN_WEB_SCALAR)
  cnn_add_trainer_worker(cnn-trainer-worker-scalar cnn_engine_scalar)
endif()
# With wasm threads (SharedArrayBuffer), which a browser gives only to a cross-origin isolated page
# (COOP same-origin + COEP require-corp, as scripts/serve.mjs sends): trainer_worker.js loads it
# then, with a pool of min(navigator.hardwareConcurrency, 4) - 1 pthread Workers (Module.cnnThreadPool,
# set before loading); the engine's threads give the bits of one thread (engine/include/cnn/parallel.h).
cnn_add_trainer_worker(cnn-trainer-worker-threads cnn_engine_pthread -sPTHREAD_POOL_SIZE=Module.cnnThreadPool)
