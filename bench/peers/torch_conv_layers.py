#!/usr/bin/python3
"""PyTorch side of the DCGAN conv layer timings (src/Scratchgen.Cli/Benchmarks/ConvLayerBenchmark.cs).

Same work as ours: batch 64, float32, 4x4 kernels, stride 2, padding 1, bias; per repetition the
forward and a backward with a fixed output gradient, computing dx, dw and db, gradients cleared first.
Median of the timed repetitions after warm-up. Run with Debian's python: /usr/bin/python3 (see
kernels-docs/peers.md), which has python3-torch; 2 threads like the machine.
"""
import statistics
import sys
import time

import torch

LAYERS = [
    ("D conv 1->64 on 28x28", False, 1, 64, 28, 28),
    ("D conv 64->128 on 14x14", False, 64, 128, 14, 14),
    ("G conv_transpose 128->64 on 7x7", True, 128, 64, 7, 7),
    ("G conv_transpose 64->1 on 14x14", True, 64, 1, 14, 14),
]


def time_layer(transposed, cin, cout, h, w, batch, warmup, reps):
    g = torch.Generator().manual_seed(1234)
    x = torch.randn(batch, cin, h, w, generator=g, requires_grad=True)
    shape = (cin, cout, 4, 4) if transposed else (cout, cin, 4, 4)
    weight = (torch.randn(*shape, generator=g) * 0.02).requires_grad_()
    bias = torch.zeros(cout, requires_grad=True)
    f = torch.nn.functional.conv_transpose2d if transposed else torch.nn.functional.conv2d
    dy = torch.randn(f(x, weight, bias, stride=2, padding=1).shape, generator=g)
    times = []
    for i in range(warmup + reps):
        x.grad = weight.grad = bias.grad = None
        start = time.perf_counter()
        f(x, weight, bias, stride=2, padding=1).backward(dy)
        ms = (time.perf_counter() - start) * 1e3
        if i >= warmup:
            times.append(ms)
    return statistics.median(times), min(times)


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    torch.set_num_threads(2)
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, batch 64, {reps} reps")
    for name, transposed, cin, cout, h, w in LAYERS:
        median, best = time_layer(transposed, cin, cout, h, w, 64, 3, reps)
        print(f"{name:<36} median {median:8.2f} ms  min {best:8.2f} ms")


if __name__ == "__main__":
    main()
