/*
 * plotter.c — the `plotter` stage: one plot of a run as a PNG file in the
 * output directory. The `kind` parameter chooses the plot; the inputs it
 * needs are declared optional ports, checked against the kind before the
 * run. Drawing is pipe_plot's (plot.h); this file adapts parameters,
 * writes the file atomically with provenance text chunks, and reports.
 */
#include "plot.h"
#include "plotter_kinds.h"
#include "plotter_provenance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KINDS                                                                                      \
    "loss_curve|pred_vs_true|error_hist|error_vs_true|correlation|mass_spectrum|roc|confusion|"    \
    "score_vs_mass|score_hist|bars|image_grid|class_hist|mean_image"

static const pipe_param_decl plotter_params[] = {
    {"kind", PIPE_PARAM_CHOICE, NULL, 0, 0, KINDS, "the plot to draw (see the inputs each needs)"},
    {"file", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL,
     "PNG file name in the output directory; empty means <kind>.png"},
    {"title", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL,
     "plot title; empty means the kind's own. Markup: x^{2} raises, M_{ee} lowers"},
    {"x_label", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL, "x axis label; empty means the kind's own"},
    {"y_label", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL, "y axis label; empty means the kind's own"},
    {"width", PIPE_PARAM_INT, "1200", 100, 16000, NULL, "image width in pixels"},
    {"height", PIPE_PARAM_INT, "900", 100, 16000, NULL, "image height in pixels"},
    {"dpi", PIPE_PARAM_FLOAT, "150", 10, 2400, NULL,
     "resolution: text and lines are sized in points (1 pt = dpi/72 px); stored in the PNG"},
    {"variable", PIPE_PARAM_STRING, "M", 0, 0, NULL, "name of the plotted quantity in labels"},
    {"unit", PIPE_PARAM_STRING, "GeV", 0, 0, NULL, "its unit in labels; empty for none"},
    {"log_x", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "logarithmic x axis (pred_vs_true, error_vs_true, roc, score_vs_mass)"},
    {"log_y", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "logarithmic y axis (loss_curve, pred_vs_true, error_hist, error_vs_true, score_hist, "
     "class_hist; roc with axes: rejection, where it is on unless set false)"},
    {"axes", PIPE_PARAM_CHOICE, "standard", 0, 0, "standard|rejection|rejection_linear",
     "roc: standard (background efficiency against signal efficiency), rejection (signal "
     "efficiency against background rejection 1/eff_B, log y) or rejection_linear (against "
     "1 - eff_B)"},
    {"bins", PIPE_PARAM_INT, "0", 0, 10000, NULL,
     "histogram or profile bins; 0 means the kind's default (error_hist rounds to a nice width)"},
    {"label_peaks", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "mass_spectrum: name the J/ψ, Υ and Z peaks"},
    {"signed_errors", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "error_hist, error_vs_true: pred − true instead of |pred − true|"},
    {"normalize", PIPE_PARAM_BOOL, "true", 0, 0, NULL,
     "score_hist: scale each class to unit sum (compare shapes)"},
    {"threshold", PIPE_PARAM_FLOAT, "0.5", 0, 0, NULL,
     "confusion, score_hist: score ≥ threshold is class 1 (unless the input `threshold` gives "
     "the model's tuned one)"},
    {"classes", PIPE_PARAM_STRING_LIST, "[background, signal]", 0, 0, NULL,
     "names of label values 0, 1, ... (confusion, score_hist, image_grid; with a table of "
     "class probabilities as score, one per column, default the column names; confusion of "
     "class indices: more than 2 names make it K x K)"},
    {"names", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "roc: legend names of score, score2, ... (default: the tensor names); bars: the models, "
     "one per table row"},
    {"columns", PIPE_PARAM_STRING_LIST, "[]", 0, 0, NULL,
     "correlation: the columns of `table` to correlate; bars: the metric columns; [] means all"},
    {"column", PIPE_PARAM_STRING, "M", 0, 0, NULL,
     "mass_spectrum, score_vs_mass: the mass column of `table`"},
    {"scatter", PIPE_PARAM_CHOICE, "auto", 0, 0, "auto|points|density",
     "scatters as translucent points or a 2-D density; auto uses density above 5000 points"},
    {"max_images", PIPE_PARAM_INT, "16", 1, 256, NULL, "image_grid: images shown"},
    {"per_class", PIPE_PARAM_INT, "0", 0, 32, NULL,
     "image_grid: 0, or this many examples of each class of `classes`, one row per class"},
    {"rgb", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "image_grid: show 3-channel images as colour pictures instead of channels side by side"},
    {"log_z", PIPE_PARAM_BOOL, "false", 0, 0, NULL,
     "mean_image: a logarithmic colour scale (down to 1e-5 of the largest mean pixel)"},
    {"part", PIPE_PARAM_CHOICE, "all", 0, 0, "all|train|val|test",
     "plot only the rows of this part of the `split` input"},
    {"source", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL,
     "the data source the subtitle names, e.g. \"real CMS file Zee.csv\" or \"simulated, seed "
     "42\"; empty means the source the runner knows of the plotted input (\"simulated, seed "
     "42\" from a generator, \"real data, FILE\" from the loader), else \"pipeline <name>, seed "
     "<seed>\""},
    {"model", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL,
     "the model the subtitle names; empty means the tensors of pred, score.. or history. "
     "loss_curve: when it is the id of the stage that trained, its recorded best_epoch is the "
     "one marked"},
    {"window", PIPE_PARAM_FLOAT_LIST, "[]", 0, 0, NULL,
     "score_vs_mass: [low, high], the mass window that defines the label (e.g. [80, 100] for "
     "Z candidates), its edges drawn; [] for none"},
    {"loss", PIPE_PARAM_STRING, "\"\"", 0, 0, NULL,
     "loss_curve: the loss and its unit for the y label, e.g. \"MSE [GeV^{2}]\" or \"BCE\"; "
     "empty means \"Loss\""},
};

