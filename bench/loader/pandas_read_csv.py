#!/usr/bin/python3
"""pandas_read_csv.py: the peer figure for bench_loader. It times
pandas.read_csv on the file bench_loader builds
(/tmp/pipe_bench_dielectron_100000.csv, so run bench_loader first) and
prints the best and median of N runs the way bench_loader does.

    /usr/bin/python3 bench/loader/pandas_read_csv.py [--runs N] [--file PATH]

Debian's python3-pandas (1.5.3 on bookworm) is the peer the issue names.
"""
import argparse
import statistics
import time

import pandas


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--file", default="/tmp/pipe_bench_dielectron_100000.csv")
    args = parser.parse_args()
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        frame = pandas.read_csv(args.file)
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    print(f"pandas {pandas.__version__} read_csv: {frame.shape[0]} rows x {frame.shape[1]} "
          f"columns, {args.runs} runs")
    print(f"{'pandas.read_csv (C engine)':<34} best {1e3 * seconds[0]:6.2f} ms  "
          f"median {1e3 * statistics.median(seconds):6.2f} ms")


if __name__ == "__main__":
    main()
