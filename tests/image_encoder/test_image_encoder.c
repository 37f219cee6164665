/*
 * test_image_encoder.c — the image_encoder stage: the tabular layout and
 * its exact inversion on the real events of dielectron_sample.csv (read
 * here by a parser of this test), the eta_phi grid's cells and its
 * inversion as far as the grid allows, and the stage end to end (images
 * and the fitted normalisation written with the writer stage, read back
 * and inverted), with its errors.
 */
#include "encode.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The real events: every column by name, as doubles. */
typedef struct events {
    int rows, cols;
    char names[32][16];
    double *v; /* rows × cols */
} events;

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
    size_t lead = strspn(s, " ");
    memmove(s, s + lead, n - lead + 1);
}

static events read_events(void)
{
    char *path = pipe_test_shared_file("dielectron_sample.csv");
    char *text = pipe_test_read_file(path, NULL);
    cr_assert(text, "cannot read %s", path);
    events e = {0};
    e.v = malloc(2000 * 32 * sizeof *e.v);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *field_save = NULL;
        int c = 0;
        for (char *f = strtok_r(line, ",", &field_save); f; f = strtok_r(NULL, ",", &field_save)) {
            if (e.cols == 0 || c >= e.cols) {
                snprintf(e.names[c], sizeof e.names[c], "%s", f);
                trim(e.names[c]);
            } else {
                e.v[e.rows * e.cols + c] = strtod(f, NULL);
            }
            c++;
        }
        if (e.cols == 0)
            e.cols = c;
        else
            e.rows++;
    }
    free(text);
    free(path);
    cr_assert(e.rows > 1000, "expected the 1288 events, found %d", e.rows);
    return e;
}

static double column(const events *e, int row, const char *name)
{
    for (int c = 0; c < e->cols; c++)
        if (strcmp(e->names[c], name) == 0)
            return e->v[row * e->cols + c];
    cr_assert_fail("no column %s", name);
    return 0;
}

/* The 14 tabular quantities of every event. */
static double *tabular_values(const events *e)
{
    double *values = malloc((size_t)e->rows * 14 * sizeof *values);
    for (int r = 0; r < e->rows; r++)
        for (int k = 0; k < 14; k++)
            values[r * 14 + k] = column(e, r, pipe_image_tabular_columns[k]);
    return values;
}

Test(image_encoder, tabular_layout_puts_each_quantity_in_its_cell)
{
    double values[14];
    for (int k = 0; k < 14; k++)
        values[k] = k + 1; /* pt1 = 1, E1 = 2, ..., pz2 = 14 */
    float image[18];
    pipe_image_tabular_encode(values, 1, 0, image);
    /* channel 0: [pt1 E1 0; pt2 E2 0], channel 1: [eta1 phi1 0; eta2 phi2 0],
     * channel 2: [px1 py1 pz1; px2 py2 pz2] */
    const float want[18] = {1, 2, 0, 8, 9, 0, 3, 4, 0, 10, 11, 0, 5, 6, 7, 12, 13, 14};
    for (int i = 0; i < 18; i++)
        cr_assert_eq(image[i], want[i], "cell %d: %g, expected %g", i, image[i], want[i]);
    pipe_image_tabular_encode(values, 1, 50, image);
    cr_assert_float_eq(image[0], 1.0f / 50, 1e-9);         /* pt1 / 50 */
    cr_assert_float_eq(image[6], (float)(3 / 2.5), 1e-7);  /* eta1 / 2.5 */
    cr_assert_float_eq(image[7], (float)(4 / M_PI), 1e-7); /* phi1 / pi */
    cr_assert_float_eq(image[17], 14.0f / 50, 1e-8);       /* pz2 / 50 */
}