static const pipe_port_decl plotter_inputs[] = {
    {"history", PIPE_DT(PIPE_F64), 2, 1,
     "loss_curve: the training history table, one row per epoch, columns loss and optionally "
     "epoch, val_loss, mae, val_mae"},
    {"pred", PIPE_DT_FLOAT, 1, 1, "pred_vs_true, error_hist, error_vs_true: predictions"},
    {"true", PIPE_DT_FLOAT, 1, 1,
     "pred_vs_true, error_hist, error_vs_true: true values; correlation: the target, shown "
     "beside the features"},
    {"table", PIPE_DT(PIPE_F64), 2, 1,
     "correlation: the `columns`; mass_spectrum, score_vs_mass: the mass `column`; bars: one "
     "row per model, one column per metric"},
    {"score", PIPE_DT_FLOAT, 0, 1,
     "roc, confusion, score_hist, score_vs_mass: classifier score (probability of class 1), "
     "rank 1 or N x 1; roc, confusion, class_hist: or a model's N x K table of class "
     "probabilities (one-vs-rest curves, K x K matrix of the argmax, per-class histograms); "
     "confusion: or predicted class indices"},
    {"score2", PIPE_DT_FLOAT, 1, 1, "roc: the score of a second model"},
    {"score3", PIPE_DT_FLOAT, 1, 1, "roc: the score of a third model"},
    {"score4", PIPE_DT_FLOAT, 1, 1, "roc: the score of a fourth model"},
    {"label", PIPE_DT_ANY, 1, 1,
     "roc, confusion, score_hist: true class, 0 or 1 (0..K-1 with K classes); image_grid: the "
     "label shown under each image (a class index named by `classes`, or a value such as M); "
     "mean_image: the class index of each image"},
    {"images", PIPE_DT(PIPE_F32), 4, 1, "image_grid, mean_image: images (N, C, H, W)"},
    {"split", PIPE_DT(PIPE_U8), 1, 1, "row split (train/val/test per row), for `part`"},
    {"threshold", PIPE_DT_FLOAT, 1, 1,
     "score_hist, confusion: the threshold the model works at (one value, e.g. a classifier's "
     "tuned `threshold` output), drawn and named \"tuned threshold\"; replaces the parameter"},
    {"weight", PIPE_DT_FLOAT, 1, 1,
     "score_hist, error_hist, mass_spectrum: an event weight per row (e.g. split's weight "
     "output); the histograms sum the weights"},
};

/* Error unless every input the kind needs is mapped and every mapped
 * input is one the kind reads. */
