"""cuBLAS (torch.matmul, float32, TF32 off) on the products of one DCGAN step, as recorded by
`Scratchgen.GpuRunner gemms` (gemm-shapes.csv: batch,m,n,k,a_transposed,b_transposed,calls_per_step), with the
operands stored in the same layouts (a transposed: stored (K, M); b transposed: stored (N, K)). Timed the
way GemmBench times ours: 5 rounds of 10 back-to-back calls and a synchronize, wall clock, the median round
over 10. With our gemms.csv as the second argument it also prints, per product and summed over a step
(calls per step x time per call): ours as training runs it (the tuned rung, or V5 where the runner had
tuning off, with the automatic split), our best rung and split for that product, and cuBLAS.

usage: python3 torch_gemms.py gemm-shapes.csv [gemms.csv] [--device cpu]   (cpu: a check of the script, not a baseline)
"""
import csv
import sys
import time

import torch

torch.backends.cuda.matmul.allow_tf32 = False
DEVICE = sys.argv[sys.argv.index("--device") + 1] if "--device" in sys.argv else "cuda"
ARGS = [a for i, a in enumerate(sys.argv) if a != "--device" and (i == 0 or sys.argv[i - 1] != "--device")]


def synchronize():
    if DEVICE == "cuda":
        torch.cuda.synchronize()


def time_per_call_us(fn):
    fn()
    synchronize()
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            fn()
        synchronize()
        rounds.append((time.perf_counter() - start) / 10 * 1e6)
    rounds.sort()
    return rounds[len(rounds) // 2]


def key(row):
    return tuple(int(row[f]) for f in ("batch", "m", "n", "k", "a_transposed", "b_transposed"))


def main():
    shapes = list(csv.DictReader(open(ARGS[1])))
    name = torch.cuda.get_device_name(0) if DEVICE == "cuda" else "cpu"
    print(f"# torch {torch.__version__}, {name}, tf32={torch.backends.cuda.matmul.allow_tf32}")
    torch_us = {}
    g = torch.Generator(device=DEVICE).manual_seed(7)
    for row in shapes:
        batch, m, n, k, at, bt = key(row)
        a = torch.randn(batch, *((k, m) if at else (m, k)), device=DEVICE, generator=g)
        b = torch.randn(batch, *((n, k) if bt else (k, n)), device=DEVICE, generator=g)
        a = a.transpose(1, 2) if at else a
        b = b.transpose(1, 2) if bt else b
        c = torch.empty(batch, m, n, device=DEVICE)
        torch_us[key(row)] = time_per_call_us(lambda: torch.matmul(a, b, out=c))
    print("batch,m,n,k,a_transposed,b_transposed,calls_per_step,torch_us")
    for row in shapes:
        print(",".join(str(v) for v in key(row)) + f",{row['calls_per_step']},{torch_us[key(row)]:.1f}")
    if len(ARGS) < 3:
        return
    ours = {}
    for row in csv.DictReader(open(ARGS[2])):
        ours.setdefault(key(row), []).append(row)
    print("\nproduct, calls per step: ours as trained (tuned rung, auto split) / our best (rung, split) / cuBLAS, us per call")
    totals = [0.0, 0.0, 0.0]
    for row in shapes:
        k_, calls = key(row), int(row["calls_per_step"])
        runs = ours.get(k_, [])
        trained = [r for r in runs if r["rung"] == "tuned"] or [r for r in runs if r["split"] == "auto" and r["rung"] == "V5Vectorized"]
        if not trained:
            print(f"{k_}: no timing of ours")
            continue
        best = min(runs, key=lambda r: float(r["median_us"]))
        t, b, c = float(trained[0]["median_us"]), float(best["median_us"]), torch_us[k_]
        for i, v in enumerate((t, b, c)):
            totals[i] += calls * v
        print(f"{k_} x{calls}: {t:.1f} / {b:.1f} ({best['rung']}, split {best['split']}) / {c:.1f}   time ours / cuBLAS {t / c:.2f}")
    print(f"per step: ours as trained {totals[0] / 1e3:.2f} ms, our best {totals[1] / 1e3:.2f} ms, cuBLAS {totals[2] / 1e3:.2f} ms")


if __name__ == "__main__":
    main()
