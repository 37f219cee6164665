/*
 * png_out.c — the canvas as a PNG file, written with libpng: 8-bit RGB,
 * a pHYs chunk with the DPI, and one text chunk per provenance entry
 * (tEXt when the text is ASCII, iTXt UTF-8 otherwise). Nothing depends on
 * the clock, so the same drawing always gives the same bytes.
 */
#include "draw.h"

#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static void on_png_error(png_structp png, png_const_charp message)
{
    plot_err *err = png_get_error_ptr(png);
    plot_fail(err, "cannot write the PNG: %s", message);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

/* A PNG keyword: 1–79 printable Latin-1 characters, no leading, trailing
 * or double spaces. We accept the ASCII subset. */
static int valid_keyword(const char *key)
{
    size_t len = strlen(key);
    if (len < 1 || len > 79 || key[0] == ' ' || key[len - 1] == ' ' || strstr(key, "  "))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (key[i] < 0x20 || key[i] > 0x7E)
            return 0;
    return 1;
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s > 0x7E)
            return 0;
    return 1;
}

/* Fill libpng's text records; returns -1 for a bad keyword. */
static int make_text(const plot_png_text *text, size_t n, png_text *out, plot_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!valid_keyword(text[i].key))
            return plot_fail(err, "bad PNG text keyword \"%s\" (1–79 printable ASCII characters)",
                             text[i].key);
        const char *value = text[i].value ? text[i].value : "";
        out[i].compression =
            is_ascii(value) ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE;
        out[i].key = (png_charp)text[i].key;
        out[i].text = (png_charp)value;
        out[i].text_length = strlen(value);
    }
    return 0;
}

/* Convert one cairo RGB24 row (native-endian 0x00RRGGBB words) to RGB. */
static void pack_row(const uint32_t *src, int width, png_bytep dst)
{
    for (int x = 0; x < width; x++) {
        uint32_t p = src[x];
        dst[3 * x] = (png_byte)(p >> 16);
        dst[3 * x + 1] = (png_byte)(p >> 8);
        dst[3 * x + 2] = (png_byte)p;
    }
}

/* The libpng calls; on error libpng jumps back here through the error
 * handler. `png` and `info` are created by the caller. */
static int write_image(png_structp png, png_infop info, const plot_canvas *cv, FILE *out,
                       png_text *chunks, size_t n_text, png_bytep row)
{
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_init_io(png, out);
    png_set_IHDR(png, info, (png_uint_32)cv->width, (png_uint_32)cv->height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 per_metre = (png_uint_32)lround(cv->dpi / 0.0254);
    png_set_pHYs(png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
    if (n_text)
        png_set_text(png, info, chunks, (int)n_text);
    /* plots are mostly flat colour: the "up" filter alone compresses
     * nearly as well as the adaptive choice at a third of the time */
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(png, 6);
    png_write_info(png, info);
    const unsigned char *data = cairo_image_surface_get_data(cv->surface);
    int stride = cairo_image_surface_get_stride(cv->surface);
    for (int y = 0; y < cv->height; y++) {
        pack_row((const uint32_t *)(const void *)(data + (size_t)y * stride), cv->width, row);
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    return 0;
}

int plot_png_write(const plot_canvas *cv, FILE *out, const plot_png_text *text, size_t n_text,
                   plot_err *err)
{
    cairo_surface_flush(cv->surface);
    png_text *chunks = calloc(n_text ? n_text : 1, sizeof *chunks);
    png_bytep row = malloc((size_t)cv->width * 3);
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, err, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int rc = -1;
    if (!chunks || !row || !png || !info)
        plot_fail(err, "out of memory writing the PNG");
    else if (make_text(text, n_text, chunks, err) == 0)
        rc = write_image(png, info, cv, out, chunks, n_text, row);
    png_destroy_write_struct(&png, &info);
    free(row);
    free(chunks);
    return rc;
}
