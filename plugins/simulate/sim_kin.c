/*
 * sim_kin.c — relativistic kinematics of pipe_sim: four-vectors from
 * collider coordinates, Lorentz boosts, two-body decays, pair masses.
 */
#include "sim_internal.h"

#include <math.h>

void sim_sinh_cosh(double x, double *sinh_x, double *cosh_x)
{
    double ex = exp(x), inv = 1.0 / ex;
    /* e^x - e^-x cancels near 0: there sinh itself is exact and cheap enough. */
    *sinh_x = fabs(x) < 0.01 ? sinh(x) : 0.5 * (ex - inv);
    *cosh_x = 0.5 * (ex + inv);
}

sim_particle sim_particle_from_pt_eta_phi(double pt, double eta, double phi, double m, int q)
{
    double p = pt * cosh(eta);
    sim_particle out = {pt, eta, phi, sqrt(p * p + m * m), q};
    return out;
}

sim_particle sim_particle_from_p4(const sim_p4 *p, int q)
{
    double pt = sqrt(p->px * p->px + p->py * p->py);
    sim_particle out = {pt, asinh(p->pz / pt), atan2(p->py, p->px), p->e, q};
    return out;
}

sim_p4 sim_p4_from_pt_y_phi(double pt, double y, double phi, double m)
{
    double mt = sqrt(m * m + pt * pt), sh, ch;
    sim_sinh_cosh(y, &sh, &ch);
    sim_p4 p = {mt * ch, pt * cos(phi), pt * sin(phi), mt * sh};
    return p;
}

sim_p4 sim_p4_boost(sim_p4 p, double bx, double by, double bz)
{
    double b2 = bx * bx + by * by + bz * bz;
    if (b2 <= 0)
        return p;
    double gamma = 1.0 / sqrt(1.0 - b2);
    double bp = bx * p.px + by * p.py + bz * p.pz;
    double k = (gamma - 1.0) * bp / b2 + gamma * p.e;
    sim_p4 out = {gamma * (p.e + bp), p.px + k * bx, p.py + k * by, p.pz + k * bz};
    return out;
}

double sim_pair_mass(const sim_p4 *a, const sim_p4 *b)
{
    double e = a->e + b->e, px = a->px + b->px, py = a->py + b->py, pz = a->pz + b->pz;
    double m2 = e * e - px * px - py * py - pz * pz;
    return m2 > 0 ? sqrt(m2) : 0.0;
}

void sim_decay(const sim_p4 *parent, double m, double m_d, double cos_theta, double phi, sim_p4 *d1,
               sim_p4 *d2)
{
    double half = 0.5 * m;
    double p = half > m_d ? sqrt(half * half - m_d * m_d) : 0.0;
    double sin_theta = sqrt(fmax(0.0, 1.0 - cos_theta * cos_theta));
    sim_p4 rest1 = {half, p * sin_theta * cos(phi), p * sin_theta * sin(phi), p * cos_theta};
    sim_p4 rest2 = {half, -rest1.px, -rest1.py, -rest1.pz};
    double bx = parent->px / parent->e, by = parent->py / parent->e, bz = parent->pz / parent->e;
    *d1 = sim_p4_boost(rest1, bx, by, bz);
    *d2 = sim_p4_boost(rest2, bx, by, bz);
}

double sim_wrap_phi(double phi)
{
    while (phi >= SIM_PI)
        phi -= 2 * SIM_PI;
    while (phi < -SIM_PI)
        phi += 2 * SIM_PI;
    return phi;
}
