#ifndef SAMTALER_CZLIB_SHIM_H
#define SAMTALER_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro; give Swift a function. */
static inline int samtaler_inflateInit2(z_stream *strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
