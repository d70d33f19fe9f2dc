// js_export.h: CNN_EXPORT marks a C function the page's JavaScript calls through Module.ccall:
// kept alive and unmangled in the wasm build, a plain extern "C" function natively.
#pragma once

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define CNN_EXPORT extern "C" EMSCRIPTEN_KEEPALIVE
#else
#define CNN_EXPORT extern "C"
#endif