Test(image_encoder, tabular_is_exactly_invertible_on_real_events)
{
    events e = read_events();
    double *values = tabular_values(&e), *back = malloc((size_t)e.rows * 14 * sizeof *back);
    float *images = malloc((size_t)e.rows * 18 * sizeof *images);
    const double scales[2] = {0, 50};
    for (int s = 0; s < 2; s++) {
        pipe_image_tabular_encode(values, e.rows, scales[s], images);
        pipe_image_tabular_decode(images, e.rows, scales[s], back);
        for (int i = 0; i < e.rows * 14; i++) {
            /* The file keeps 6 significant digits: the float cell gives
             * back the same 6-digit text. */
            char a[32], b[32];
            snprintf(a, sizeof a, "%.6g", values[i]);
            snprintf(b, sizeof b, "%.6g", back[i]);
            cr_assert_str_eq(b, a, "row %d, %s (scale %g): %s decoded as %s", i / 14,
                             pipe_image_tabular_columns[i % 14], scales[s], a, b);
            cr_assert(fabs(back[i] - values[i]) <= 1.2e-7 * fabs(values[i]));
        }
    }
    free(images);
    free(back);
    free(values);
    free(e.v);
}

static const pipe_image_grid grid = {32, 32, 2.5, 1, 50};

Test(image_encoder, eta_phi_cells_at_the_edges)
{
    int outside;
    cr_assert_eq(pipe_image_phi_col(&grid, M_PI), 31);
    cr_assert_eq(pipe_image_phi_col(&grid, -M_PI), 31); /* -pi is pi */
    cr_assert_eq(pipe_image_phi_col(&grid, -M_PI + 1e-9), 0);
    cr_assert_eq(pipe_image_phi_col(&grid, 0), 15); /* (-pi/16, 0] */
    cr_assert_eq(pipe_image_phi_col(&grid, 1e-9), 16);
    cr_assert_eq(pipe_image_eta_row(&grid, 0, &outside), 16);
    cr_assert_eq(outside, 0);
    cr_assert_eq(pipe_image_eta_row(&grid, 2.4999, &outside), 31);
    cr_assert_eq(outside, 0);
    cr_assert_eq(pipe_image_eta_row(&grid, 3.1, &outside), 31);
    cr_assert_eq(outside, 1);
    cr_assert_eq(pipe_image_eta_row(&grid, -2.5, &outside), 0);
    cr_assert_eq(outside, 1);
    cr_assert_float_eq(pipe_image_eta_centre(&grid, 0), -2.5 + 5.0 / 64, 1e-12);
    cr_assert_float_eq(pipe_image_phi_centre(&grid, 31), M_PI - M_PI / 32, 1e-12);
}

/* Δφ wrapped into (-pi, pi]. */
static double delta_phi(double a, double b)
{
    double d = fmod(a - b + M_PI, 2 * M_PI);
    return (d <= 0 ? d + 2 * M_PI : d) - M_PI;
}

Test(image_encoder, eta_phi_gives_back_pt_exactly_and_the_angles_to_half_a_cell)
{
    events e = read_events();
    float image[2 * 32 * 32];
    int checked = 0;
    for (int r = 0; r < e.rows; r++) {
        pipe_image_electron el[2];
        for (int i = 0; i < 2; i++) {
            char n[4][8];
            snprintf(n[0], 8, "pt%d", i + 1);
            snprintf(n[1], 8, "eta%d", i + 1);
            snprintf(n[2], 8, "phi%d", i + 1);
            snprintf(n[3], 8, "Q%d", i + 1);
            el[i] = (pipe_image_electron){column(&e, r, n[0]), column(&e, r, n[1]),
                                          column(&e, r, n[2]), column(&e, r, n[3])};
        }
        memset(image, 0, sizeof image);
        int outside = pipe_image_eta_phi_encode(&grid, el, 2, image);
        if (outside)
            continue; /* clamped to the edge row: not invertible in eta */
        pipe_image_electron back[3];
        int found = pipe_image_eta_phi_decode(&grid, image, back, 3);
        cr_assert_eq(found, 2, "row %d: %d deposits", r, found); /* no shared cell here */
        for (int i = 0; i < 2; i++) {
            /* the deposit in the electron's own cell */
            int match = -1;
            for (int k = 0; k < 2; k++)
                if (fabs(back[k].eta - el[i].eta) <= 2.5 / 32 + 1e-12 &&
                    fabs(delta_phi(back[k].phi, el[i].phi)) <= M_PI / 32 + 1e-12 &&
                    back[k].q == el[i].q)
                    match = k;
            cr_assert(match >= 0, "row %d electron %d: no deposit within half a cell", r, i + 1);
            char a[32], b[32];
            snprintf(a, sizeof a, "%.6g", el[i].pt);
            snprintf(b, sizeof b, "%.6g", back[match].pt);
            cr_assert_str_eq(b, a, "row %d electron %d: pt", r, i + 1);
        }
        checked++;
    }
    cr_assert(checked > 1200, "only %d of %d events inside |eta| < 2.5", checked, e.rows);
    free(e.v);
}

