/*
 * kinematics.c — the computed features of the `features` stage: pair
 * four-momentum, angles and transverse momenta of the two electrons, each
 * a function of one row's quantities. See features_core.h for the definitions.
 */
#include "features_core.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define E(i) (p->q[i][PIPE_FEATURES_E])
#define PX(i) (p->q[i][PIPE_FEATURES_PX])
#define PY(i) (p->q[i][PIPE_FEATURES_PY])
#define PZ(i) (p->q[i][PIPE_FEATURES_PZ])
#define PT(i) (p->q[i][PIPE_FEATURES_PT])
#define ETA(i) (p->q[i][PIPE_FEATURES_ETA])
#define PHI(i) (p->q[i][PIPE_FEATURES_PHI])

double pipe_features_wrap_phi(double dphi)
{
    double d = fmod(dphi, 2 * M_PI);
    if (d > M_PI)
        d -= 2 * M_PI;
    else if (d <= -M_PI)
        d += 2 * M_PI;
    return d;
}

static double m_calc(const pipe_features_pair *p)
{
    double e = E(0) + E(1), px = PX(0) + PX(1), py = PY(0) + PY(1), pz = PZ(0) + PZ(1);
    double m2 = e * e - (px * px + py * py + pz * pz);
    if (isnan(m2))
        return m2;
    return m2 > 0 ? sqrt(m2) : 0.0;
}

static double pair_e(const pipe_features_pair *p)
{
    return E(0) + E(1);
}

static double pair_px(const pipe_features_pair *p)
{
    return PX(0) + PX(1);
}

static double pair_py(const pipe_features_pair *p)
{
    return PY(0) + PY(1);
}

static double pair_pz(const pipe_features_pair *p)
{
    return PZ(0) + PZ(1);
}

static double pair_pt(const pipe_features_pair *p)
{
    return hypot(PX(0) + PX(1), PY(0) + PY(1));
}

static double pair_eta(const pipe_features_pair *p)
{
    double pt = pair_pt(p), pz = PZ(0) + PZ(1);
    if (pt == 0)
        return pz > 0 ? INFINITY : pz < 0 ? -INFINITY : 0.0;
    return asinh(pz / pt);
}

static double pair_phi(const pipe_features_pair *p)
{
    return atan2(PY(0) + PY(1), PX(0) + PX(1));
}

static double delta_eta(const pipe_features_pair *p)
{
    return ETA(0) - ETA(1);
}

static double delta_phi(const pipe_features_pair *p)
{
    return pipe_features_wrap_phi(PHI(0) - PHI(1));
}

static double delta_r(const pipe_features_pair *p)
{
    return hypot(delta_eta(p), delta_phi(p));
}

static double pt_ratio(const pipe_features_pair *p)
{
    return PT(0) / PT(1);
}

static double pt_sum(const pipe_features_pair *p)
{
    return PT(0) + PT(1);
}

static double pt_diff(const pipe_features_pair *p)
{
    return fabs(PT(0) - PT(1));
}

static double cos_theta(const pipe_features_pair *p)
{
    double dot = PX(0) * PX(1) + PY(0) * PY(1) + PZ(0) * PZ(1);
    double norms = sqrt(PX(0) * PX(0) + PY(0) * PY(0) + PZ(0) * PZ(0)) *
                   sqrt(PX(1) * PX(1) + PY(1) * PY(1) + PZ(1) * PZ(1));
    double c = dot / norms;
    return c > 1 ? 1.0 : c < -1 ? -1.0 : c;
}

#define Q(x) (1u << PIPE_FEATURES_##x)
#define FOUR_MOMENTUM (Q(E) | Q(PX) | Q(PY) | Q(PZ))
#define MOMENTUM (Q(PX) | Q(PY) | Q(PZ))

static const pipe_features_def features[] = {
    {"m_calc", FOUR_MOMENTUM, m_calc},
    {"pair_pt", Q(PX) | Q(PY), pair_pt},
    {"pair_eta", MOMENTUM, pair_eta},
    {"pair_phi", Q(PX) | Q(PY), pair_phi},
    {"pair_E", Q(E), pair_e},
    {"pair_px", Q(PX), pair_px},
    {"pair_py", Q(PY), pair_py},
    {"pair_pz", Q(PZ), pair_pz},
    {"delta_eta", Q(ETA), delta_eta},
    {"delta_phi", Q(PHI), delta_phi},
    {"delta_R", Q(ETA) | Q(PHI), delta_r},
    {"pt_ratio", Q(PT), pt_ratio},
    {"pt_sum", Q(PT), pt_sum},
    {"pt_diff", Q(PT), pt_diff},
    {"cos_theta", MOMENTUM, cos_theta},
};

const pipe_features_def *pipe_features_list(size_t *n)
{
    *n = sizeof features / sizeof features[0];
    return features;
}

const pipe_features_def *pipe_features_find(const char *name)
{
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++)
        if (strcmp(features[i].name, name) == 0)
            return &features[i];
    return NULL;
}

const char *pipe_features_column_name(int quantity, int electron, char *buf, size_t size)
{
    static const char *const bases[PIPE_FEATURES_N_QUANTITIES] = {"E",  "px",  "py", "pz",
                                                                  "pt", "eta", "phi"};
    snprintf(buf, size, "%s%d", bases[quantity], electron + 1);
    return buf;
}
