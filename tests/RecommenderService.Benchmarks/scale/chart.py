#!/usr/bin/env python3
"""Draws the scale curve from scale/curve.sh's CSV: retrain time (request -> new version active, by stage) and the
replica's peak RSS against the number of ratings, plus serving throughput. Needs matplotlib (Debian:
apt-get install python3-matplotlib, then run it with /usr/bin/python3).

    /usr/bin/python3 tests/RecommenderService.Benchmarks/scale/chart.py docs/benchmarks/scale.csv docs/benchmarks/scale.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(source, target):
    rows = [r for r in csv.DictReader(open(source)) if not r["label"].startswith("ml-")]
    rows.sort(key=lambda r: int(r["ratings"]))
    if not rows:
        sys.exit(f"no generated sizes in {source}")
    millions = [int(r["ratings"]) / 1e6 for r in rows]
    stages = [("read_s", "read"), ("rating_head_s", "rating head"), ("ranking_head_s", "ranking head"),
              ("evaluate_s", "evaluate"), ("refit_s", "refit (both heads)"), ("store_s", "store"),
              ("preload_s", "preload"), ("swap_s", "swap")]

    figure, (time_axis, memory_axis, serving_axis) = plt.subplots(1, 3, figsize=(15, 4.6))
    bottom = [0.0] * len(rows)
    width = [0.35 * max(millions) / max(1, len(rows))] * len(rows)
    for key, name in stages:
        values = [float(r[key] or 0) for r in rows]
        time_axis.bar(millions, values, width=width, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values)]
    time_axis.plot(millions, [float(r["retrain_s"]) for r in rows], "ko-", label="request -> active")
    # The load average next to each point says how much of the 2 cores the run had (other work moves it).
    for x, r in zip(millions, rows):
        time_axis.annotate(f"load {float(r['load1']):.0f}", (x, float(r["retrain_s"])), textcoords="offset points",
                           xytext=(0, 6), ha="center", fontsize=7)
    time_axis.set(title="Retrain through the service", xlabel="ratings (millions)", ylabel="seconds")
    time_axis.legend(fontsize=7)

    memory_axis.plot(millions, [int(r["peak_rss_mb"]) / 1024 for r in rows], "o-", label="peak RSS during the retrain")
    memory_axis.plot(millions, [int(r["serving_rss_mb"]) / 1024 for r in rows], "s--", label="RSS after serving")
    memory_axis.set(title="Replica memory", xlabel="ratings (millions)", ylabel="GiB")
    memory_axis.set_ylim(bottom=0)
    memory_axis.legend(fontsize=8)

    serving_axis.plot(millions, [float(r["live_rps"]) for r in rows], "o-", label="/health/live")
    serving_axis.plot(millions, [float(r["rec_first_rps"]) for r in rows], "s-", label="recommendations, first 10 s")
    serving_axis.plot(millions, [float(r["rec_second_rps"]) for r in rows], "^-", label="recommendations, next 10 s")
    serving_axis.set(title="Serving (wrk -t1 -c16, random users)", xlabel="ratings (millions)", ylabel="requests/s")
    serving_axis.set_ylim(bottom=0)
    serving_axis.legend(fontsize=8)

    figure.suptitle("RecommenderService on one 2-core machine (load average in the CSV)")
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    print(f"wrote {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
