/*
 * csv_fast.c — the SIMD path of a data row: a whole line of plain numbers
 * parsed field by field with 16-byte vector operations (x86-64 with AVX2,
 * chosen at run time; other machines, or a build with -DPIPE_CSV_NO_SIMD,
 * use the scalar path of csv_rows.c).
 *
 * The delimiters and newlines come from one 64-byte bitmask per block of
 * text (two AVX2 compares), so finding the next field is a bit scan that
 * does not wait for the previous field's parse. Each numeric field is one
 * unaligned 16-byte load ending at its end (the field right-aligned),
 * checked to be [+-]digits[.digits] and converted: the lanes before it
 * are cleared, the point cut out by one byte shuffle, and the digits
 * valued by multiply-adds as in simdjson's eight-digit parser. With at
 * most 15 digits, the mantissa and the power of ten are exact doubles and
 * their one division rounds exactly like strtod (Clinger's fast path).
 *
 * Anything else — a blank, a quote, an exponent, a long field, a CR, a
 * wrong field count, the last 80 bytes of the text — stops the run of
 * rows before that row, which the scalar path then parses from its start
 * or reports exactly as before: this path never reports anything itself.
 */
#include "csv_internal.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(PIPE_CSV_NO_SIMD)
#include <immintrin.h>

#define CSV_FAST_TARGET __attribute__((target("avx2,bmi")))

static const double fast_pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/* The vector constants. `window` is read 16 bytes at a time from an
 * offset k: byte j is 0xff when j + k < 16, so it gives "the first 16 - k
 * lanes" masks without a table per k. */
typedef struct fast_constants {
    uint8_t zero_char[16], nine[16], point[16], quote[16], cr[16];
    uint8_t iota[16], tens[16];
    int16_t hundreds[8], ten_thousands[8];
    uint8_t window[32];
} fast_constants;

#define FAST_16(x)                                                                                 \
    {                                                                                              \
        x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x                                             \
    }
static const fast_constants fast_k __attribute__((aligned(16))) = {
    FAST_16('0'),
    FAST_16(9),
    FAST_16('.'),
    FAST_16('"'),
    FAST_16('\r'),
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1},
    {100, 1, 100, 1, 100, 1, 100, 1},
    {10000, 1, 10000, 1, 10000, 1, 10000, 1},
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff},
};

#define FAST_LOAD(field) _mm_load_si128((const __m128i *)(const void *)fast_k.field)
#define FAST_WINDOW(k) _mm_loadu_si128((const __m128i *)(const void *)(fast_k.window + (k)))

/* The byte splats, kept in registers for the whole loop: the compiler
 * would otherwise rebuild each one (two instructions) at every use. */
typedef struct fast_splats {
    __m128i zero_char, nine, point, quote, cr;
} fast_splats;

/* The value of the digit bytes d (0 to 9 each, the most significant
 * first, unused lanes 0): two 8-digit halves, then one 64-bit sum. */
CSV_FAST_TARGET static inline uint64_t value_16_digits(__m128i d)
{
    __m128i pairs = _mm_maddubs_epi16(d, FAST_LOAD(tens));
    __m128i quads = _mm_madd_epi16(pairs, FAST_LOAD(hundreds));
    __m128i octets = _mm_madd_epi16(_mm_packus_epi32(quads, quads), FAST_LOAD(ten_thousands));
    uint64_t high = (uint32_t)_mm_cvtsi128_si32(octets);
    uint64_t low = (uint32_t)_mm_extract_epi32(octets, 1);
    return high * 100000000u + low;
}

/* The numeric field [s, e), with the 16 bytes before e readable: its
 * value in *out, or 0 when it is not in the fast form. The field is read
 * right-aligned (its last character in lane 15). */
CSV_FAST_TARGET static inline int fast_number(const char *s, const char *e, const fast_splats *k,
                                              double *out)
{
    unsigned negative = *s == '-';
    const char *p = s + (negative | (*s == '+'));
    unsigned length = (unsigned)(e - p);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(e - 16));
    __m128i d = _mm_sub_epi8(v, k->zero_char);
    unsigned digits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, k->nine), d));
    unsigned points = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, k->point));
    unsigned inside = (0xffffu << ((16 - length) & 31)) & 0xffffu;
    unsigned others = ~digits & inside;
    unsigned has_point = others != 0;
    /* at most 16 characters, nothing but digits and at most one point, 1 to
     * 15 digits */
    if (((others & ~points) | (others & (others - 1)) | (length > 16) |
         ((length - has_point - 1) >= 15)) != 0)
        return 0;
    unsigned n_fraction = has_point ? 15 - (unsigned)__builtin_ctz(others) : 0;
    /* the lanes before the field become 0, then the digits before the
     * point move one lane up over it */
    __m128i field = _mm_andnot_si128(FAST_WINDOW(length), d);
    __m128i shift = _mm_add_epi8(FAST_LOAD(iota), FAST_WINDOW(has_point ? n_fraction : 16));
    __m128i packed = _mm_shuffle_epi8(field, shift);
    double value = (double)value_16_digits(packed) / fast_pow10[n_fraction];
    __m128d sign = _mm_castsi128_pd(_mm_cvtsi64_si128((long long)((uint64_t)negative << 63)));
    _mm_store_sd(out, _mm_xor_pd(_mm_set_sd(value), sign));
    return 1;
}

