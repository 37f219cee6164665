/*
 * test_docs.c — the documentation cannot drift from the program: every
 * stage page lists exactly the parameters `pipe inspect` declares (with
 * their defaults), the README links a page for every stage, every `pipe ...`
 * command shown in README.md, bench/README.md and docs/ parses (`validate`
 * for pipelines, `--help` for the options), and every whole pipeline shown
 * validates.
 */
#include "doc_check.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The Markdown pages a user reads, relative to the source root. */
static void user_pages(doc_list *out)
{
    doc_list_push(out, "README.md", 9);
    doc_list_push(out, "bench/README.md", 15);
    const char *const dirs[] = {"docs", "docs/stages"};
    for (size_t d = 0; d < 2; d++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", PIPE_SOURCE_DIR, dirs[d]);
        DIR *dir = opendir(path);
        cr_assert(dir, "cannot open %s", path);
        for (struct dirent *e; (e = readdir(dir));) {
            size_t len = strlen(e->d_name);
            /* _name.md: notes for the integrator, not a user page */
            if (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0 && e->d_name[0] != '_') {
                snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
                doc_list_push(out, path, strlen(path));
            }
        }
        closedir(dir);
    }
}

static char *read_source(const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", PIPE_SOURCE_DIR, rel);
    char *text = pipe_test_read_file(path, NULL);
    cr_assert(text, "cannot read %s", path);
    return text;
}

/* The user pages into `pages`, and what `extract` finds in them into `out`. */
static void from_user_pages(void (*extract)(const char *, const char *, doc_list *),
                            doc_list *pages, doc_list *out)
{
    user_pages(pages);
    for (size_t i = 0; i < pages->n; i++) {
        char *text = read_source(pages->items[i]);
        extract(text, pages->items[i], out);
        free(text);
    }
}

/* Run pipe with the arguments; returns its stdout (malloc'd) and asserts
 * exit status 0, quoting `where` and stderr otherwise. */
static char *pipe_ok(const char *where, const char *const *args)
{
    pipe_test_result r = pipe_test_run(args);
    cr_expect_eq(r.status, 0, "%s: `pipe %s %s` exited %d: %s", where, args[0],
                 args[1] ? args[1] : "", r.status, r.err);
    char *out = strdup(r.out);
    pipe_test_result_free(&r);
    return out;
}

/* Does every line of `err` say only that a saved model (parameter
 * 'model') does not exist yet? A page shows the run that trains a model
 * before the one that applies it; `validate` checks that the file exists,
 * which it does once the earlier command has run. */
static int only_models_missing(const char *err)
{
    int lines = 0;
    for (const char *line = err; *line; lines++) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char text[4096];
        snprintf(text, sizeof text, "%.*s", (int)len, line);
        if (!strstr(text, ": parameter 'model': '") ||
            !strstr(text, "' cannot be read: No such file or directory"))
            return 0;
        line += len + (end != NULL);
    }
    return lines > 0;
}

/* `pipe validate ...` exits 0, or fails only for models an earlier
 * command of the page makes. */
static void validates(const char *where, const char *const *args)
{
    pipe_test_result r = pipe_test_run(args);
    cr_expect(r.status == 0 || (r.status == 2 && only_models_missing(r.err)),
              "%s: `pipe %s %s` exited %d: %s", where, args[0], args[1] ? args[1] : "", r.status,
              r.err);
    pipe_test_result_free(&r);
}

/* The stages `pipe list` shows. */
static void listed_stages(doc_list *out)
{
    const char *const args[] = {"list", NULL};
    char *text = pipe_ok("pipe list", args);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        doc_list_push(out, line, strcspn(line, " "));
    free(text);
}

