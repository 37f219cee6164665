/*
 * test_dnn_resume.c — resumable training through `pipe run`: a training
 * killed with SIGKILL at a random moment and continued with --resume ends
 * with metrics.json and the model file byte for byte those of an
 * uninterrupted run; checkpoints of another run are refused; a run
 * without --resume starts over; a complete run removes its checkpoints.
 */
#include "test_support.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Dropout, batch normalisation, a plateau schedule and early stopping with
 * restore-best: every piece of state a checkpoint must carry. */
static const char pipeline[] =
    "pipeline: resume\n"
    "seed: 7\n"
    "stages:\n"
    "  - id: simulate\n"
    "    plugin: simulate\n"
    "    params: {events: 6000}\n"
    "    outputs: {table: events}\n"
    "  - id: features\n"
    "    plugin: features\n"
    "    inputs: {table: events}\n"
    "    params:\n"
    "      columns: [E1, px1, py1, pz1, eta1, phi1, Q1, E2, px2, py2, pz2, eta2, phi2, Q2]\n"
    "      target: M\n"
    "    outputs: {table: inputs, target: mass}\n"
    "  - id: split\n"
    "    plugin: split\n"
    "    inputs: {table: inputs}\n"
    "    params: {fractions: [0.8, 0.1, 0.1]}\n"
    "    outputs: {split: split}\n"
    "  - id: scale\n"
    "    plugin: scaler\n"
    "    inputs: {table: inputs, split: split}\n"
    "    outputs: {table: scaled, params: scaler}\n"
    "  - id: dnn\n"
    "    plugin: dnn\n"
    "    inputs: {x: scaled, y: mass, split: split, scaler: scaler}\n"
    "    params:\n"
    "      layers: [32, 16]\n"
    "      dropout: 0.1\n"
    "      batchnorm: true\n"
    "      schedule: plateau\n"
    "      lr_patience: 3\n"
    "      patience: 25\n"
    "      epochs: 40\n"
    "      checkpoint_every: 1\n"
    "    outputs: {pred: pred}\n";

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* `pipe run p.yaml --out OUT --quiet [extra]` in the background. */
static pid_t start_run(const char *yaml, const char *out)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(PIPE_EXE, PIPE_EXE, "run", yaml, "--out", out, "--quiet", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Start a run into OUT and SIGKILL it a random moment after its first
 * checkpoint: returns 1 when the kill landed (0: the run had finished). */
static int run_and_kill(const char *yaml, const char *out, const char *ckpt, unsigned *seed)
{
    pid_t pid = start_run(yaml, out);
    for (int i = 0; i < 60000 && !exists(ckpt); i++)
        sleep_us(1000);
    cr_assert(exists(ckpt), "no checkpoint %s appeared within a minute", ckpt);
    *seed = *seed * 1103515245u + 12345u;
    sleep_us((long)((*seed >> 8) % 40000)); /* 0 to 40 ms: some epochs and steps later */
    int killed = kill(pid, SIGKILL) == 0;
    int status;
    waitpid(pid, &status, 0);
    return killed && WIFSIGNALED(status);
}

static pipe_test_result run_args(const char *yaml, const char *out, const char *a, const char *b,
                                 const char *c)
{
    const char *args[] = {"run", yaml, "--out", out, a, b, c, NULL};
    return pipe_test_run(args);
}

/* The files of an uninterrupted run into DIR/ref. */
static void reference(const char *dir, const char *yaml, char **metrics, char **model,
                      size_t *model_size)
{
    char *ref = path_in(dir, "ref");
    pipe_test_result r = run_args(yaml, ref, "--quiet", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    *metrics = pipe_test_read_in(ref, "metrics.json");
    char *model_path = path_in(ref, "model.safetensors");
    *model = pipe_test_read_file(model_path, model_size);
    cr_assert(*metrics && *model);
    free(model_path);
    pipe_test_result_free(&r);
    free(ref);
}

Test(dnn_resume, a_training_killed_at_a_random_step_resumes_byte_for_byte)
{
    char *dir = pipe_test_tmpdir();
    char *yaml = pipe_test_write_file(dir, "p.yaml", pipeline);
    char *out = path_in(dir, "out"), *ckpt_dir = path_in(dir, ".out.checkpoints");
    char *ckpt = path_in(ckpt_dir, "dnn.ckpt");
    char *metrics, *model;
    size_t model_size;
    reference(dir, yaml, &metrics, &model, &model_size);
    unsigned seed = (unsigned)time(NULL);
    cr_log_info("kill seed %u", seed);
    int killed = 0;
    for (int round = 0; round < 5 && !killed; round++)
        killed = run_and_kill(yaml, out, ckpt, &seed);
    cr_assert(killed, "the training always finished before the kill");
    cr_assert(exists(ckpt), "the killed run's checkpoint stays");
    pipe_test_result r = run_args(yaml, out, "--resume", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    int epoch = 0;
    const char *at = strstr(r.err, "[dnn] resumed after epoch ");
    cr_assert(at && sscanf(at, "[dnn] resumed after epoch %d from", &epoch) == 1, "%s", r.err);
    cr_assert(epoch >= 1 && epoch < 40, "resumed after epoch %d", epoch);
    char *got = pipe_test_read_in(out, "metrics.json");
    cr_assert_str_eq(got, metrics, "metrics.json after resuming at epoch %d", epoch);
    char *model_path = path_in(out, "model.safetensors");
    size_t size;
    char *got_model = pipe_test_read_file(model_path, &size);
    cr_assert(got_model && size == model_size && memcmp(got_model, model, size) == 0,
              "model.safetensors after resuming at epoch %d differs", epoch);
    cr_assert_not(exists(ckpt_dir), "a complete run removes its checkpoints");
    free(got_model);
    free(model_path);
    free(got);
    pipe_test_result_free(&r);
    free(metrics);
    free(model);
    free(ckpt);
    free(ckpt_dir);
    free(out);
    free(yaml);
    free(dir);
}

Test(dnn_resume, checkpoints_of_another_run_are_refused)
{
    char *dir = pipe_test_tmpdir();
    char *yaml = pipe_test_write_file(dir, "p.yaml", pipeline);
    char *out = path_in(dir, "out"), *ckpt_dir = path_in(dir, ".out.checkpoints");
    char *ckpt = path_in(ckpt_dir, "dnn.ckpt");
    unsigned seed = 3;
    int killed = 0;
    for (int round = 0; round < 5 && !killed; round++)
        killed = run_and_kill(yaml, out, ckpt, &seed);
    cr_assert(killed);
    char *manifest = pipe_test_read_in(ckpt_dir, "manifest.json");
    char key[17] = "";
    const char *at = strstr(manifest, "\"run_key\": \"");
    cr_assert(at && sscanf(at + 12, "%16[0-9a-f]", key) == 1, "%s", manifest);
    pipe_test_result r = run_args(yaml, out, "--resume", "--set", "dnn.lr=0.002");
    cr_assert_eq(r.status, 2, "%s", r.err);
    char expected[2048], this_key[17] = "";
    at = strstr(r.err, "this run's is ");
    cr_assert(at && sscanf(at + 14, "%16[0-9a-f]", this_key) == 1, "%s", r.err);
    cr_assert_str_neq(this_key, key);
    snprintf(expected, sizeof expected,
             "pipe: cannot resume: the checkpoints in %s/ are of another run (run key %s; this "
             "run's is %s): the pipeline file, its seed, the thread count or a parameter (--set) "
             "changed; run without --resume to start over\n",
             ckpt_dir, key, this_key);
    cr_assert_str_eq(r.err, expected);
    cr_assert(exists(ckpt), "a refused run leaves the checkpoints alone");
    pipe_test_result_free(&r);
    /* Without --resume the run starts over and, complete, removes them. */
    r = run_args(yaml, out, NULL, NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.err, "resumed"), "%s", r.err);
    cr_assert_not(exists(ckpt_dir));
    pipe_test_result_free(&r);
    free(manifest);
    free(ckpt);
    free(ckpt_dir);
    free(out);
    free(yaml);
    free(dir);
}

Test(dnn_resume, resume_without_checkpoints_runs_from_the_start)
{
    char *dir = pipe_test_tmpdir();
    char *yaml = pipe_test_write_file(dir, "p.yaml", pipeline);
    char *out = path_in(dir, "out"), *ckpt_dir = path_in(dir, ".out.checkpoints");
    char *metrics, *model;
    size_t model_size;
    reference(dir, yaml, &metrics, &model, &model_size);
    pipe_test_result r = run_args(yaml, out, "--resume", NULL, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char expected[1024];
    snprintf(expected, sizeof expected,
             "pipe: no checkpoint to resume from in %s/; running from the start\n", ckpt_dir);
    cr_assert(strncmp(r.err, expected, strlen(expected)) == 0, "%s", r.err);
    char *got = pipe_test_read_in(out, "metrics.json");
    cr_assert_str_eq(got, metrics);
    cr_assert_not(exists(ckpt_dir));
    free(got);
    pipe_test_result_free(&r);
    free(metrics);
    free(model);
    free(ckpt_dir);
    free(out);
    free(yaml);
    free(dir);
}
