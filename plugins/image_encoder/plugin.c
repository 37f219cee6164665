/*
 * plugin.c — the `image_encoder` stage: the SDK adapter around pipe_image
 * (encode.h). Reads the electrons' quantities from an events table by
 * column name, normalises them (tabular: with the scaler stage's own code
 * when standard or minmax), and publishes the images.
 */
#include "encode.h"
#include "scaler.h"
#include "table/table.h"

#include <math.h>
#include <pipe/pipe.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl encoder_params[] = {
    {"scheme", PIPE_PARAM_CHOICE, "tabular", 0, 0, "tabular|eta_phi",
     "tabular: the study's 3-channel 2x3 image, one cell per quantity and electron; eta_phi: "
     "each electron's pt deposited in an eta x phi grid (see the description)"},
    {"normalize", PIPE_PARAM_CHOICE, "standard", 0, 0, "standard|minmax|fixed|none",
     "tabular: standard or minmax per cell, fitted on the split's train rows (as the scaler "
     "stage; the params output holds the fit); fixed: momenta and energies / momentum_scale, "
     "eta / 2.5, phi / pi; none: the values as they are"},
    {"momentum_scale", PIPE_PARAM_FLOAT, "50", 1e-6, 1e6, NULL,
     "GeV: tabular with normalize fixed divides pt, E, px, py, pz by it; eta_phi cells hold "
     "pt / momentum_scale"},
    {"grid", PIPE_PARAM_INT_LIST, "[32, 32]", 1, 1024, NULL,
     "eta_phi: cells along eta and along phi"},
    {"eta_max", PIPE_PARAM_FLOAT, "2.5", 0.01, 10, NULL,
     "eta_phi: the grid covers |eta| < eta_max (electrons beyond go to the edge row, counted "
     "in the metric outside)"},
    {"charge_channels", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "eta_phi: two channels, Q > 0 in channel 0 and Q < 0 in channel 1 (columns Q1, Q2)"},
};

static const pipe_port_decl encoder_inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0,
     "the events, with columns pt1, E1, eta1, phi1, px1, py1, pz1 and the same for electron 2 "
     "(eta_phi: pt, eta, phi, and Q with charge_channels)"},
    {"split", PIPE_DT(PIPE_U8), 1, 1,
     "tabular standard/minmax: the row split; the normalisation is fitted on its train rows "
     "(without it: on all rows)"},
    {"params", PIPE_DT(PIPE_F64), 2, 1,
     "tabular standard/minmax: a saved normalisation (the params output of an earlier run) "
     "applied instead of fitting one"},
};

static const pipe_port_decl encoder_outputs[] = {
    {"images", PIPE_DT(PIPE_F32), 4, 0,
     "one image per row: N x 3 x 2 x 3 (tabular) or N x C x n_eta x n_phi (eta_phi)"},
    {"params", PIPE_DT(PIPE_F64), 2, 1,
     "tabular standard/minmax: the normalisation, 2 rows (mean, std or min, max) x 14 columns "
     "pt1 ... pz2, as the scaler stage writes it"},
};

static int is_tabular(const pipe_ctx *ctx)
{
    return strcmp(pipe_param_string(ctx, "scheme"), "tabular") == 0;
}

/* standard or minmax: the cells are normalised by a fitted scaling. */
static int is_fitted(const pipe_ctx *ctx)
{
    const char *n = pipe_param_string(ctx, "normalize");
    return is_tabular(ctx) && (strcmp(n, "standard") == 0 || strcmp(n, "minmax") == 0);
}

