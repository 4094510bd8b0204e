// Debian's libzstd (package libzstd-dev) provides this header and libzstd.so.
#include <zstd.h>
