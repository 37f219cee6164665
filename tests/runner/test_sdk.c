/*
 * test_sdk.c — the SDK as an outside user meets it: install pipe into a
 * prefix with `cmake --install`, build the example plugin of the README
 * (examples/multiply) out of tree with CMake's find_package and with
 * pkg-config, and run it in a pipeline with the installed pipe.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    cr_assert_eq(rc, 0, "command failed (%d): %s", rc, cmd);
}

static const char *const PIPELINE = "pipeline: oot\n"
                                    "stages:\n"
                                    "  - {id: table, plugin: ttable}\n"
                                    "  - id: mev\n"
                                    "    plugin: multiply\n"
                                    "    params: {column: E, factor: 1000}\n"
                                    "    inputs: {table: table}\n"
                                    "    outputs: {table: scaled}\n"
                                    "  - id: sum\n"
                                    "    plugin: tsumcol\n"
                                    "    params: {column: E}\n"
                                    "    inputs: {table: scaled}\n";

/* Run the installed pipe on PIPELINE with plugins from `plugin_dir`;
 * E = 1, 2, 3 GeV becomes 6000 MeV in total. */
static void run_installed(const char *prefix, const char *plugin_dir, const char *dir)
{
    char *yaml = pipe_test_write_file(dir, "oot.yaml", PIPELINE);
    sh("%s/bin/pipe run %s --quiet --out %s/out --plugin-path %s --plugin-path %s", prefix, yaml,
       dir, plugin_dir, TEST_PLUGIN_DIR);
    char path[4096];
    snprintf(path, sizeof path, "%s/out/metrics.json", dir);
    char *metrics = pipe_test_read_file(path, NULL);
    cr_assert(metrics && strstr(metrics, "\"sum\": {\n    \"sum\": 6000\n  }"), "%s", metrics);
    free(metrics);
    free(yaml);
}

Test(sdk, out_of_tree_plugin_with_cmake_and_pkg_config, .timeout = 300)
{
    char *dir = pipe_test_tmpdir();
    sh("cmake --install %s --prefix %s/prefix > %s/install.log", PIPE_BINARY_DIR, dir, dir);
    /* CMake package */
    sh("cmake -S %s/examples/multiply -B %s/cm -DCMAKE_PREFIX_PATH=%s/prefix > %s/cm.log && "
       "cmake --build %s/cm >> %s/cm.log",
       PIPE_SOURCE_DIR, dir, dir, dir, dir, dir);
    char plugin_dir[4096], prefix[4096];
    snprintf(prefix, sizeof prefix, "%s/prefix", dir);
    snprintf(plugin_dir, sizeof plugin_dir, "%s/cm", dir);
    run_installed(prefix, plugin_dir, dir);
    /* pkg-config */
    sh("mkdir -p %s/pc && PKG_CONFIG_PATH=%s/prefix/lib/pkgconfig cc -std=c11 -Wall -Wextra "
       "-Werror -shared -fPIC -o %s/pc/multiply.so %s/examples/multiply/multiply.c "
       "$(PKG_CONFIG_PATH=%s/prefix/lib/pkgconfig pkg-config --cflags --libs pipe)",
       dir, dir, dir, PIPE_SOURCE_DIR, dir);
    snprintf(plugin_dir, sizeof plugin_dir, "%s/pc", dir);
    run_installed(prefix, plugin_dir, dir);
    sh("rm -rf %s", dir);
    free(dir);
}

Test(sdk, readme_shows_the_tested_example)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/README.md", PIPE_SOURCE_DIR);
    char *readme = pipe_test_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/examples/multiply/multiply.c", PIPE_SOURCE_DIR);
    char *code = pipe_test_read_file(path, NULL);
    cr_assert(readme && code);
    const char *section = strstr(readme, "## Writing a stage plugin");
    cr_assert(section);
    const char *block = strstr(section, "```c\n");
    cr_assert(block);
    cr_assert(strncmp(block + 5, code, strlen(code)) == 0,
              "README's plugin differs from examples/multiply/multiply.c "
              "(run scripts/sync_readme_example.py)");
    size_t lines = 0;
    for (const char *c = code; *c; c++)
        lines += *c == '\n';
    cr_assert_leq(lines, 60, "the README's example plugin stays under 60 lines");
    free(readme);
    free(code);
}
