/*
 * csv_table.c — the data rows into a table: an upper bound of the rows
 * from the newlines, the rows parsed straight into the table's memory,
 * then the table trimmed to the rows read.
 *
 * A large file without quotes is split at a newline near its middle and
 * the two halves are parsed at the same time, each into its own block of
 * rows; the second block then moves up to follow the first. (With quotes a
 * newline may sit inside a field, so such files use one thread.)
 */
#include "csv_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Below this many bytes of rows a second thread is not worth starting. */
#define MIN_PARALLEL_BYTES (1 << 20)
#define MAX_JOBS 2

/* One block of lines parsed by one thread. */
typedef struct csv_job {
    csv_cursor cursor;
    const csv_header *header;
    csv_rows rows;
    int64_t *counts; /* 4 * n_selected: rows.blank, rows.non_finite, rows.saved */
    pipe_csv_report report;
    char message[512];
    csv_error error;
    int status;
} csv_job;

/* Number of lines in [p, end): an upper bound of the rows there. */
static int64_t count_lines(const char *p, const char *end)
{
    int64_t lines = 0;
    while (p < end) {
        const char *newline = memchr(p, '\n', (size_t)(end - p));
        lines++;
        if (!newline)
            break;
        p = newline + 1;
    }
    return lines;
}

static void *run_job(void *arg)
{
    csv_job *job = arg;
    job->status = csv_rows_read(&job->cursor, job->header, &job->rows, &job->error);
    return NULL;
}

/* Where to split the text at the cursor: just after the newline nearest
 * its middle, or NULL for one block. */
static const char *split_point(const csv_cursor *c, const pipe_csv_options *opt)
{
    size_t size = (size_t)(c->end - c->p);
    if (opt->threads < 2 || opt->max_rows > 0 || size < MIN_PARALLEL_BYTES ||
        memchr(c->p, '"', size))
        return NULL;
    const char *newline = memchr(c->p + size / 2, '\n', (size_t)(c->end - c->p) - size / 2);
    return newline && newline + 1 < c->end ? newline + 1 : NULL;
}

/* Set up the jobs for the blocks of text at the cursor; returns their
 * count and the total capacity in *capacity, or -1 when out of memory
 * (free the jobs' counts with free_jobs in both cases). */
static int plan_jobs(const csv_cursor *c, const csv_header *h, const pipe_csv_options *opt,
                     const csv_error *e, csv_job *jobs, int64_t *capacity)
{
    const char *split = split_point(c, opt);
    const char *starts[MAX_JOBS + 1] = {c->p, split ? split : c->end, c->end};
    int n_jobs = split ? 2 : 1;
    int64_t line = c->line;
    *capacity = 0;
    memset(jobs, 0, MAX_JOBS * sizeof *jobs);
    for (int i = 0; i < n_jobs; i++) {
        csv_job *job = &jobs[i];
        job->cursor = (csv_cursor){starts[i], starts[i + 1], i ? starts[i] : c->line_start, line,
                                   c->delimiter};
        job->header = h;
        int64_t lines = count_lines(starts[i], starts[i + 1]);
        int64_t rows = opt->max_rows > 0 && opt->max_rows < lines ? opt->max_rows : lines;
        job->counts = calloc((size_t)(4 * h->n_selected + 1), sizeof *job->counts);
        if (!job->counts)
            return -1;
        job->rows = (csv_rows){NULL,
                               rows,
                               opt->skip_bad_rows,
                               csv_fast_supported(),
                               &job->report,
                               job->counts,
                               job->counts + h->n_selected,
                               job->counts + 2 * h->n_selected};
        job->error = (csv_error){e->name, job->message, sizeof job->message};
        line += lines;
        *capacity += rows;
    }
    return n_jobs;
}

static void free_jobs(csv_job *jobs)
{
    for (int i = 0; i < MAX_JOBS; i++)
        free(jobs[i].counts);
}

/* Run the jobs, the first on this thread. */
static void run_jobs(csv_job *jobs, int n_jobs)
{
    pthread_t threads[MAX_JOBS];
    int started[MAX_JOBS] = {0};
    for (int i = 1; i < n_jobs; i++)
        started[i] = pthread_create(&threads[i], NULL, run_job, &jobs[i]) == 0;
    run_job(&jobs[0]);
    for (int i = 1; i < n_jobs; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        else
            run_job(&jobs[i]);
    }
}

/* Add a job's counts of blank and non-finite fields to the report (which
 * takes the first non-finite value in text order). */
static void merge_counts(pipe_csv_report *report, const pipe_csv_report *job, const csv_rows *rows,
                         int64_t n_cols)
{
    if (job->non_finite > 0 && report->non_finite == 0) {
        report->first_non_finite_line = job->first_non_finite_line;
        report->first_non_finite_column = job->first_non_finite_column;
        report->first_non_finite_field = job->first_non_finite_field;
        memcpy(report->first_non_finite_error, job->first_non_finite_error,
               sizeof report->first_non_finite_error);
    }
    report->non_finite += job->non_finite;
    report->blank_fields += job->blank_fields;
    for (int64_t j = 0; report->blank_per_column && j < n_cols; j++) {
        report->blank_per_column[j] += rows->blank[j];
        report->non_finite_per_column[j] += rows->non_finite[j];
    }
}

