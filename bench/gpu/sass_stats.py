#!/usr/bin/env python3
"""What a matmul rung's K step costs in SASS, without a GPU.

    python3 bench/gpu/sass_stats.py [RUNG ...]        (default: V4DoubleBuffered .. V8WideLoads)

For each rung: the PTX from `Scratchgen.GpuRunner ptx RUNG` (ILGPU's PTX backend, no GPU needed), then
`ptxas -v -arch=sm_90` (registers, spills, shared memory) and `cuobjdump -sass` (the machine code). The K
loop is the loop that holds the barrier; a loop inside it (V4-V6 keep `for p < 8` as a loop) is counted
8 times. Printed per rung: registers, the instructions of one K step, how many are FFMA, LDS, global
loads, and the FFMA share of the issue slots. Both sides of a branch in the loop count (V8's two store
layouts, of which one runs), so the figures are upper bounds on what one K step issues.

Needs the runner built (dotnet build bench/gpu/Runner -c Release; or RUNNER=path, as bench/gpu/session.sh
passes the bundle's) and the CUDA toolkit's ptxas and
cuobjdump (Debian: nvidia-cuda-toolkit, in non-free). ILGPU 1.5.3 writes `.version 8.0`; an older ptxas
(CUDA 11.8's reads up to 7.8) gets the PTX with the version lowered, which changes no instruction these
kernels use.
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.environ.get("RUNNER") or os.path.join(ROOT, "bench/gpu/Runner/bin/Release/net10.0/Scratchgen.GpuRunner")
RUNGS = ["V4DoubleBuffered", "V5Vectorized", "V6ConflictFree", "V7Unrolled", "V8WideLoads"]
INNER_TRIPS = 8  # V4Depth: the trips of a `for p` loop left inside the K loop
LINE = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;")


def ptxas_version():
    out = subprocess.run(["ptxas", "--version"], capture_output=True, text=True).stdout
    m = re.search(r"release (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def sass(rung, work):
    ptx = subprocess.run([RUNNER, "ptx", rung], capture_output=True, text=True, check=True).stdout
    if ptxas_version() < (12, 0):
        ptx = re.sub(r"^\.version 8\.\d", ".version 7.8", ptx, flags=re.M)
    ptx_file, cubin = os.path.join(work, rung + ".ptx"), os.path.join(work, rung + ".cubin")
    with open(ptx_file, "w") as f:
        f.write(ptx)
    info = subprocess.run(["ptxas", "-v", "-arch=sm_90", ptx_file, "-o", cubin], capture_output=True, text=True, check=True).stderr
    dump = subprocess.run(["cuobjdump", "-sass", cubin], capture_output=True, text=True, check=True).stdout
    code = []
    for m in LINE.finditer(dump):
        text = m.group(2)
        op = re.sub(r"^@!?U?P\w+\s+", "", text).split()[0]
        code.append((int(m.group(1), 16), op, text))
    return info, code


def loops(code):
    """(start index, end index) of every backward branch's range."""
    index = {addr: i for i, (addr, _, _) in enumerate(code)}
    found = []
    for i, (addr, op, text) in enumerate(code):
        m = re.search(r"BRA (0x[0-9a-f]+)", text)
        if op.startswith("BRA") and m and int(m.group(1), 16) < addr and int(m.group(1), 16) in index:
            found.append((index[int(m.group(1), 16)], i))
    return found


def k_step(code):
    ranges = loops(code)
    k_loop = max((r for r in ranges if any(code[j][1].startswith("BAR") for j in range(r[0], r[1] + 1))),
                 key=lambda r: sum(code[j][1] == "FFMA" for j in range(r[0], r[1] + 1)))
    weight = [1] * len(code)
    for s, e in ranges:
        if k_loop[0] <= s and e <= k_loop[1] and (s, e) != k_loop:
            for j in range(s, e + 1):
                weight[j] = INNER_TRIPS
    counts = {}
    for j in range(k_loop[0], k_loop[1] + 1):
        op = code[j][1].split(".")[0]
        counts[op] = counts.get(op, 0) + weight[j]
    return counts


def main():
    rungs = sys.argv[1:] or RUNGS
    print("rung | registers | K-step instructions | FFMA | LDS | global loads | FFMA share")
    with tempfile.TemporaryDirectory() as work:
        for rung in rungs:
            info, code = sass(rung, work)
            regs = re.search(r"Used (\d+) registers", info).group(1)
            spills = re.search(r"(\d+) bytes spill stores", info).group(1)
            c = k_step(code)
            total = sum(c.values())
            print(f"{rung} | {regs} ({spills} B spilled) | {total} | {c.get('FFMA', 0)} | {c.get('LDS', 0)} | "
                  f"{c.get('LD', 0) + c.get('LDG', 0)} | {100 * c.get('FFMA', 0) / total:.0f} %")


if __name__ == "__main__":
    main()
