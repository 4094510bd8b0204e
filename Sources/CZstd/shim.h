// Debian's libzstd (package libzstd-dev) provides these headers and libzstd.so.
#include <zstd.h>
// ZDICT_trainFromBuffer_fastCover (training with fixed parameters) is in the "static" part of
// zdict.h, which Debian's libzstd.so exports all the same.
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
