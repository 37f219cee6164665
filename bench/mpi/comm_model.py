#!/usr/bin/env python3
"""comm_model.py — the communication-against-computation model of
docs/mpi.md: for each reference network, the bytes summed per training
step under MPI (the gradient buffer, 8 bytes a parameter, plus the step's
loss and metric) and the number of ranks N that minimises the step time
T_c/N + T_comm(N) on 10 GbE and on InfiniBand HDR, for pipe's fixed-order
sum (gather to rank 0, add in rank order, binomial broadcast) and, for
comparison, a ring allreduce. T_c is the one-rank step time measured on
the development VM. Prints figures; a model, not a measurement."""
import math

# name, parameters, one-rank step time (s), global batch
NETWORKS = [
    ("dnn_regression 14-128-64-32-1", 12289, 40e-6, 32),
    ("z_classifier 23-256-128-64-1 + BN", 48129, 3.8e-3, 256),
    ("electron_isolation CNN", 4214145, 0.618, 128),
]
LINKS = {"10 GbE": (1.25e9, 20e-6), "HDR 200 Gb/s": (25e9, 1.5e-6)}  # bytes/s, latency s


def comm(kind, n, b, beta, alpha):
    if n == 1:
        return 0.0
    lg = math.ceil(math.log2(n))
    if kind == "gather":
        return (n - 1 + lg) * b / beta + (n - 1 + lg) * alpha
    return 2 * (n - 1) / n * b / beta + 2 * lg * alpha


for name, params, tc, batch in NETWORKS:
    b = 8 * (params + 2)
    for link, (beta, alpha) in LINKS.items():
        out = []
        for kind in ("gather", "ring"):
            n, t = min(((n, tc / n + comm(kind, n, b, beta, alpha)) for n in range(1, batch + 1)),
                       key=lambda x: x[1])
            out.append(f"{kind}: best N {n} (x{tc / t:.1f})")
        print(f"{name}: {b / 1e3:.0f} kB per step, {link}: B/beta {b / beta * 1e6:.3g} us; "
              + "; ".join(out))