static int in_list(const doc_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

Test(docs, compare_params_names_what_differs)
{
    const char *page = "# x\n\n## Parameters\n\n| param | type | default | meaning |\n"
                       "| --- | --- | --- | --- |\n| `a` | int | `1` | one |\n"
                       "| `c` | string | `\"x\\|y\"` | listed, not declared |\n"
                       "| `b` | bool | `false` | two |\n\n## Next\n| `z` | no | `0` | after |\n";
    const char *inspect = "s 1.0 — a stage\n\nParameters:\n"
                          "  a                int         default 2; range [0, 9]\n"
                          "      the doc\n"
                          "  b                bool        default false\n"
                          "  d                string list required\n\nInputs:\n  (none)\n";
    doc_params listed = {0}, declared = {0};
    cr_assert_eq(doc_page_params(page, &listed), 0);
    cr_assert_eq(doc_inspect_params(inspect, &declared), 0);
    cr_assert_eq(listed.n, 3);
    cr_assert_str_eq(listed.items[1].def, "\"x|y\"");
    cr_assert_eq(declared.n, 3);
    cr_assert_str_eq(declared.items[2].name, "d");
    cr_assert_str_eq(declared.items[2].def, "required");
    char *msg = doc_compare_params("p.md", &listed, &declared);
    cr_assert_str_eq(msg, "p.md: parameter 'd' is declared but not listed\n"
                          "p.md: parameter 'a': the page gives the default '1', the stage '2'\n"
                          "p.md: parameter 'c' is listed but not declared\n");
    free(msg);
    doc_params_free(&listed);
    doc_params_free(&declared);
}

Test(docs, commands_and_pipelines_are_found)
{
    const char *page = "text `build/pipe inspect dnn` and `pipe run`\n"
                       "```sh\n"
                       "cmake -B build && PIPE_DATA=x.csv build/pipe run p.yaml  # a comment\n"
                       "$HOME/.local/bin/pipe list\n"
                       "```\n"
                       "```yaml\npipeline: a\nstages: []\n```\n"
                       "  ```yaml\n  - id: x\n  ```\n"
                       "```\npipe validate FILE [--set ...]     check everything\n```\n";
    doc_list cmds = {0}, pipelines = {0};
    doc_page_commands(page, "p.md", &cmds);
    doc_page_pipelines(page, "p.md", &pipelines);
    cr_assert_eq(cmds.n, 3);
    cr_assert_str_eq(cmds.items[0], "p.md:1: build/pipe inspect dnn");
    cr_assert_str_eq(cmds.items[1], "p.md:3:  PIPE_DATA=x.csv build/pipe run p.yaml");
    cr_assert_str_eq(cmds.items[2], "p.md:14: pipe validate FILE [--set ...]");
    cr_assert_eq(pipelines.n, 1);
    cr_assert_str_eq(pipelines.items[0], "p.md:7:\npipeline: a\nstages: []\n");
    doc_list_free(&cmds);
    doc_list_free(&pipelines);
}

Test(docs, stage_pages_list_the_declared_parameters)
{
    doc_list stages = {0};
    listed_stages(&stages);
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/stages", PIPE_SOURCE_DIR);
    DIR *dir = opendir(path);
    cr_assert(dir, "cannot open %s", path);
    size_t checked = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0 || e->d_name[0] == '_')
            continue;
        char stage[256];
        snprintf(stage, sizeof stage, "%.*s", (int)(len - 3), e->d_name);
        if (!in_list(&stages, stage)) {
            cr_log_info("docs/stages/%s: no stage '%s' is built; not checked", e->d_name, stage);
            continue;
        }
        const char *const args[] = {"inspect", stage, NULL};
        char *inspect = pipe_ok(stage, args);
        snprintf(path, sizeof path, "docs/stages/%s", e->d_name);
        char *page = read_source(path);
        doc_params listed = {0}, declared = {0};
        cr_expect_eq(doc_page_params(page, &listed), 0,
                     "%s: no '## Parameters' section (add the params markers and run "
                     "scripts/docs_params.py)",
                     path);
        cr_assert_eq(doc_inspect_params(inspect, &declared), 0, "pipe inspect %s: %s", stage,
                     inspect);
        char *msg = doc_compare_params(path, &listed, &declared);
        cr_expect(msg == NULL, "%s(run scripts/docs_params.py to rewrite the tables)", msg);
        free(msg);
        doc_params_free(&listed);
        doc_params_free(&declared);
        free(page);
        free(inspect);
        checked++;
    }
    closedir(dir);
    cr_assert_geq(checked, 1, "no stage page was checked");
    doc_list_free(&stages);
}

Test(docs, readme_links_a_page_for_every_stage)
{
    doc_list stages = {0};
    listed_stages(&stages);
    char *readme = read_source("README.md");
    for (size_t i = 0; i < stages.n; i++) {
        char link[512];
        snprintf(link, sizeof link, "](docs/stages/%s.md)", stages.items[i]);
        cr_expect(strstr(readme, link) != NULL,
                  "README.md: the stage table has no line for '%s' (expected a link %s)",
                  stages.items[i], link + 2);
    }
    size_t lines = 0;
    for (const char *p = readme; *p; p++)
        lines += *p == '\n';
    cr_expect_leq(lines, 450, "README.md has %zu lines; keep it under 450 (move text to docs/)",
                  lines);
    free(readme);
    doc_list_free(&stages);
}

/* Is an argument a placeholder of a synopsis (FILE, STAGE.PARAM=VALUE,
 * [--set ...], <stage>, a | b)? */
static int is_placeholder(const char *arg)
{
    if (strpbrk(arg, "[]<>|") || strstr(arg, "..."))
        return 1;
    int upper = 0;
    for (const char *p = arg; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            return 0;
        upper |= *p >= 'A' && *p <= 'Z';
    }
    return upper;
}

