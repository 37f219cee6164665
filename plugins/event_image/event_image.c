/*
 * event_image.c — the `event_image` stage: every row of an event table
 * drawn as an N x 3 x H x W f32 picture in the (eta, phi) plane (muons
 * red, electrons green, jets blue, MET a black circle), or as a pT
 * histogram. A thin adapter over pipe_evimg (evimg.h): parameters, the
 * columns of the table, the loop over rows.
 */
#include "evimg.h"
#include "evimg_table.h"

#include <pipe/pipe.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const pipe_param_decl params[] = {
    {"height", PIPE_PARAM_INT, "64", 8, EVIMG_MAX_SIZE, NULL, "image height (phi), pixels"},
    {"width", PIPE_PARAM_INT, "64", 8, EVIMG_MAX_SIZE, NULL, "image width (eta), pixels"},
    {"eta_max", PIPE_PARAM_FLOAT, "5", 0.5, 10, NULL, "eta from -eta_max (left) to eta_max"},
    {"mode", PIPE_PARAM_CHOICE, "discs", 0, 0, "discs|histogram",
     "discs: the study's picture; histogram: pT in eta-phi cells (leptons, jets, MET)"},
    {"renderer", PIPE_PARAM_CHOICE, "direct", 0, 0, "direct|cairo",
     "direct: the fast antialiased rasteriser; cairo: cairo paths (the same picture, slower)"},
    {"radius_base", PIPE_PARAM_FLOAT, "0.25", 0.01, 3, NULL,
     "disc radius at pT = radius_pt, in (eta, phi) units"},
    {"radius_slope", PIPE_PARAM_FLOAT, "0.15", 0, 3, NULL, "radius added per e-fold of pT"},
    {"radius_pt", PIPE_PARAM_FLOAT, "10", 0.1, 1000, NULL, "the pT of radius_base, GeV"},
    {"radius_min", PIPE_PARAM_FLOAT, "0.1", 0, 3, NULL, "smallest radius"},
    {"radius_max", PIPE_PARAM_FLOAT, "0.8", 0.01, 3, NULL, "largest radius"},
    {"line_width", PIPE_PARAM_FLOAT, "1.5", 0.25, 10, NULL, "MET circle line width, pixels"},
    {"hist_unit", PIPE_PARAM_FLOAT, "100", 0.001, 1e6, NULL,
     "histogram mode: GeV per unit of cell value"},
    {"lepton", PIPE_PARAM_CHOICE, "mu", 0, 0, "mu|e",
     "kind of the leptons of a table without lep{i}_pdg columns"},
};

static const pipe_port_decl inputs[] = {
    {"table", PIPE_DT(PIPE_F64), 2, 0,
     "events: the `events` generator's columns, or the CMS dielectron file's"},
};

static const pipe_port_decl outputs[] = {
    {"images", PIPE_DT(PIPE_F32), 4, 0, "N x 3 x height x width pictures"},
};

static void read_config(const pipe_ctx *ctx, evimg_config *cfg)
{
    evimg_config_default(cfg);
    cfg->height = (int)pipe_param_int(ctx, "height");
    cfg->width = (int)pipe_param_int(ctx, "width");
    cfg->eta_max = pipe_param_float(ctx, "eta_max");
    cfg->mode =
        strcmp(pipe_param_string(ctx, "mode"), "histogram") == 0 ? EVIMG_HISTOGRAM : EVIMG_DISCS;
    cfg->radius_base = pipe_param_float(ctx, "radius_base");
    cfg->radius_slope = pipe_param_float(ctx, "radius_slope");
    cfg->radius_pt = pipe_param_float(ctx, "radius_pt");
    cfg->radius_min = pipe_param_float(ctx, "radius_min");
    cfg->radius_max = pipe_param_float(ctx, "radius_max");
    cfg->line_width = pipe_param_float(ctx, "line_width");
    cfg->hist_unit = pipe_param_float(ctx, "hist_unit");
}

static int event_image_check(pipe_ctx *ctx)
{
    evimg_config cfg;
    read_config(ctx, &cfg);
    if (cfg.radius_min > cfg.radius_max)
        return pipe_param_error(ctx, "radius_max",
                                "expected radius_max at least radius_min, found radius_min %g, "
                                "radius_max %g",
                                cfg.radius_min, cfg.radius_max);
    return 0;
}