/* A field [s, e) of a column that is not loaded, with the 16 bytes before
 * e readable: nonzero when it is under 16 characters with no quote or CR. */
CSV_FAST_TARGET static inline int fast_skip(const char *s, const char *e, const fast_splats *k)
{
    unsigned length = (unsigned)(e - s);
    if (length > 15)
        return 0;
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(e - 16));
    unsigned odd = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, k->quote), _mm_cmpeq_epi8(v, k->cr)));
    return (odd >> (16 - length)) == 0;
}

/* The delimiters and newlines of the 64 bytes at p, one bit per byte. */
CSV_FAST_TARGET static inline uint64_t structure_bits(const char *p, __m256i delimiter)
{
    const __m256i newline = _mm256_set1_epi8('\n');
    __m256i low = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i high = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
    uint32_t low_bits = (uint32_t)_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(low, delimiter), _mm256_cmpeq_epi8(low, newline)));
    uint32_t high_bits = (uint32_t)_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(high, delimiter), _mm256_cmpeq_epi8(high, newline)));
    return (uint64_t)high_bits << 32 | low_bits;
}

/* Rows from p while they are in the fast form (see csv_fast_rows); the
 * 16 bytes before p are readable. A block of 64 bytes is scanned only
 * when 16 more follow it, so every field of it has 16 readable bytes
 * after its start. */
CSV_FAST_TARGET static int64_t fast_rows(const char *p, const char *end, const csv_header *h,
                                         double *data, int64_t max_rows, char delimiter_char,
                                         const char **next)
{
    const __m256i delimiter = _mm256_set1_epi8(delimiter_char);
    fast_splats k = {FAST_LOAD(zero_char), FAST_LOAD(nine), FAST_LOAD(point), FAST_LOAD(quote),
                     FAST_LOAD(cr)};
    __asm__("" : "+x"(k.zero_char), "+x"(k.nine), "+x"(k.point), "+x"(k.quote), "+x"(k.cr));
    const int64_t n_fields = h->n_fields, n_selected = h->n_selected;
    const int64_t *target = h->target;
    int64_t rows = 0;
    *next = p;
    if (end - p < 80)
        return 0;
    const char *block = p;
    uint64_t bits = structure_bits(block, delimiter);
    for (; rows < max_rows; rows++) {
        double *row = data + rows * n_selected;
        const char *start = p;
        for (int64_t field = 0; field < n_fields; field++) {
            while (bits == 0) {
                block += 64;
                if (end - block < 80)
                    return rows;
                bits = structure_bits(block, delimiter);
            }
            const char *stop = block + __builtin_ctzll(bits);
            bits &= bits - 1;
            int64_t column = target[field];
            int ok = column >= 0 ? fast_number(start, stop, &k, &row[column])
                                 : fast_skip(start, stop, &k);
            /* a delimiter after every field but the last, a newline after it */
            if (!ok || (*stop == '\n') != (field + 1 == n_fields))
                return rows;
            start = stop + 1;
        }
        p = *next = start;
    }
    return rows;
}

int csv_fast_supported(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
}

int64_t csv_fast_rows(const char *begin, const char *p, const char *end, const csv_header *h,
                      double *data, int64_t max_rows, char delimiter, const char **next)
{
    *next = p;
    if (p - begin < 16)
        return 0; /* the first field is read from the 16 bytes before its end */
    return fast_rows(p, end, h, data, max_rows, delimiter, next);
}

#else /* no SIMD path: every row goes through the scalar path */

int csv_fast_supported(void)
{
    return 0;
}

int64_t csv_fast_rows(const char *begin, const char *p, const char *end, const csv_header *h,
                      double *data, int64_t max_rows, char delimiter, const char **next)
{
    (void)begin;
    (void)end;
    (void)h;
    (void)data;
    (void)max_rows;
    (void)delimiter;
    *next = p;
    return 0;
}

#endif
