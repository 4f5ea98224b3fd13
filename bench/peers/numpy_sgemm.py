#!/usr/bin/python3
"""numpy/OpenBLAS SGEMM GFLOPS, the bar for Scratchgen's CPU GEMM (kernels-docs/matmul.md).

Run with Debian's Python, which sees python3-numpy + libopenblas0-pthread:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/peers/numpy_sgemm.py 256 512 1024 2048
Prints one line per size: median ms and GFLOPS (2*m*n*k / s) of C = A @ B in float32, after warm-up,
then the three MLP training shapes (X: 128x784, W: 784x400): forward X@W, dX = dY@W.T, dW = X.T@dY.
Refuses to run unless threadpoolctl lists OpenBLAS (numpy's reference-BLAS fallback is ~30x slower).
"""
import sys
import time

import numpy as np
import threadpoolctl


def median_ms(fn, min_reps=5, budget_s=0.4):
    fn()
    fn()
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    reps = int(min(200, max(min_reps, budget_s / max(first, 1e-6))))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2] * 1e3


def report(name, m, n, k, a, b, out):
    ms = median_ms(lambda: np.matmul(a, b, out=out))
    print(f"{name:<28} {ms:10.3f} ms {2.0 * m * n * k / (ms * 1e-3) / 1e9:8.1f} GFLOPS", flush=True)


def main():
    info = threadpoolctl.threadpool_info()
    blas = [i for i in info if i.get("internal_api") == "openblas"]
    if not blas:
        sys.exit(f"numpy is not using OpenBLAS: {info}")
    print(f"# numpy {np.__version__}, OpenBLAS {blas[0]['version']} ({blas[0]['architecture']}), "
          f"threads {blas[0]['num_threads']}")
    sizes = [int(s) for s in sys.argv[1:]] or [128, 256, 512, 1024, 2048]
    rng = np.random.default_rng(1234)
    for n in sizes:
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        report(f"n={n}", n, n, n, a, b, np.empty((n, n), np.float32))
    x = rng.uniform(-1, 1, (128, 784)).astype(np.float32)
    w = rng.uniform(-1, 1, (784, 400)).astype(np.float32)
    dy = rng.uniform(-1, 1, (128, 400)).astype(np.float32)
    report("fwd 128x784@784x400", 128, 400, 784, x, w, np.empty((128, 400), np.float32))
    report("dX 128x400@(784x400)^T", 128, 784, 400, dy, w.T, np.empty((128, 784), np.float32))
    report("dW (128x784)^T@128x400", 784, 400, 128, x.T, dy, np.empty((784, 400), np.float32))


if __name__ == "__main__":
    main()
