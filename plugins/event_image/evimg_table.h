/*
 * evimg_table.h — reading the objects to draw from a table (the `events`
 * generator's columns, or the CMS dielectron file's), for the
 * event_image stage, its tests and its bench.
 */
#ifndef PIPE_EVIMG_TABLE_H
#define PIPE_EVIMG_TABLE_H

#include "evimg.h"

#include <pipe/pipe.h>

#define EVIMG_MAX_SLOTS 32

/* The columns of each object slot (jets first, then leptons), and MET's. */
typedef struct evimg_columns {
    int n, n_leptons, n_jets;
    int64_t pt[EVIMG_MAX_SLOTS], eta[EVIMG_MAX_SLOTS], phi[EVIMG_MAX_SLOTS];
    int64_t pdg[EVIMG_MAX_SLOTS]; /* -1: no flavour column, the slot's kind holds */
    evimg_kind kind[EVIMG_MAX_SLOTS];
    int64_t met, met_phi; /* -1 when the table has no MET */
    int cms;              /* the CMS dielectron layout (pt1, eta1, ...) */
} evimg_columns;

/* Find the slots of table t; leptons without a pdg column are of kind
 * `lepton`. Returns 0, or -1 when the table has no object columns. */
int evimg_columns_find(const pipe_tensor *t, evimg_kind lepton, evimg_columns *c);
/* The objects of row `row` (pt > 0 and finite only; MET last) into obj
 * (room for EVIMG_MAX_SLOTS + 1). Returns their number. */
int evimg_row_objects(const evimg_columns *c, const pipe_tensor *t, int64_t row, evimg_object *obj);

#endif
