/*
 * test_features_core.c — every computed feature on a hand-computed pair of
 * massless electrons, the phi wrap at +-pi, and the clamp of a negative
 * M^2.
 *
 * Electron 1: E 5, p (3, 4, 0), pt 5, eta 0, phi atan2(4, 3).
 * Electron 2: E 13, p (-12, 0, 5), pt 12, eta asinh(5/12), phi pi.
 * Pair: E 18, p (-9, 4, 5): M^2 = 324 - 122 = 202, pt sqrt(97),
 * eta asinh(5 / sqrt(97)), phi atan2(4, -9); p1.p2 = -36, |p1||p2| = 65.
 */
#include "features_core.h"

#include <criterion/criterion.h>
#include <math.h>

static pipe_features_pair example(void)
{
    pipe_features_pair p = {
        {{5, 3, 4, 0, 5, 0, atan2(4, 3)}, {13, -12, 0, 5, 12, asinh(5.0 / 12), M_PI}}};
    return p;
}

static double feature(const char *name, const pipe_features_pair *p)
{
    const pipe_features_def *def = pipe_features_find(name);
    cr_assert_not_null(def, "feature %s", name);
    return def->compute(p);
}

Test(features_core, pair_four_momentum)
{
    pipe_features_pair p = example();
    cr_assert_float_eq(feature("m_calc", &p), sqrt(202.0), 1e-13);
    cr_assert_float_eq(feature("pair_E", &p), 18.0, 0);
    cr_assert_float_eq(feature("pair_px", &p), -9.0, 0);
    cr_assert_float_eq(feature("pair_py", &p), 4.0, 0);
    cr_assert_float_eq(feature("pair_pz", &p), 5.0, 0);
    cr_assert_float_eq(feature("pair_pt", &p), sqrt(97.0), 1e-13);
    cr_assert_float_eq(feature("pair_eta", &p), 0.48806428534913315, 1e-14);
    cr_assert_float_eq(feature("pair_phi", &p), 2.723368324010564, 1e-14);
}

Test(features_core, angles_and_transverse_momenta)
{
    pipe_features_pair p = example();
    double deta = -asinh(5.0 / 12), dphi = atan2(4, 3) - M_PI;
    cr_assert_float_eq(feature("delta_eta", &p), deta, 1e-15);
    cr_assert_float_eq(feature("delta_phi", &p), dphi, 1e-15);
    cr_assert_float_eq(feature("delta_R", &p), sqrt(deta * deta + dphi * dphi), 1e-15);
    cr_assert_float_eq(feature("pt_ratio", &p), 5.0 / 12, 1e-16);
    cr_assert_float_eq(feature("pt_sum", &p), 17.0, 0);
    cr_assert_float_eq(feature("pt_diff", &p), 7.0, 0);
    cr_assert_float_eq(feature("cos_theta", &p), -36.0 / 65, 1e-15);
}

Test(features_core, delta_phi_wraps_into_minus_pi_pi)
{
    double two_pi = 2 * M_PI;
    cr_assert_float_eq(pipe_features_wrap_phi(3.0 - -3.0), 6.0 - two_pi, 1e-15);
    cr_assert_float_eq(pipe_features_wrap_phi(-3.0 - 3.0), two_pi - 6.0, 1e-15);
    cr_assert_float_eq(pipe_features_wrap_phi(2.5 - -2.5), 5.0 - two_pi, 1e-15);
    cr_assert_float_eq(pipe_features_wrap_phi(0.5 - 0.25), 0.25, 0);
    /* pi stays pi; -pi becomes pi: the interval is (-pi, pi]. */
    cr_assert_eq(pipe_features_wrap_phi(M_PI - 0), M_PI);
    cr_assert_eq(pipe_features_wrap_phi(-M_PI / 2 - M_PI / 2), M_PI);
    cr_assert_float_eq(pipe_features_wrap_phi(7 * M_PI), M_PI, 1e-14);
    pipe_features_pair p = example();
    p.q[0][PIPE_FEATURES_PHI] = 3.1;
    p.q[1][PIPE_FEATURES_PHI] = -3.1;
    cr_assert_float_eq(feature("delta_phi", &p), 6.2 - two_pi, 1e-14);
    cr_assert_float_eq(feature("delta_R", &p), hypot(-asinh(5.0 / 12), 6.2 - two_pi), 1e-14);
}

Test(features_core, negative_mass_squared_gives_zero)
{
    /* Two collinear electrons whose rounded energies fall short of |p|. */
    pipe_features_pair p = {{{10, 10.001, 0, 0}, {20, 20.002, 0, 0}}};
    cr_assert_eq(feature("m_calc", &p), 0.0);
    p.q[0][PIPE_FEATURES_E] = NAN;
    cr_assert(isnan(feature("m_calc", &p)), "NaN stays NaN");
}

Test(features_core, pair_eta_along_the_beam)
{
    pipe_features_pair p = {{{10, 0, 0, 10}, {5, 0, 0, 5}}};
    cr_assert(isinf(feature("pair_eta", &p)) && feature("pair_eta", &p) > 0);
    p.q[0][PIPE_FEATURES_PZ] = p.q[1][PIPE_FEATURES_PZ] = 0;
    cr_assert_eq(feature("pair_eta", &p), 0.0);
}

Test(features_core, unknown_feature_suggests_the_closest)
{
    const char *names[] = {"m_calc", "delta_phl"};
    size_t bad = 99;
    char err[512];
    cr_assert_eq(pipe_features_check_names(names, 2, &bad, err, sizeof err), -1);
    cr_assert_eq(bad, 1);
    cr_assert_str_eq(err, "unknown feature 'delta_phl' (did you mean 'delta_phi'?); known: "
                          "m_calc, pair_pt, pair_eta, pair_phi, pair_E, pair_px, pair_py, "
                          "pair_pz, delta_eta, delta_phi, delta_R, pt_ratio, pt_sum, pt_diff, "
                          "cos_theta");
    cr_assert_eq(pipe_features_check_names(names, 1, &bad, err, sizeof err), 0);
}
