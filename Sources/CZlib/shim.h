// Debian's zlib (package zlib1g-dev) provides this header and libz.so.
#include <zlib.h>
