/*
 * sim_config.c — the configuration of pipe_sim: defaults, validation and
 * the names of the processes.
 */
#include "sim.h"

#include <math.h>
#include <stdio.h>

static const char *const process_names[PIPE_SIM_N_PROCESSES] = {"jpsi",  "psi2s", "ups1s", "ups2s",
                                                                "ups3s", "z",     "dy",    "comb"};
static const char *const fraction_params[PIPE_SIM_N_PROCESSES] = {
    "frac_jpsi",  "frac_psi2s", "frac_ups1s", "frac_ups2s",
    "frac_ups3s", "frac_z",     "frac_dy",    "frac_comb"};

const char *pipe_sim_process_name(pipe_sim_process p)
{
    return (unsigned)p < PIPE_SIM_N_PROCESSES ? process_names[p] : "?";
}

#define PIPE_SIM_SET_DEFAULT(name, def, lo, hi, doc) cfg->name = def;

void pipe_sim_config_default(pipe_sim_config *cfg)
{
    cfg->events = 100000;
    cfg->round_digits = 6;
    PIPE_SIM_FLOAT_PARAMS(PIPE_SIM_SET_DEFAULT)
}

/* Report a problem with parameter `name`. */
static int config_error(const char **param, const char *name, char *err, size_t err_size,
                        const char *message)
{
    *param = name;
    snprintf(err, err_size, "%s", message);
    return -1;
}

int pipe_sim_config_check(const pipe_sim_config *cfg, const char **param, char *err,
                          size_t err_size)
{
    const double fractions[] = {cfg->frac_jpsi,  cfg->frac_psi2s, cfg->frac_ups1s, cfg->frac_ups2s,
                                cfg->frac_ups3s, cfg->frac_z,     cfg->frac_dy,    cfg->frac_comb};
    char message[200];
    double sum = 0;
    for (int i = 0; i < PIPE_SIM_N_PROCESSES; i++) {
        if (!(fractions[i] >= 0)) {
            snprintf(message, sizeof message, "expected a fraction >= 0, found %g", fractions[i]);
            return config_error(param, fraction_params[i], err, err_size, message);
        }
        sum += fractions[i];
    }
    if (!(sum > 0))
        return config_error(param, "frac_comb", err, err_size,
                            "all process fractions (frac_*) are 0; expected at least one > 0");
    if (cfg->events < 1) {
        snprintf(message, sizeof message, "expected at least 1 event, found %lld",
                 (long long)cfg->events);
        return config_error(param, "events", err, err_size, message);
    }
    if (!(cfg->mass_min < cfg->mass_max)) {
        snprintf(message, sizeof message,
                 "expected mass_max above mass_min, found mass_min %g GeV, mass_max %g GeV",
                 cfg->mass_min, cfg->mass_max);
        return config_error(param, "mass_max", err, err_size, message);
    }
    if (cfg->round_digits < 0 || cfg->round_digits > 17) {
        snprintf(message, sizeof message, "expected 0 (exact) to 17 digits, found %d",
                 cfg->round_digits);
        return config_error(param, "round_digits", err, err_size, message);
    }
    return 0;
}
