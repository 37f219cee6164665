/*
 * main.c — the pipe executable: everything happens in pipe_cli_main().
 */
#include "cli.h"

int main(int argc, char **argv)
{
    return pipe_cli_main(argc, argv);
}