static int check_ports(pipe_ctx *ctx, const plotter_kind *kind)
{
    for (size_t i = 0; i < 3 && kind->needs[i]; i++)
        if (!pipe_input_name(ctx, kind->needs[i]))
            return pipe_param_error(ctx, "kind",
                                    "is '%s', which needs the input '%s', but it is not mapped "
                                    "(add inputs: {%s: <tensor>})",
                                    kind->name, kind->needs[i], kind->needs[i]);
    for (size_t i = 0; i < PIPE_COUNT(plotter_inputs); i++) {
        const char *port = plotter_inputs[i].name, *tensor = pipe_input_name(ctx, port);
        if (tensor && !plotter_kind_uses(kind, port))
            return pipe_param_error(ctx, "kind",
                                    "is '%s', which does not use the input '%s' (mapped to "
                                    "tensor '%s'); remove the mapping or choose another kind",
                                    kind->name, port, tensor);
    }
    if (strcmp(pipe_param_string(ctx, "part"), "all") != 0 && !pipe_input_name(ctx, "split"))
        return pipe_param_error(ctx, "part",
                                "is '%s' but the input 'split' is not mapped (add inputs: "
                                "{split: <tensor>}, or write part: all)",
                                pipe_param_string(ctx, "part"));
    return 0;
}

/* Parameters that only make sense for some kinds. */
static int check_kind_params(pipe_ctx *ctx, const plotter_kind *kind)
{
    if (strcmp(kind->name, "roc") == 0) {
        size_t scores = 0;
        for (size_t i = 0; i < PLOTTER_MAX_SCORES; i++)
            scores += pipe_input_name(ctx, plotter_score_port(i)) != NULL;
        if (pipe_param_count(ctx, "names") > scores)
            return pipe_param_error(ctx, "names",
                                    "gives %zu names for %zu mapped score input%s "
                                    "(score, score2, ...)",
                                    pipe_param_count(ctx, "names"), scores, scores == 1 ? "" : "s");
    }
    if (pipe_input_name(ctx, "threshold") && pipe_param_given(ctx, "threshold"))
        return pipe_param_error(ctx, "threshold",
                                "is given, but the input 'threshold' (tensor '%s') gives the "
                                "threshold too; keep one of them",
                                pipe_input_name(ctx, "threshold"));
    size_t w = pipe_param_count(ctx, "window");
    if (w != 0 && (w != 2 || !(pipe_param_float_at(ctx, "window", 0) <
                               pipe_param_float_at(ctx, "window", 1))))
        return pipe_param_error(ctx, "window", "expected [low, high] with low < high, or []");
    if (strcmp(kind->name, "score_vs_mass") != 0 && w != 0)
        return pipe_param_error(ctx, "window",
                                "is only used by kind 'score_vs_mass' (kind is '%s')", kind->name);
    if (strcmp(kind->name, "roc") != 0 && pipe_param_given(ctx, "axes"))
        return pipe_param_error(ctx, "axes", "is only used by kind 'roc' (kind is '%s')",
                                kind->name);
    if (strcmp(kind->name, "correlation") == 0 && pipe_param_count(ctx, "columns") == 1)
        return pipe_param_error(ctx, "columns",
                                "names 1 column; a correlation matrix needs at "
                                "least 2 (or [] for all)");
    if (strcmp(kind->name, "mean_image") == 0 && pipe_param_count(ctx, "classes") == 0)
        return pipe_param_error(ctx, "classes",
                                "names no class; mean_image averages the images of each class "
                                "(label 0, 1, ...)");
    if (strcmp(kind->name, "confusion") == 0 && pipe_param_count(ctx, "classes") < 2)
        return pipe_param_error(ctx, "classes", "names %zu classes; a confusion matrix needs 2",
                                pipe_param_count(ctx, "classes"));
    return 0;
}

static int plotter_check(pipe_ctx *ctx)
{
    const plotter_kind *kind = plotter_kind_find(pipe_param_string(ctx, "kind"));
    if (!kind)
        return pipe_param_error(ctx, "kind", "unknown kind '%s'", pipe_param_string(ctx, "kind"));
    const char *file = pipe_param_string(ctx, "file");
    size_t len = strlen(file);
    if (len > 0 && (len < 5 || strcmp(file + len - 4, ".png") != 0))
        return pipe_param_error(ctx, "file", "expected a name ending in .png, found \"%s\"", file);
    if (pipe_check_output_param(ctx, "file", 0) != 0)
        return -1;
    return check_ports(ctx, kind) || check_kind_params(ctx, kind) ? -1 : 0;
}

/* The options of the drawing from the parameters; `classes` receives the
 * class names (pipe_param_count(ctx, "classes") of them). */