Test(image_encoder, eta_phi_shared_cell_sums_pt)
{
    pipe_image_grid g = grid;
    g.charge_channels = 0;
    pipe_image_electron el[2] = {{10, 0.01, 0.02, 1}, {20, 0.02, 0.03, -1}};
    float image[32 * 32] = {0};
    cr_assert_eq(pipe_image_eta_phi_encode(&g, el, 2, image), 0);
    pipe_image_electron back[2];
    cr_assert_eq(pipe_image_eta_phi_decode(&g, image, back, 2), 1);
    cr_assert_float_eq(back[0].pt, 30, 1e-5);
    cr_assert_eq(back[0].q, 0);
}

/* ------------------------------------------------------------------ */
/* The stage                                                            */
/* ------------------------------------------------------------------ */

/* The data of an .npy file of float32 (header checked), and its shape. */
static float *read_npy(const char *path, int64_t shape[4])
{
    size_t size;
    char *bytes = pipe_test_read_file(path, &size);
    cr_assert(bytes && size > 10 && memcmp(bytes, "\x93NUMPY", 6) == 0, "%s is not .npy", path);
    size_t header = (unsigned char)bytes[8] | (size_t)(unsigned char)bytes[9] << 8;
    char *dict = strndup(bytes + 10, header);
    cr_assert(strstr(dict, "'descr': '<f4'"), "dtype: %s", dict);
    cr_assert_eq(sscanf(strstr(dict, "'shape': ("), "'shape': (%ld, %ld, %ld, %ld)", &shape[0],
                        &shape[1], &shape[2], &shape[3]),
                 4, "%s", dict);
    size_t count = (size_t)(shape[0] * shape[1] * shape[2] * shape[3]);
    cr_assert_eq(size, 10 + header + count * 4);
    float *data = malloc(count * sizeof *data);
    memcpy(data, bytes + 10 + header, count * sizeof *data);
    free(dict);
    free(bytes);
    return data;
}

static const char *stage_yaml =
    "pipeline: encode\n"
    "seed: 3\n"
    "stages:\n"
    "  - id: load\n"
    "    plugin: loader\n"
    "    params: {path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"}\n"
    "    outputs: {table: events}\n"
    "  - id: split\n"
    "    plugin: split\n"
    "    inputs: {table: events}\n"
    "    outputs: {split: split}\n"
    "  - id: encode\n"
    "    plugin: image_encoder\n"
    "    inputs: {table: events, split: split}\n"
    "    outputs: {images: images, params: norm}\n"
    "  - id: images\n"
    "    plugin: writer\n"
    "    inputs: {table: images}\n"
    "    params: {path: images.npy}\n"
    "  - id: norm\n"
    "    plugin: writer\n"
    "    inputs: {table: norm}\n"
    "    params: {path: norm.csv}\n";

