/*
 * png_read.h — decoding the plotter's PNG files with libpng in the tests:
 * header fields, text chunks, resolution and the pixels as RGB.
 */
#ifndef PLOTTER_TEST_PNG_READ_H
#define PLOTTER_TEST_PNG_READ_H

#include <stddef.h>
#include <stdint.h>

#define PNG_READ_MAX_TEXT 16

typedef struct png_loaded {
    int width, height, bit_depth, color_type, interlace;
    double dpi;   /* from pHYs, 0 when absent */
    int has_time; /* a tIME chunk was present */
    size_t n_text;
    char key[PNG_READ_MAX_TEXT][80];
    char text[PNG_READ_MAX_TEXT][256];
    unsigned char *rgb; /* width * height * 3 bytes (as stored, for RGB files) */
} png_loaded;

/* Decode the file at `path`. Returns 0, or -1 with a message in err. */
int png_load(const char *path, png_loaded *out, char *err, size_t err_size);
void png_loaded_free(png_loaded *p);

/* The text of chunk `key`, or NULL. */
const char *png_text_of(const png_loaded *p, const char *key);
/* Pixel (x, y) as 0xRRGGBB. */
uint32_t png_pixel(const png_loaded *p, int x, int y);

#endif
