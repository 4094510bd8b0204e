// The system zlib (Debian: zlib1g-dev for the header; zlib1g, which every Debian system has, at run time).
#include <zlib.h>
