/*
 * physics.c — the cleaner's physics consistency check: an electron's
 * energy may not be below its momentum magnitude, and the pair's mass M
 * must agree with the two four-momenta.
 *
 * Tolerances are relative because the CMS files keep 6 significant digits:
 * each value carries a relative rounding error of at most eps = 5e-6.
 * |p| then errs by at most eps |p| and E by eps E, so E - |p| >= -2 eps |p|
 * for a genuine electron (its mass, 0.511 MeV, is negligible). For the pair,
 * m^2 = E^2 - |P|^2 with E = E1 + E2 and P = p1 + p2 errs by at most
 * 2 E dE + 2 |P| |dP| <= (2 + 2 sqrt(3)) eps E^2, and M^2 from the file by
 * 2 eps M^2 <= 2 eps E^2: about 3.7e-5 E^2 in the worst case. The bound
 * scales with (E1 + E2)^2, not with M^2: light pairs of energetic electrons
 * lose the most (E^2 and |P|^2 nearly cancel). docs/stages/cleaner.md gives
 * the measured deviations.
 */
#include "cleaner.h"

#include <math.h>

const char *const pipe_cleaner_physics_names[9] = {"E1",  "px1", "py1", "pz1", "E2",
                                                   "px2", "py2", "pz2", "M"};

int pipe_cleaner_energy_ok(double e, double px, double py, double pz, double tolerance)
{
    double p = sqrt(px * px + py * py + pz * pz);
    return e >= p * (1.0 - tolerance);
}

int pipe_cleaner_mass_ok(const double a[4], const double b[4], double m, double tolerance)
{
    double e = a[0] + b[0];
    double px = a[1] + b[1], py = a[2] + b[2], pz = a[3] + b[3];
    double m2 = e * e - (px * px + py * py + pz * pz);
    return fabs(m * m - m2) <= tolerance * e * e;
}