static int encoder_check(pipe_ctx *ctx)
{
    static const char *const eta_phi_only[] = {"grid", "eta_max", "charge_channels"};
    int status = 0, tabular = is_tabular(ctx);
    for (size_t i = 0; i < PIPE_COUNT(eta_phi_only); i++)
        if (tabular && pipe_param_given(ctx, eta_phi_only[i]))
            status = pipe_param_error(ctx, eta_phi_only[i],
                                      "is only used with scheme: eta_phi (scheme is tabular)");
    if (!tabular && pipe_param_given(ctx, "normalize"))
        status = pipe_param_error(ctx, "normalize",
                                  "is only used with scheme: tabular (eta_phi cells hold "
                                  "pt / momentum_scale)");
    if (tabular && pipe_param_given(ctx, "momentum_scale") &&
        strcmp(pipe_param_string(ctx, "normalize"), "fixed") != 0)
        status = pipe_param_error(ctx, "momentum_scale",
                                  "is only used with normalize: fixed or scheme: eta_phi "
                                  "(normalize is %s)",
                                  pipe_param_string(ctx, "normalize"));
    if (!tabular && pipe_param_count(ctx, "grid") != 2)
        status = pipe_param_error(ctx, "grid", "expected [eta cells, phi cells], found %zu values",
                                  pipe_param_count(ctx, "grid"));
    const char *ports[2] = {"split", "params"};
    for (int i = 0; i < 2; i++)
        if (!is_fitted(ctx) && pipe_input_name(ctx, ports[i]))
            status = pipe_error(ctx,
                                "input '%s' is only used with scheme: tabular and normalize: "
                                "standard or minmax",
                                ports[i]);
    if (!is_fitted(ctx) && pipe_output_name(ctx, "params"))
        status = pipe_error(ctx, "output 'params' is only made with scheme: tabular and "
                                 "normalize: standard or minmax");
    if (pipe_input_name(ctx, "params") && pipe_output_name(ctx, "params"))
        status = pipe_error(ctx, "output 'params' holds a fitted normalisation; with the "
                                 "params input nothing is fitted: remove one of the two");
    return status;
}

/* The normalisation fitted on the split's train rows (all rows without a
 * split), or NULL after a reported error. */
static pipe_tensor *fit_scaling(pipe_ctx *ctx, const pipe_tensor *table, const int64_t *cols,
                                size_t n, pipe_scaler_method method)
{
    const pipe_tensor *split = pipe_input(ctx, "split");
    char err[1024];
    if (split && split->shape[0] != table->shape[0]) {
        pipe_error(ctx, "the split '%s' has %lld rows, the table '%s' %lld",
                   pipe_input_name(ctx, "split"), (long long)split->shape[0],
                   pipe_input_name(ctx, "table"), (long long)table->shape[0]);
        return NULL;
    }
    uint8_t *use = split ? malloc((size_t)table->shape[0] + 1) : NULL;
    if (split && !use) {
        pipe_error(ctx, "out of memory");
        return NULL;
    }
    for (int64_t r = 0; use && r < table->shape[0]; r++)
        use[r] = ((const uint8_t *)split->data)[r] == PIPE_PART_TRAIN;
    pipe_tensor *fit = pipe_scaler_fit(table, cols, (int64_t)n, use, method, err, sizeof err);
    free(use);
    if (!fit)
        pipe_error(ctx, "cannot fit the normalisation: %s", err);
    return fit;
}

/* The table with the 14 cells' columns normalised (standard or minmax),
 * the fit published as the params output when wanted; NULL after a
 * reported error. */
static pipe_tensor *normalised_table(pipe_ctx *ctx, const pipe_tensor *table, const int64_t *cols,
                                     size_t n)
{
    pipe_scaler_method method = strcmp(pipe_param_string(ctx, "normalize"), "minmax") == 0
                                    ? PIPE_SCALER_MINMAX
                                    : PIPE_SCALER_STANDARD;
    const pipe_tensor *saved = pipe_input(ctx, "params");
    pipe_tensor *fit = saved ? NULL : fit_scaling(ctx, table, cols, n, method);
    if (!saved && !fit)
        return NULL;
    char err[1024];
    pipe_tensor *scaled = pipe_scaler_apply(table, saved ? saved : fit, method, err, sizeof err);
    if (!scaled)
        pipe_error(ctx, "cannot apply the normalisation%s%s: %s", saved ? " " : "",
                   saved ? pipe_input_name(ctx, "params") : "", err);
    if (scaled && fit && pipe_output_wanted(ctx, "params")) {
        if (pipe_output(ctx, "params", fit) != 0) {
            pipe_tensor_release(scaled);
            return NULL;
        }
    } else {
        pipe_tensor_release(fit);
    }
    return scaled;
}

