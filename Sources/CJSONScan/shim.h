#ifndef CJSONSCAN_SHIM_H
#define CJSONSCAN_SHIM_H
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// The 16 bytes at `p` as a JSON string's scan sees them: bit k of the low half is set when byte k is '"', '\\'
/// or below 0x20 (the bytes a string cannot pass whole), bit k of the high half when byte k is 0x80 or above.
/// Swift's SIMD types compile these comparisons to a loop a byte at a time; SSE2 does them in one instruction each.
static inline uint32_t cjson_scan16(const uint8_t *p) {
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22));
    __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x5c));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
    uint32_t stops = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
    uint32_t high = (uint32_t)_mm_movemask_epi8(v);
    return stops | high << 16;
#else
    uint32_t stops = 0, high = 0;
    for (int k = 0; k < 16; k++) {
        uint8_t b = p[k];
        if (b == 0x22 || b == 0x5c || b < 0x20) stops |= 1u << k;
        if (b >= 0x80) high |= 1u << k;
    }
    return stops | high << 16;
#endif
}

#endif
