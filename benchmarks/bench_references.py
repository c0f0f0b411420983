"""Time the NumPy references against torch on CPU (run: python benchmarks/bench_references.py).

torch is optional and never a project dependency: without it the script says so and exits 0.
`--threads N` limits both libraries to N threads: on a shared 2-core machine, one busy
neighbour makes 2-thread timings swing wildly, while --threads 1 stays comparable.
"""

import argparse
import os
import statistics
import sys
import time


def _parse_args():
    parser = argparse.ArgumentParser(description="Time the NumPy references against torch.")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for both BLAS/OpenMP pools (default: library defaults)")
    return parser.parse_args()


ARGS = _parse_args()
if ARGS.threads is not None:
    # Must be set before numpy (OpenBLAS) and torch (OpenMP) start their thread pools.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from solutions import conv2d, maxpool2d  # noqa: E402

ROUNDS = 6
RUNS_PER_ROUND = 10
PAUSE_S = 0.3


def median_ms(ours, theirs):
    """Median wall time (ms) of each function. Blocks of runs of each alternate, so that
    slow drifts of a busy machine hit both sides alike. Before each block we pause: the
    BLAS and OpenMP worker threads of the other library spin for a while after their last
    job and would otherwise steal the CPU from this one."""
    times = {ours: [], theirs: []}
    for _ in range(ROUNDS):
        for fn in (ours, theirs):
            time.sleep(PAUSE_S)
            fn()
            for _ in range(RUNS_PER_ROUND):
                start = time.perf_counter()
                fn()
                times[fn].append(time.perf_counter() - start)
    return statistics.median(times[ours]) * 1e3, statistics.median(times[theirs]) * 1e3


def compare(label, ours, theirs, check):
    """Check the two agree, then time both and print medians and the ratio ours/torch."""
    check(ours(), theirs().numpy())
    ours_ms, torch_ms = median_ms(ours, theirs)
    print(f"{label:<44} ours {ours_ms:8.3f} ms   torch {torch_ms:8.3f} ms   "
          f"ours/torch {ours_ms / torch_ms:5.2f}")


def main():
    try:
        import torch
    except ImportError:
        print("torch not installed: skipped")
        return 0
    import torch.nn.functional as F

    if ARGS.threads is not None:
        torch.set_num_threads(ARGS.threads)
    print(f"numpy {np.__version__}, torch {torch.__version__}, torch threads "
          f"{torch.get_num_threads()}, median of {ROUNDS * RUNS_PER_ROUND} runs each, "
          f"load average {os.getloadavg()[0]:.2f} (other work on the machine skews both sides)")
    rng = np.random.default_rng(0)

    x = rng.standard_normal((8, 16, 32, 32))
    w = rng.standard_normal((32, 16, 3, 3))
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)

    def close(a, b):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)

    compare("conv2d f64 x(8,16,32,32) w(32,16,3,3) pad 1",
            lambda: conv2d(x, w, padding=1),
            lambda: F.conv2d(xt, wt, padding=1), close)

    for dtype in (np.float64, np.float32):
        p = rng.standard_normal((8, 32, 32, 32)).astype(dtype)
        pt = torch.from_numpy(p)
        compare(f"maxpool2d {np.dtype(dtype).name} (8,32,32,32) 2x2",
                lambda: maxpool2d(p, 2),
                lambda: F.max_pool2d(pt, 2), np.testing.assert_array_equal)
    return 0


if __name__ == "__main__":
    sys.exit(main())