/* Check one command shown in the docs (`where`: "file:line: command"). */
static void check_command(const char *where, char *cmd)
{
    char *args[64];
    size_t n = 0;
    doc_list env = {0};
    int placeholder = 0;
    for (char *tok = strtok(cmd, " "); tok && n < 63; tok = strtok(NULL, " ")) {
        if (n == 0 && strcmp(tok, "build/pipe") != 0 && strcmp(tok, "pipe") != 0) {
            doc_list_push(&env, tok, strlen(tok)); /* VAR=value */
            continue;
        }
        /* --replay names a run.json that exists once the run has been
         * made: checked like a synopsis, against `pipe run --help` */
        if (n > 0)
            placeholder |= is_placeholder(tok) || !strcmp(tok, "--replay");
        args[n++] = tok;
    }
    cr_assert_geq(n, 2, "%s: no command after pipe", where);
    const char *command = args[1];
    int asks_help = 0;
    for (size_t i = 1; i < n; i++)
        asks_help |= !strcmp(args[i], "--help");
    int takes_file = !strcmp(command, "run") || !strcmp(command, "validate");
    if (asks_help) {
        args[n] = NULL;
        free(pipe_ok(where, (const char *const *)args + 1));
    } else if (command[0] == '-' || placeholder || (takes_file && n < 3) ||
               (!strcmp(command, "inspect") && n < 3)) {
        /* a synopsis: the command and its options must be in its help */
        const char *const help[] = {command, command[0] == '-' ? NULL : "--help", NULL};
        char *text = pipe_ok(where, help);
        for (size_t i = 2; i < n && command[0] != '-'; i++) {
            const char *opt = args[i] + strspn(args[i], "[");
            size_t len = strcspn(opt, "]=");
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)len, opt);
            if (strncmp(name, "--", 2) == 0)
                cr_expect(strstr(text, name) != NULL, "%s: `pipe %s --help` has no %s", where,
                          command, name);
        }
        free(text);
    } else if (takes_file) {
        /* pipelines: `validate` with the --set and --plugin-path options;
         * the run-only options must exist in `run --help` */
        const char *const run_help[] = {"run", "--help", NULL};
        char *help = pipe_ok(where, run_help);
        const char *vargs[64] = {"validate"};
        size_t m = 1;
        for (size_t i = 2; i < n; i++) {
            if (strncmp(args[i], "--", 2) != 0) {
                vargs[m++] = args[i];
                continue;
            }
            cr_expect(strstr(help, args[i]) != NULL, "%s: `pipe run --help` has no %s", where,
                      args[i]);
            int with_value = strcmp(args[i], "--quiet") != 0 && i + 1 < n;
            if (!strcmp(args[i], "--set") || !strcmp(args[i], "--plugin-path")) {
                vargs[m++] = args[i];
                if (with_value)
                    vargs[m++] = args[i + 1];
            } else if (!strcmp(args[i], "--expect") && with_value) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", PIPE_SOURCE_DIR, args[i + 1]);
                cr_expect(access(path, R_OK) == 0, "%s: no expectation file %s", where,
                          args[i + 1]);
            }
            i += with_value;
        }
        vargs[m] = NULL;
        for (size_t i = 0; i < env.n; i++) {
            char *eq = strchr(env.items[i], '=');
            *eq = '\0';
            setenv(env.items[i], eq + 1, 1);
        }
        validates(where, vargs);
        for (size_t i = 0; i < env.n; i++)
            unsetenv(env.items[i]);
        free(help);
    } else {
        args[n] = NULL;
        free(pipe_ok(where, (const char *const *)args + 1));
    }
    doc_list_free(&env);
}

Test(docs, every_command_shown_parses)
{
    doc_list pages = {0}, cmds = {0};
    from_user_pages(doc_page_commands, &pages, &cmds);
    int quick_start = 0;
    for (size_t i = 0; i < cmds.n; i++) {
        char *cmd = strstr(cmds.items[i], ": ") + 2;
        quick_start |= strstr(cmds.items[i], "README.md:") == cmds.items[i] &&
                       !strcmp(cmd, " build/pipe run pipelines/dnn_regression.yaml");
        char *where = strdup(cmds.items[i]);
        check_command(where, cmd);
        free(where);
    }
    cr_expect(quick_start, "the quick start's `build/pipe run` was not among the %zu commands",
              cmds.n);
    cr_log_info("%zu commands checked in %zu pages", cmds.n, pages.n);
    doc_list_free(&cmds);
    doc_list_free(&pages);
}

Test(docs, every_pipeline_shown_validates)
{
    doc_list pages = {0}, pipelines = {0};
    from_user_pages(doc_page_pipelines, &pages, &pipelines);
    cr_assert_geq(pipelines.n, 2, "found %zu whole pipelines in the pages", pipelines.n);
    char *dir = pipe_test_tmpdir();
    for (size_t i = 0; i < pipelines.n; i++) {
        char *yaml = strchr(pipelines.items[i], '\n') + 1;
        char where[4096];
        snprintf(where, sizeof where, "%.*s", (int)(yaml - 1 - pipelines.items[i]),
                 pipelines.items[i]);
        char *path = pipe_test_write_file(dir, "shown.yaml", yaml);
        const char *const args[] = {"validate", path, NULL};
        free(pipe_ok(where, args));
        free(path);
    }
    free(dir);
    doc_list_free(&pipelines);
    doc_list_free(&pages);
}
