/*
 * png_read.c — decoding PNG files with libpng for the plotter tests. See
 * png_read.h.
 */
#include "png_read.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void read_texts(png_structp png, png_infop info, png_loaded *out)
{
    png_textp texts;
    int n = 0;
    png_get_text(png, info, &texts, &n);
    for (int i = 0; i < n && out->n_text < PNG_READ_MAX_TEXT; i++, out->n_text++) {
        snprintf(out->key[out->n_text], sizeof out->key[0], "%s", texts[i].key);
        snprintf(out->text[out->n_text], sizeof out->text[0], "%s", texts[i].text);
    }
}

/* The libpng calls, jumping back here on error. */
static int decode(png_structp png, png_infop info, FILE *f, png_loaded *out)
{
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_init_io(png, f);
    png_read_info(png, info);
    out->width = (int)png_get_image_width(png, info);
    out->height = (int)png_get_image_height(png, info);
    out->bit_depth = png_get_bit_depth(png, info);
    out->color_type = png_get_color_type(png, info);
    out->interlace = png_get_interlace_type(png, info);
    png_uint_32 xres, yres;
    int unit;
    if (png_get_pHYs(png, info, &xres, &yres, &unit) && unit == PNG_RESOLUTION_METER)
        out->dpi = xres * 0.0254;
    size_t row = png_get_rowbytes(png, info);
    out->rgb = malloc(row * (size_t)out->height);
    if (!out->rgb)
        return -1;
    for (int y = 0; y < out->height; y++)
        png_read_row(png, out->rgb + (size_t)y * row, NULL);
    png_read_end(png, info);
    png_timep time;
    out->has_time = png_get_tIME(png, info, &time) != 0;
    read_texts(png, info, out);
    return 0;
}

int png_load(const char *path, png_loaded *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "%s: cannot open", path);
        return -1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int rc = png && info ? decode(png, info, f, out) : -1;
    if (rc != 0)
        snprintf(err, err_size, "%s: not a valid PNG", path);
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    return rc;
}

void png_loaded_free(png_loaded *p)
{
    free(p->rgb);
    p->rgb = NULL;
}

const char *png_text_of(const png_loaded *p, const char *key)
{
    for (size_t i = 0; i < p->n_text; i++)
        if (strcmp(p->key[i], key) == 0)
            return p->text[i];
    return NULL;
}

uint32_t png_pixel(const png_loaded *p, int x, int y)
{
    const unsigned char *px = p->rgb + ((size_t)y * (size_t)p->width + (size_t)x) * 3;
    return (uint32_t)px[0] << 16 | (uint32_t)px[1] << 8 | px[2];
}