/* Every value must be finite: report the first that is not. */
static int check_finite(pipe_ctx *ctx, const pipe_tensor *table, const int64_t *cols, size_t n)
{
    const double *data = table->data;
    for (int64_t r = 0; r < table->shape[0]; r++)
        for (size_t k = 0; k < n; k++) {
            double v = data[r * table->shape[1] + cols[k]];
            if (!isfinite(v))
                return pipe_error(ctx,
                                  "table '%s' row %lld: column '%s' is %g; drop or fill such "
                                  "rows first (cleaner)",
                                  pipe_input_name(ctx, "table"), (long long)r,
                                  table->columns[cols[k]], v);
        }
    return 0;
}

static int encode_tabular(pipe_ctx *ctx, const pipe_tensor *table, const int64_t *cols)
{
    size_t n = 2 * PIPE_IMAGE_QUANTITIES;
    int64_t rows = table->shape[0];
    const int64_t shape[4] = {rows, PIPE_IMAGE_TABULAR_C, PIPE_IMAGE_TABULAR_H,
                              PIPE_IMAGE_TABULAR_W};
    pipe_tensor *scaled = is_fitted(ctx) ? normalised_table(ctx, table, cols, n) : NULL;
    if (is_fitted(ctx) && !scaled)
        return -1;
    const pipe_tensor *source = scaled ? scaled : table;
    double *values = malloc((size_t)rows * n * sizeof *values + 1);
    pipe_tensor *images = pipe_tensor_new(PIPE_F32, 4, shape);
    const double *data = source->data;
    for (int64_t r = 0; values && r < rows; r++)
        for (size_t k = 0; k < n; k++)
            values[(size_t)r * n + k] = data[r * source->shape[1] + cols[k]];
    int fixed = strcmp(pipe_param_string(ctx, "normalize"), "fixed") == 0;
    if (values && images)
        pipe_image_tabular_encode(values, rows, fixed ? pipe_param_float(ctx, "momentum_scale") : 0,
                                  images->data);
    free(values);
    pipe_tensor_release(scaled);
    if (!values || !images) {
        pipe_tensor_release(images);
        return pipe_error(ctx, "out of memory");
    }
    pipe_metric(ctx, "rows", (double)rows);
    pipe_log(ctx, "%lld events -> %lld x 3 x 2 x 3 tabular images (normalize: %s)", (long long)rows,
             (long long)rows, pipe_param_string(ctx, "normalize"));
    return pipe_output(ctx, "images", images);
}

static int encode_eta_phi(pipe_ctx *ctx, const pipe_tensor *table)
{
    static const char *const names[8] = {"pt1", "eta1", "phi1", "Q1", "pt2", "eta2", "phi2", "Q2"};
    pipe_image_grid g = {(int)pipe_param_int_at(ctx, "grid", 0),
                         (int)pipe_param_int_at(ctx, "grid", 1), pipe_param_float(ctx, "eta_max"),
                         pipe_param_bool(ctx, "charge_channels"),
                         pipe_param_float(ctx, "momentum_scale")};
    size_t n_cols = g.charge_channels ? 8 : 6;
    const char *wanted[8];
    for (size_t k = 0, i = 0; i < 8; i++)
        if (g.charge_channels || names[i][0] != 'Q')
            wanted[k++] = names[i];
    int64_t cols[8], rows = table->shape[0];
    char err[1024];
    if (pipe_table_find_all(table, wanted, n_cols, cols, err, sizeof err) != 0)
        return pipe_error(ctx, "table '%s': %s", pipe_input_name(ctx, "table"), err);
    if (check_finite(ctx, table, cols, n_cols) != 0)
        return -1;
    int channels = pipe_image_grid_channels(&g);
    const int64_t shape[4] = {rows, channels, g.n_eta, g.n_phi};
    pipe_tensor *images = pipe_tensor_new(PIPE_F32, 4, shape);
    if (!images)
        return pipe_error(ctx, "out of memory");
    size_t per_image = (size_t)channels * g.n_eta * g.n_phi, per_e = n_cols / 2;
    int64_t outside = 0, shared = 0;
    const double *data = table->data;
    for (int64_t r = 0; r < rows; r++) {
        const double *row = data + r * table->shape[1];
        pipe_image_electron e[2];
        for (int i = 0; i < 2; i++)
            e[i] = (pipe_image_electron){row[cols[i * per_e]], row[cols[i * per_e + 1]],
                                         row[cols[i * per_e + 2]],
                                         g.charge_channels ? row[cols[i * per_e + 3]] : 0};
        float *image = (float *)images->data + (size_t)r * per_image;
        outside += pipe_image_eta_phi_encode(&g, e, 2, image);
        pipe_image_electron back[2];
        shared += pipe_image_eta_phi_decode(&g, image, back, 2) < 2;
    }
    pipe_metric(ctx, "rows", (double)rows);
    pipe_metric(ctx, "outside", (double)outside);
    pipe_metric(ctx, "shared_cells", (double)shared);
    pipe_log(ctx,
             "%lld events -> %lld x %d x %d x %d eta-phi images; %lld electrons beyond |eta| "
             "%g, %lld events with both electrons in one cell",
             (long long)rows, (long long)rows, channels, g.n_eta, g.n_phi, (long long)outside,
             g.eta_max, (long long)shared);
    return pipe_output(ctx, "images", images);
}

