"""Baseline for the matmul ladder: torch.mm (cuBLAS SGEMM) in float32 with TF32 off, timed with CUDA
events (median of 20 after 3 warm-ups). Prints CSV: n,median_ms,gflops."""
import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
print(f"# torch {torch.__version__}, {torch.cuda.get_device_name(0)}, tf32={torch.backends.cuda.matmul.allow_tf32}")
print("n,median_ms,gflops")
for n in (1024, 2048, 4096):
    g = torch.Generator(device="cuda").manual_seed(n)
    a = torch.randn(n, n, device="cuda", generator=g)
    b = torch.randn(n, n, device="cuda", generator=g)
    for _ in range(3):
        torch.mm(a, b)
    times = []
    for _ in range(20):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        torch.mm(a, b)
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    ms = times[len(times) // 2]
    print(f"{n},{ms:.3f},{2 * n**3 / (ms / 1e3) / 1e9:.0f}")
