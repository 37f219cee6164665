/*
 * evimg_table.c — which columns of a table hold the objects to draw, and
 * the objects of one row. Two layouts are recognised: the `events`
 * generator's (lep{i}_pt/eta/phi[/pdg], jet{i}_pt/eta/phi, met, met_phi)
 * and the CMS dielectron file's (pt1, eta1, phi1, pt2, eta2, phi2: two
 * electrons, no jets, no MET).
 */
#include "evimg_table.h"

#include <math.h>
#include <stdio.h>

/* The column of `field` of slot i: "<prefix><i>_<field>" (lep2_pt), or
 * "<field><i>" (pt2) when prefix is NULL, as in the CMS file. */
static int64_t column(const pipe_tensor *t, const char *prefix, int i, const char *field)
{
    char name[64];
    if (prefix)
        snprintf(name, sizeof name, "%s%d_%s", prefix, i, field);
    else
        snprintf(name, sizeof name, "%s%d", field, i);
    return pipe_tensor_column(t, name);
}

static void add_slot(evimg_columns *c, const pipe_tensor *t, const char *prefix, int i,
                     evimg_kind kind)
{
    int k = c->n;
    c->pt[k] = column(t, prefix, i, "pt");
    c->eta[k] = column(t, prefix, i, "eta");
    c->phi[k] = column(t, prefix, i, "phi");
    c->pdg[k] = kind == EVIMG_JET ? -1 : column(t, prefix, i, "pdg");
    c->kind[k] = kind;
    if (c->pt[k] >= 0 && c->eta[k] >= 0 && c->phi[k] >= 0)
        c->n++;
}

int evimg_columns_find(const pipe_tensor *t, evimg_kind lepton, evimg_columns *c)
{
    c->n = c->n_leptons = c->n_jets = 0;
    c->cms = 0;
    /* Jets first: leptons are drawn over them. */
    for (int i = 1; i <= EVIMG_MAX_SLOTS / 2 && c->n < EVIMG_MAX_SLOTS; i++) {
        int before = c->n;
        add_slot(c, t, "jet", i, EVIMG_JET);
        if (c->n == before)
            break;
        c->n_jets++;
    }
    for (int i = 1; i <= EVIMG_MAX_SLOTS / 2 && c->n < EVIMG_MAX_SLOTS; i++) {
        int before = c->n;
        add_slot(c, t, "lep", i, lepton);
        if (c->n == before)
            break;
        c->n_leptons++;
    }
    if (c->n_leptons == 0) {
        for (int i = 1; i <= 2; i++) {
            int before = c->n;
            add_slot(c, t, NULL, i, EVIMG_ELECTRON);
            c->n_leptons += c->n > before;
        }
        c->cms = c->n_leptons > 0;
    }
    c->met = pipe_tensor_column(t, "met");
    c->met_phi = pipe_tensor_column(t, "met_phi");
    if (c->met < 0 || c->met_phi < 0)
        c->met = c->met_phi = -1;
    return c->n > 0 ? 0 : -1;
}

int evimg_row_objects(const evimg_columns *c, const pipe_tensor *t, int64_t row, evimg_object *obj)
{
    int n = 0;
    int64_t cols = pipe_tensor_cols(t);
    const double *r = (const double *)t->data + row * cols;
    for (int k = 0; k < c->n; k++) {
        evimg_object o = {r[c->pt[k]], r[c->eta[k]], r[c->phi[k]], c->kind[k]};
        if (c->pdg[k] >= 0 && c->kind[k] != EVIMG_JET)
            o.kind = fabs(r[c->pdg[k]]) == 11 ? EVIMG_ELECTRON : EVIMG_MUON;
        if (o.pt > 0 && isfinite(o.pt) && isfinite(o.eta) && isfinite(o.phi))
            obj[n++] = o;
    }
    if (c->met >= 0 && r[c->met] > 0)
        obj[n++] = (evimg_object){r[c->met], 0.0, r[c->met_phi], EVIMG_MET};
    return n;
}