static int encoder_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    const pipe_tensor *table = pipe_input(ctx, "table");
    if (!table->columns)
        return pipe_error(ctx, "table '%s' has no column names", pipe_input_name(ctx, "table"));
    if (!is_tabular(ctx))
        return encode_eta_phi(ctx, table);
    int64_t cols[2 * PIPE_IMAGE_QUANTITIES];
    char err[1024];
    if (pipe_table_find_all(table, pipe_image_tabular_columns, PIPE_COUNT(cols), cols, err,
                            sizeof err) != 0)
        return pipe_error(ctx, "table '%s': %s", pipe_input_name(ctx, "table"), err);
    if (check_finite(ctx, table, cols, PIPE_COUNT(cols)) != 0)
        return -1;
    return encode_tabular(ctx, table, cols);
}

static const pipe_plugin encoder_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "image_encoder",
    .version = "1.0.0",
    .summary = "turn dielectron events into images for the cnn stage (tabular or eta-phi)",
    .description =
        "scheme tabular (the study's 3-channel encoding): each event becomes a 3 x 2 x 3 image, "
        "one row per electron (row 0: electron 1, row 1: electron 2), one cell per quantity:\n"
        "               col 0   col 1   col 2\n"
        "    channel 0  pt      E       0\n"
        "    channel 1  eta     phi     0\n"
        "    channel 2  px      py      pz\n"
        "from the columns pt1 E1 eta1 phi1 px1 py1 pz1 pt2 ... pz2. normalize standard (or "
        "minmax) scales each of the 14 cells as the scaler stage does, fitted on the split's "
        "train rows; fixed divides momenta and energies by momentum_scale, eta by 2.5, phi by "
        "pi; none keeps the values. Exactly invertible: every value comes back from its cell to "
        "float precision (with the params output for standard and minmax).\n"
        "scheme eta_phi (jet-image style): a grid of n_eta x n_phi cells over |eta| < eta_max "
        "(rows) and phi in (-pi, pi] (columns); each electron adds pt / momentum_scale to its "
        "cell, in one channel or (charge_channels) channel 0 for Q > 0 and 1 for Q < 0. "
        "Invertible as far as the grid allows: pt exactly, eta and phi to half a cell, unless "
        "both electrons share a cell (metric shared_cells). Images are f32 N x C x H x W. "
        "Metrics: rows; eta_phi also outside (electrons beyond eta_max, put in the edge row) "
        "and shared_cells.",
    .params = encoder_params,
    .n_params = PIPE_COUNT(encoder_params),
    .inputs = encoder_inputs,
    .n_inputs = PIPE_COUNT(encoder_inputs),
    .outputs = encoder_outputs,
    .n_outputs = PIPE_COUNT(encoder_outputs),
    .check = encoder_check,
    .run = encoder_run,
};

PIPE_PLUGIN_DEFINE(encoder_plugin)
