/* bytescan-private.h - what the byte scanners share: word tests and the
 * SSE2 skip over 16-byte blocks (decode.c's next_special, hygiene.c's
 * next_stop; kll.c and value.c use the switch only).
 *
 * GS__SSE2 is defined where SSE2 can be used (GCC or Clang with SSE2),
 * unless the file is built with GS_NO_SIMD, as the tests build the scalar
 * scanners to compare them with the SSE2 ones. */
#ifndef GAPSCAN_BYTESCAN_PRIVATE_H
#define GAPSCAN_BYTESCAN_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__) && defined(__GNUC__) && !defined(GS_NO_SIMD)
#include <emmintrin.h>
#define GS__SSE2 1
#endif

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Whether one of the eight bytes of v is 0. */
static inline int has_zero(uint64_t v)
{
    return ((v - ONES) & ~v & HIGHS) != 0;
}

#ifdef GS__SSE2
/* mask16 gives the bytes of p[0..16) a scanner stops at, as a bit mask.
 * Moves *i to the first such byte in the whole 16-byte blocks of p[*i..n),
 * 32 then 16 bytes a test, and returns 1; or past those blocks, returning
 * 0: the caller's word and byte loops go on from there. */
static inline int gs__skip_blocks(const unsigned char *p, size_t *i, size_t n,
                                  unsigned (*mask16)(const unsigned char *))
{
    unsigned m;
    size_t j = *i;
    for (; n - j >= 32; j += 32)
        if ((m = mask16(p + j) | mask16(p + j + 16) << 16) != 0) {
            *i = j + (size_t)__builtin_ctz(m);
            return 1;
        }
    if (n - j >= 16) {
        if ((m = mask16(p + j)) != 0) {
            *i = j + (size_t)__builtin_ctz(m);
            return 1;
        }
        j += 16;
    }
    *i = j;
    return 0;
}
#endif

#endif
