/*
 * progress.c — progress reporting for long stages: on a terminal one line
 * redrawn at most ten times a second with an ETA; otherwise a line each
 * time another tenth of the work is done; nothing with --quiet.
 */
#include "core.h"

#include <stdio.h>

static void format_seconds(double s, char *buf, size_t size)
{
    if (s < 0 || s > 1e7)
        snprintf(buf, size, "?");
    else if (s >= 3600)
        snprintf(buf, size, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
    else if (s >= 60)
        snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, size, "%.1fs", s);
}

void pipe_progress(pipe_ctx *ctx, int64_t done, int64_t total, const char *fmt, ...)
{
    if (ctx->run->opts->quiet || total <= 0 || pipe_mpi_rank() > 0)
        return;
    double now = pipe_seconds();
    if (ctx->progress_start == 0)
        ctx->progress_start = now;
    int final = done >= total;
    int decile = (int)(10 * done / total);
    int tty = ctx->run->progress_tty;
    if (tty && !final && now - ctx->progress_last < 0.1)
        return;
    if (!tty && decile <= ctx->progress_decile && !(final && ctx->progress_decile < 10))
        return;
    ctx->progress_last = now;
    ctx->progress_decile = decile;
    char text[512], eta[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    double elapsed = now - ctx->progress_start;
    double left = done > 0 ? elapsed * (double)(total - done) / (double)done : -1;
    format_seconds(final ? elapsed : left, eta, sizeof eta);
    fprintf(stderr, "%s[%s] %lld/%lld %s  %s %s%s", tty ? "\r" : "", ctx->spec->id, (long long)done,
            (long long)total, text, final ? "took" : "ETA", eta, tty ? "\033[K" : "\n");
    if (tty && final)
        fputc('\n', stderr);
    fflush(stderr);
}