/* Gather the jobs' rows into one block at the start of the table and
 * their counts into the report. Returns 0, or -1 with the first error
 * (in text order) copied into e. */
static int merge_jobs(const csv_job *jobs, int n_jobs, int64_t n_cols, double *data,
                      pipe_csv_report *report, const csv_error *e)
{
    int64_t rows = 0;
    for (int i = 0; i < n_jobs; i++) {
        const csv_job *job = &jobs[i];
        if (job->status != 0) {
            snprintf(e->text, e->size, "%s", job->message);
            return -1;
        }
        if (job->rows.data != data + rows * n_cols)
            memmove(data + rows * n_cols, job->rows.data,
                    (size_t)(job->report.rows * n_cols) * sizeof *data);
        rows += job->report.rows;
        if (job->report.skipped_rows > 0 && report->skipped_rows == 0) {
            report->first_bad_line = job->report.first_bad_line;
            memcpy(report->first_bad_error, job->report.first_bad_error,
                   sizeof report->first_bad_error);
        }
        report->skipped_rows += job->report.skipped_rows;
        merge_counts(report, &job->report, &job->rows, n_cols);
    }
    report->rows = rows;
    return 0;
}

/* Ask for 2 MB pages for a large fresh table: a few page faults instead
 * of one per 4 KB page (it is only a hint; nothing changes without
 * transparent huge pages). */
static void prefer_huge_pages(void *data, size_t size)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t begin = ((uintptr_t)data + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)data + size) & ~(huge - 1);
    if (end > begin)
        madvise((void *)begin, end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)size;
#endif
}

/* A table of exactly `rows` rows holding the first rows of t (which is
 * released), or t itself when it has that many. */
static pipe_tensor *shrink_rows(pipe_tensor *t, int64_t rows)
{
    if (t->shape[0] == rows)
        return t;
    pipe_tensor *exact = pipe_tensor_new2(PIPE_F64, rows, t->shape[1]);
    if (exact)
        memcpy(exact->data, t->data, (size_t)(rows * t->shape[1]) * sizeof(double));
    pipe_tensor_release(t);
    return exact;
}

/* Name the table's columns after the selected header names. */
static int name_columns(pipe_tensor *t, const csv_header *h)
{
    const char **names = malloc((size_t)(h->n_selected ? h->n_selected : 1) * sizeof *names);
    if (!names)
        return -1;
    for (int64_t j = 0; j < h->n_selected; j++)
        names[j] = h->names[h->source[j]];
    int status = pipe_tensor_set_columns(t, names, h->n_selected);
    free(names);
    return status;
}

/* The report's per-column counts, zeroed, when the options ask for them.
 * Returns 0 or -1. */
static int alloc_column_counts(pipe_csv_report *report, const pipe_csv_options *opt, int64_t n_cols)
{
    if (!opt->column_counts)
        return 0;
    report->n_columns = n_cols;
    report->blank_per_column = calloc((size_t)(2 * n_cols + 1), sizeof(int64_t));
    if (!report->blank_per_column)
        return -1;
    report->non_finite_per_column = report->blank_per_column + n_cols;
    return 0;
}

void pipe_csv_report_free(pipe_csv_report *report)
{
    free(report->blank_per_column); /* one block for both */
    report->blank_per_column = report->non_finite_per_column = NULL;
    report->n_columns = 0;
}

pipe_tensor *csv_table_read(csv_cursor *c, const csv_header *h, const pipe_csv_options *opt,
                            pipe_csv_report *report, const csv_error *e)
{
    csv_job jobs[MAX_JOBS];
    int64_t capacity = 0;
    int n_jobs = plan_jobs(c, h, opt, e, jobs, &capacity);
    pipe_tensor *t = n_jobs > 0 && alloc_column_counts(report, opt, h->n_selected) == 0
                         ? pipe_tensor_new2(PIPE_F64, capacity, h->n_selected)
                         : NULL;
    if (!t) {
        free_jobs(jobs);
        pipe_csv_report_free(report);
        csv_error_here(e, c, c->p, "out of memory for %lld rows of %lld columns",
                       (long long)capacity, (long long)h->n_selected);
        return NULL;
    }
    prefer_huge_pages(t->data, (size_t)(capacity * h->n_selected) * sizeof(double));
    double *block = t->data;
    for (int i = 0; i < n_jobs; i++) {
        jobs[i].rows.data = block;
        block += jobs[i].rows.capacity * h->n_selected;
    }
    report->threads = n_jobs;
    run_jobs(jobs, n_jobs);
    int merged = merge_jobs(jobs, n_jobs, h->n_selected, t->data, report, e);
    free_jobs(jobs);
    if (merged != 0) {
        pipe_tensor_release(t);
        pipe_csv_report_free(report);
        return NULL;
    }
    t = shrink_rows(t, report->rows);
    if (t && name_columns(t, h) != 0) {
        pipe_tensor_release(t);
        t = NULL;
    }
    if (!t) {
        pipe_csv_report_free(report);
        csv_error_here(e, c, c->p, "out of memory building the table");
    }
    return t;
}
