"""The GEMM yardstick of the native backend's targets: numpy's float32 matmul (OpenBLAS where the machine
has it) on a 1024^3 product and on the GEMM shapes of the bench workloads, in the course layout
(W: (n[l], n[l-1]), A: (n[l-1], m)). Run by `npm run bench -- --numpy` in the same run as lnn, with the
BLAS threads of OPENBLAS_NUM_THREADS. Prints one JSON line per shape: label, median seconds, GFLOP/s.
Usage: OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/numpy_gemm.py [seconds per shape]"""
import json
import sys
import time

import numpy as np

SHAPES = [  # label, M, N, K, transA, transB
    ("1024^3 NN", 1024, 1024, 1024, False, False),
    ("W3 l2 W·A (1024, 256, 1024) NN", 1024, 256, 1024, False, False),
    ("W3 l2 dZ·Aᵀ (1024, 1024, 256) NT", 1024, 1024, 256, False, True),
    ("W3 l2 Wᵀ·dZ (1024, 256, 1024) TN", 1024, 256, 1024, True, False),
]

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
rng = np.random.default_rng(1)
for label, M, N, K, tA, tB in SHAPES:
    A = rng.random((K, M) if tA else (M, K), dtype=np.float32)
    B = rng.random((N, K) if tB else (K, N), dtype=np.float32)
    a, b = (A.T if tA else A), (B.T if tB else B)
    C = np.empty((M, N), dtype=np.float32)
    np.matmul(a, b, out=C)
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        t = time.perf_counter()
        np.matmul(a, b, out=C)
        times.append(time.perf_counter() - t)
    med = sorted(times)[len(times) // 2]
    print(json.dumps({"label": label, "median": med, "gflops": 2 * M * N * K / med / 1e9, "reps": len(times)}), flush=True)
