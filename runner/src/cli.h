/*
 * cli.h — the pipe command's subcommands (cli.c parses arguments,
 * inspect.c prints plugin documentation).
 */
#ifndef PIPE_CLI_H
#define PIPE_CLI_H

#include "core.h"

/* Entry point of the pipe executable; returns the exit code. */
int pipe_cli_main(int argc, char **argv);
int pipe_cli_list(const pipe_registry *reg);
int pipe_cli_inspect(pipe_registry *reg, const char *name);

#endif