static void read_options(pipe_ctx *ctx, plot_options *o, const char **classes)
{
    plot_options_init(o);
    o->title = pipe_param_string(ctx, "title");
    o->x_label = pipe_param_string(ctx, "x_label");
    o->y_label = pipe_param_string(ctx, "y_label");
    o->variable = pipe_param_string(ctx, "variable");
    o->unit = pipe_param_string(ctx, "unit");
    o->log_x = pipe_param_bool(ctx, "log_x");
    o->log_y = pipe_param_bool(ctx, "log_y");
    o->bins = (int)pipe_param_int(ctx, "bins");
    o->label_peaks = pipe_param_bool(ctx, "label_peaks");
    o->signed_errors = pipe_param_bool(ctx, "signed_errors");
    o->density = pipe_param_bool(ctx, "normalize");
    o->threshold = pipe_param_float(ctx, "threshold");
    o->n_classes = pipe_param_count(ctx, "classes");
    for (size_t i = 0; i < o->n_classes; i++)
        classes[i] = pipe_param_string_at(ctx, "classes", i);
    o->classes = classes;
    const char *scatter = pipe_param_string(ctx, "scatter");
    o->scatter = strcmp(scatter, "points") == 0    ? PLOT_SCATTER_POINTS
                 : strcmp(scatter, "density") == 0 ? PLOT_SCATTER_DENSITY
                                                   : PLOT_SCATTER_AUTO;
    o->max_images = (size_t)pipe_param_int(ctx, "max_images");
    const char *axes = pipe_param_string(ctx, "axes");
    o->roc_axes = strcmp(axes, "rejection") == 0          ? PLOT_ROC_REJECTION
                  : strcmp(axes, "rejection_linear") == 0 ? PLOT_ROC_REJECTION_LINEAR
                                                          : PLOT_ROC_STANDARD;
    if (o->roc_axes == PLOT_ROC_REJECTION && !pipe_param_given(ctx, "log_y"))
        o->log_y = 1; /* rejection spans decades */
    o->per_class = (size_t)pipe_param_int(ctx, "per_class");
    o->loss_name = pipe_param_string(ctx, "loss");
    if (pipe_param_count(ctx, "window") == 2) {
        o->window_lo = pipe_param_float_at(ctx, "window", 0);
        o->window_hi = pipe_param_float_at(ctx, "window", 1);
    }
    double best;
    if (*pipe_param_string(ctx, "model") &&
        pipe_recorded(ctx, pipe_param_string(ctx, "model"), "best_epoch", &best) && best > 0)
        o->best_epoch = best; /* the epoch metrics.json reports */
    o->rgb = pipe_param_bool(ctx, "rgb");
    o->log_z = pipe_param_bool(ctx, "log_z");
}

/* The tuned threshold of the `threshold` input, when mapped, into
 * o->threshold. Returns 0, or -1 with the error reported. */
static int read_threshold(pipe_ctx *ctx, plot_options *o)
{
    if (!pipe_input_name(ctx, "threshold"))
        return 0;
    const pipe_tensor *t = pipe_input(ctx, "threshold");
    if (!t)
        return -1;
    if (pipe_tensor_count(t) != 1)
        return pipe_error(ctx, "input 'threshold' (tensor '%s') must hold one value, found %lld",
                          pipe_input_name(ctx, "threshold"), (long long)pipe_tensor_count(t));
    double v = pipe_tensor_get(t, 0);
    if (!isfinite(v))
        return pipe_error(ctx,
                          "input 'threshold' (tensor '%s') holds %g; a threshold must be finite",
                          pipe_input_name(ctx, "threshold"), v);
    o->threshold = v;
    o->threshold_name = "tuned threshold";
    return 0;
}

/* Write the canvas as `name` with the provenance text chunks. */
static int write_png(pipe_ctx *ctx, const plot_canvas *cv, const char *name, const char *kind,
                     const plotter_provenance *prov)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)pipe_pipeline_seed(ctx));
    const plot_png_text text[] = {
        {"Software", "pipe " PIPE_PLOT_VERSION},
        {"pipe.pipeline", pipe_pipeline_name(ctx)},
        {"pipe.stage", pipe_stage_id(ctx)},
        {"pipe.version", PIPE_PLOT_VERSION},
        {"pipe.seed", seed},
        {"pipe.kind", kind},
        {"pipe.source", prov->source},
        {"pipe.rows", prov->rows},
        {"pipe.model", prov->model},
        {"pipe.subtitle", prov->subtitle},
    };
    pipe_file *file = pipe_file_open(ctx, name);
    if (!file)
        return -1;
    plot_err err;
    if (plot_png_write(cv, pipe_file_stream(file), text, PIPE_COUNT(text), &err) != 0) {
        pipe_file_abort(file);
        return pipe_error(ctx, "%s: %s", name, err.text);
    }
    return pipe_file_commit(ctx, file);
}

