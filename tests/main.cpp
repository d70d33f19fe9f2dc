// The doctest runner. The same binary runs natively and, built with Emscripten, under node.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