Test(image_encoder, stage_standardises_on_train_rows_and_inverts_with_its_params)
{
    events e = read_events();
    pipe_test_pipeline p = pipe_test_pipeline_run("run", stage_yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 0, "%s", p.r.err);
    char path[1024];
    snprintf(path, sizeof path, "%s/images.npy", p.out);
    int64_t shape[4];
    float *images = read_npy(path, shape);
    cr_assert(shape[0] == e.rows && shape[1] == 3 && shape[2] == 2 && shape[3] == 3);
    /* norm.csv: header pt1,...,pz2 then the means, then the stds */
    char *norm = pipe_test_pipeline_output(&p, "norm.csv");
    double mean[14], sd[14];
    char *line2 = strchr(norm, '\n') + 1, *line3 = strchr(line2, '\n') + 1;
    cr_assert(strncmp(norm, "pt1,E1,eta1,phi1,px1,py1,pz1,pt2,", 33) == 0, "%s", norm);
    for (int k = 0; k < 14; k++) {
        mean[k] = strtod(line2, &line2);
        sd[k] = strtod(line3, &line3);
        line2 += *line2 == ',';
        line3 += *line3 == ',';
    }
    double *values = tabular_values(&e);
    double mean_cells = 0;
    for (int r = 0; r < e.rows; r++)
        for (int k = 0; k < 14; k++) {
            int cell = pipe_image_tabular_cell(k % 7, k / 7);
            double v = images[r * 18 + cell];
            double back = v * sd[k] + mean[k], want = values[r * 14 + k];
            cr_assert(fabs(back - want) <= 2e-6 * (fabs(want) + sd[k]),
                      "row %d %s: %.9g from the image, %.9g in the file", r,
                      pipe_image_tabular_columns[k], back, want);
            mean_cells += v;
        }
    /* standardised on the train rows: near zero mean over all rows */
    cr_assert(fabs(mean_cells / (e.rows * 14.0)) < 0.1);
    cr_assert(strstr(p.r.err, "[encode] 1288 events -> 1288 x 3 x 2 x 3 tabular images "
                              "(normalize: standard)"),
              "%s", p.r.err);
    free(values);
    free(norm);
    free(images);
    free(e.v);
    pipe_test_pipeline_free(&p);
}

Test(image_encoder, validation_errors_name_the_place)
{
    const char *yaml = "pipeline: bad\n"
                       "stages:\n"
                       "  - id: sim\n"
                       "    plugin: simulate\n"
                       "    params: {events: 10}\n"
                       "    outputs: {table: events}\n"
                       "  - id: encode\n"
                       "    plugin: image_encoder\n"
                       "    inputs: {table: events}\n"
                       "    params: {grid: [16, 16], normalize: fixed, momentum_scale: 10}\n";
    pipe_test_pipeline p = pipe_test_pipeline_run("validate", yaml, NULL, NULL);
    cr_assert_eq(p.r.status, 2);
    cr_assert(strstr(p.r.err, "p.yaml:10:20: stage 'encode': parameter 'grid': is only used "
                              "with scheme: eta_phi (scheme is tabular)"),
              "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}

Test(image_encoder, missing_column_is_named_with_a_suggestion)
{
    const char *yaml = "pipeline: bad\n"
                       "stages:\n"
                       "  - id: load\n"
                       "    plugin: loader\n"
                       "    params:\n"
                       "      path: \"${PIPE_SHARED_DATA}/dielectron_sample.csv\"\n"
                       "      columns: [E1, px1, py1, pz1, pt1, eta1, phi1, E2, px2, py2, pz2,"
                       " pt2, eta2]\n"
                       "    outputs: {table: events}\n"
                       "  - id: encode\n"
                       "    plugin: image_encoder\n"
                       "    inputs: {table: events}\n";
    pipe_test_pipeline p = pipe_test_pipeline_run("run", yaml, NULL, NULL);
    cr_assert_neq(p.r.status, 0);
    cr_assert(strstr(p.r.err, "no column 'phi2'"), "%s", p.r.err);
    pipe_test_pipeline_free(&p);
}