static void describe(pipe_ctx *ctx, const evimg_columns *c)
{
    if (c->cms)
        pipe_log(ctx,
                 "table of the CMS dielectron file: drawing its %d electrons per event; it has "
                 "no jets and no MET, so none are drawn",
                 c->n_leptons);
    else
        pipe_log(ctx, "drawing %d lepton and %d jet slots per event%s", c->n_leptons, c->n_jets,
                 c->met >= 0 ? " and MET" : "; the table has no MET columns, none is drawn");
}

static int event_image_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    evimg_config cfg;
    read_config(ctx, &cfg);
    const pipe_tensor *t = pipe_input(ctx, "table");
    evimg_columns cols;
    evimg_kind lepton =
        strcmp(pipe_param_string(ctx, "lepton"), "e") == 0 ? EVIMG_ELECTRON : EVIMG_MUON;
    if (evimg_columns_find(t, lepton, &cols) != 0)
        return pipe_error(ctx,
                          "input 'table' (tensor '%s') has no object columns: expected "
                          "lep1_pt, lep1_eta, lep1_phi (the events stage) or pt1, eta1, phi1 "
                          "(the CMS dielectron file)",
                          pipe_input_name(ctx, "table"));
    describe(ctx, &cols);
    int cairo = strcmp(pipe_param_string(ctx, "renderer"), "cairo") == 0;
    int64_t n = pipe_tensor_rows(t);
    int64_t shape[4] = {n, EVIMG_CHANNELS, cfg.height, cfg.width};
    pipe_tensor *images = pipe_tensor_new(PIPE_F32, 4, shape);
    uint32_t *pixels =
        cairo ? malloc((size_t)cfg.height * (size_t)cfg.width * sizeof *pixels) : NULL;
    if (!images || (cairo && !pixels)) {
        pipe_tensor_release(images);
        free(pixels);
        return pipe_error(ctx, "out of memory for %lld images of %d x %d", (long long)n, cfg.height,
                          cfg.width);
    }
    size_t size = EVIMG_CHANNELS * (size_t)cfg.height * (size_t)cfg.width;
    double start = pipe_seconds();
    evimg_object obj[EVIMG_MAX_SLOTS + 1];
    int rc = 0;
    for (int64_t i = 0; i < n && rc == 0; i++) {
        int k = evimg_row_objects(&cols, t, i, obj);
        float *out = (float *)images->data + (size_t)i * size;
        if (cairo && cfg.mode == EVIMG_DISCS)
            rc = evimg_draw_cairo(&cfg, obj, k, pixels, out);
        else
            evimg_draw(&cfg, obj, k, out);
    }
    free(pixels);
    if (rc != 0) {
        pipe_tensor_release(images);
        return pipe_error(ctx, "cairo could not draw on a %d x %d image surface", cfg.height,
                          cfg.width);
    }
    double seconds = pipe_seconds() - start;
    pipe_info(ctx, "seconds_per_100k_events", n > 0 ? seconds * 1e5 / (double)n : 0);
    pipe_metric(ctx, "images", (double)n);
    return pipe_output(ctx, "images", images);
}

static const pipe_plugin event_image_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "event_image",
    .version = "1.0.0",
    .summary = "draw events as (eta, phi) pictures: N x 3 x H x W f32",
    .description =
        "Draws every row of an event table in the (eta, phi) plane, the CMS event-image "
        "convention: white background, muons red, electrons green, jets blue discs whose radius "
        "grows with log pT, MET a black circle at eta = 0, phi = phi_MET; phi wraps around. "
        "Antialiased, straight into the tensor (direct rasteriser, or cairo). mode: histogram "
        "deposits pT / hist_unit in eta-phi cells instead (channels: leptons, jets, MET). Reads "
        "the events stage's columns or the CMS dielectron file's (two electrons, no jets, no "
        "MET). docs/stages/event_image.md.",
    .params = params,
    .n_params = PIPE_COUNT(params),
    .inputs = inputs,
    .n_inputs = PIPE_COUNT(inputs),
    .outputs = outputs,
    .n_outputs = PIPE_COUNT(outputs),
    .check = event_image_check,
    .run = event_image_run,
};

PIPE_PLUGIN_DEFINE(event_image_plugin)
