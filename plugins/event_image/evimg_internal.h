/*
 * evimg_internal.h — what the two renderers of pipe_evimg share: where a
 * shape lands in pixels, and its copies across the phi edge.
 */
#ifndef PIPE_EVIMG_INTERNAL_H
#define PIPE_EVIMG_INTERNAL_H

#include "evimg.h"

#define EVIMG_PI 3.14159265358979323846

typedef struct evimg_shape {
    double cx, cy, rx, ry; /* pixels; ellipse radii */
    int ring;              /* 1: a circle line (MET), 0: a filled disc */
    int copies;
    double cy_copy[3]; /* centres of the copies, the first at cy */
} evimg_shape;

/* Where object o lands and its colour; returns 0 when it is not drawn
 * (pT <= 0: an empty slot). */
int evimg_geometry(const evimg_config *cfg, const evimg_object *o, evimg_shape *s, float rgb[3]);

#endif
