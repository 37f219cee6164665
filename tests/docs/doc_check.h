/*
 * doc_check.h — what the documentation test reads out of Markdown pages and
 * `pipe inspect` output: the parameter names a stage page lists, the
 * parameters a stage declares, the `pipe ...` commands and whole pipelines a
 * page shows. Pure functions on text, so that the test can also check them on
 * pages it writes itself.
 */
#ifndef PIPE_DOC_CHECK_H
#define PIPE_DOC_CHECK_H

#include <stddef.h>

/* A list of strings; every string and the array are owned by the list. */
typedef struct doc_list {
    char **items;
    size_t n, cap;
} doc_list;

void doc_list_push(doc_list *l, const char *text, size_t len);
void doc_list_free(doc_list *l);

/* One parameter: its name and default as written (`required` when it has
 * none). */
typedef struct doc_param {
    char *name, *def;
} doc_param;

typedef struct doc_params {
    doc_param *items;
    size_t n, cap;
} doc_params;

void doc_params_free(doc_params *p);

/* The parameters `pipe inspect` printed (its "Parameters:" section).
 * Returns 0, or -1 when the text has no such section. */
int doc_inspect_params(const char *inspect, doc_params *out);

/* The rows "| `name` | type | default | meaning |" of the page's
 * "## Parameters" section (backticks and "\|" escapes removed from the
 * default). Returns 0, or -1 when the page has no such section. */
int doc_page_params(const char *page, doc_params *out);

/* Compare what a page lists with what the stage declares. Returns NULL when
 * they agree, else a malloc'd message naming `page_name`: the parameters
 * missing from the page, those the stage does not declare, defaults that
 * differ, or a different order. */
char *doc_compare_params(const char *page_name, const doc_params *page, const doc_params *declared);

/* Every `pipe` command the page shows: code-block lines (and `&&`-chained
 * parts of them) that start with `build/pipe ` or `pipe ` after optional
 * VAR=value assignments, and inline code spans that start with
 * `build/pipe `. Comments (" # ...") and a synopsis line's description
 * (after three spaces) are cut. Each item is "file:line: " +
 * the command. */
void doc_page_commands(const char *page, const char *file, doc_list *out);

/* The YAML code blocks of the page that are whole pipelines (their first
 * line starts with "pipeline:"), as "file:line:\n" + the block. */
void doc_page_pipelines(const char *page, const char *file, doc_list *out);

#endif
