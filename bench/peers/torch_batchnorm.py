#!/usr/bin/python3
"""PyTorch side of the batch-norm timings (ConvLayerBenchmark.RunBatchNorm): training-mode forward +
backward (dx, dgamma, dbeta, running statistics updated), float32, 2 threads, median after warm-up.
Run with /usr/bin/python3 (Debian's python3-torch)."""
import statistics
import time

import torch

SHAPES = [(64, 64, 14, 14), (64, 128, 7, 7), (64, 1024)]


def main():
    torch.set_num_threads(2)
    for shape in SHAPES:
        x = torch.randn(*shape, requires_grad=True)
        bn = torch.nn.BatchNorm2d(shape[1]) if len(shape) == 4 else torch.nn.BatchNorm1d(shape[1])
        dy = torch.randn(*shape)
        times = []
        for i in range(24):
            x.grad = None
            bn.zero_grad()
            start = time.perf_counter()
            bn(x).backward(dy)
            ms = (time.perf_counter() - start) * 1e3
            if i >= 3:
                times.append(ms)
        print(f"batch_norm {shape}: median {statistics.median(times):.2f} ms  min {min(times):.2f} ms")


if __name__ == "__main__":
    main()