static int plotter_run(pipe_ctx *ctx, void *state)
{
    (void)state;
    double start = pipe_seconds();
    const plotter_kind *kind = plotter_kind_find(pipe_param_string(ctx, "kind"));
    char name[512];
    const char *file = pipe_param_string(ctx, "file");
    snprintf(name, sizeof name, "%s%s", *file ? file : kind->name, *file ? "" : ".png");
    const char **classes = malloc((pipe_param_count(ctx, "classes") + 1) * sizeof *classes);
    plot_err err;
    plot_canvas *cv = classes ? plot_canvas_new((int)pipe_param_int(ctx, "width"),
                                                (int)pipe_param_int(ctx, "height"),
                                                pipe_param_float(ctx, "dpi"), &err)
                              : NULL;
    int rc = -1;
    if (!classes)
        pipe_error(ctx, "out of memory");
    else if (!cv)
        pipe_error(ctx, "%s", err.text);
    else {
        plot_options o;
        read_options(ctx, &o, classes);
        plotter_provenance prov;
        if (read_threshold(ctx, &o) == 0 && plotter_provenance_read(ctx, kind, &prov) == 0) {
            plot_canvas_set_subtitle(cv, prov.subtitle);
            rc = kind->render(ctx, kind, cv, &o) == 0 ? write_png(ctx, cv, name, kind->name, &prov)
                                                      : -1;
        }
    }
    if (rc == 0)
        pipe_log(ctx, "wrote %s (%s, %d×%d px) in %.0f ms", name, kind->name, plot_canvas_width(cv),
                 plot_canvas_height(cv), 1e3 * (pipe_seconds() - start));
    plot_canvas_free(cv);
    free(classes);
    return rc;
}

/* Warn once per run when fontconfig lacks the plot font. */
static int plotter_init(pipe_ctx *ctx, void **state)
{
    (void)state;
    char family[128];
    plot_font_resolved(family, sizeof family);
    if (strcmp(family, PLOT_FONT_FAMILY) != 0)
        pipe_warn(ctx,
                  "font \"%s\" not found (fontconfig gives \"%s\"): install fonts-dejavu-core "
                  "for the intended look",
                  PLOT_FONT_FAMILY, family);
    return 0;
}

/* When the runner unloads the plugin, cairo and fontconfig (loaded for
 * it alone) go too: free their caches first, or they are lost. */
__attribute__((destructor)) static void plotter_unload(void)
{
    plot_library_release();
}

static const pipe_plugin plotter_plugin = {
    PIPE_PLUGIN_ABI,
    .name = "plotter",
    .version = "1.0.0",
    .summary = "draw one plot of the run (13 kinds) as a PNG file",
    .description =
        "Draws the plot chosen by `kind` from the mapped inputs and writes it as an 8-bit RGB "
        "PNG in the output directory (atomically), with text chunks naming the pipeline, stage, "
        "pipe version, seed and kind; the same inputs give byte-identical files. Kinds and their "
        "inputs: loss_curve (history), pred_vs_true, error_hist, error_vs_true (pred, true), "
        "correlation (table + columns), mass_spectrum (table + column, log-log), roc (score, "
        "score2..score4, label; axes: standard, rejection or rejection_linear), confusion and "
        "score_hist (score, label), score_vs_mass (score, table + column), bars (table: one row "
        "per model), image_grid (images, optional label), class_hist (score: a table of class "
        "probabilities, label). With a model's N x K table of class probabilities as score, roc "
        "draws one curve per class against the rest and confusion the K x K matrix of the "
        "argmax, normalised by true class. "
        "mean_image (images and label: the mean image of each class, log_z for a logarithmic "
        "colour scale). "
        "Every kind may take `split` with `part` to plot one part of the rows. Inputs must be "
        "non-empty, finite and of equal length; errors name the port and tensor.",
    .params = plotter_params,
    .n_params = PIPE_COUNT(plotter_params),
    .inputs = plotter_inputs,
    .n_inputs = PIPE_COUNT(plotter_inputs),
    .check = plotter_check,
    .init = plotter_init,
    .run = plotter_run,
};

PIPE_PLUGIN_DEFINE(plotter_plugin)
