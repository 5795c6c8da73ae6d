#!/usr/bin/python3
"""The peers of the side-by-side comparison: PyTorch (eager, autograd) and numpy (hand-derived backprop).

Speaks the same protocol as `AutoGradNet.Benchmarks compare --serve`: one JSON request per line on stdin, one JSON
answer per line on stdout. Times are seconds per unit (per iteration, step, op or product).

    /usr/bin/python3 peers.py --impl torch|numpy --serve

Thread counts come from the environment the orchestrator sets (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS) and, for
torch, torch.set_num_threads(--threads).
"""
import argparse
import ctypes
import json
import os
import resource
import sys
import time

SEED = 1


def loaded_libraries(words=("blas", "lapack", "gomp", "omp", "mkl")):
    """Real paths of the shared libraries mapped into this process whose names contain one of `words`."""
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6 and parts[5].startswith("/"):
                name = os.path.basename(parts[5]).lower()
                if any(w in name for w in words):
                    found.add(os.path.realpath(parts[5]))
    return sorted(found)


def openblas_info():
    """Ask the loaded OpenBLAS (if any) which version, core kernel and thread count it runs with."""
    for path in loaded_libraries(("openblas", "blas")):
        try:
            lib = ctypes.CDLL(path)
            corename = lib.openblas_get_corename
        except (OSError, AttributeError):
            continue
        corename.restype = ctypes.c_char_p
        config = lib.openblas_get_config
        config.restype = ctypes.c_char_p
        return {
            "library": path,
            "corename": corename().decode(),
            "config": config().decode(),
            "num_threads": lib.openblas_get_num_threads(),
        }
    return None


# ---------------------------------------------------------------------------------------------------------------- numpy
class NumpyPeer:
    name = "numpy"

    def __init__(self, threads):
        import numpy as np
        self.np = np
        self.threads = threads
        self.cache = {}

    def info(self):
        np = self.np
        a = np.ones((64, 64))
        a @ a  # make sure the BLAS is loaded
        info = {"numpy": np.__version__, "python": sys.version.split()[0], "openblas": openblas_info(),
                "libraries": loaded_libraries()}
        try:
            import io
            import contextlib
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                np.show_config()
            info["numpy_config"] = buf.getvalue()
        except Exception as e:  # noqa: BLE001 - informative only
            info["numpy_config"] = f"unavailable: {e}"
        try:
            import threadpoolctl
            info["threadpoolctl"] = threadpoolctl.threadpool_info()
        except ImportError:
            info["threadpoolctl"] = None
        return info

    # W1: the tutorial's hand-derived backprop (feedforward, backprop, W += d_weights; no loss is computed).
    def w1_reset(self):
        rng = self.np.random.default_rng(SEED)
        self.w1_x = self.np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=self.np.float64)
        self.w1_y = self.np.array([[0], [1], [1], [0]], dtype=self.np.float64)
        self.weights1 = rng.random((3, 4))
        self.weights2 = rng.random((4, 1))

    def w1_step(self):
        np = self.np
        x, y = self.w1_x, self.w1_y
        layer1 = 1.0 / (1.0 + np.exp(-np.dot(x, self.weights1)))
        output = 1.0 / (1.0 + np.exp(-np.dot(layer1, self.weights2)))
        delta2 = 2 * (y - output) * (output * (1.0 - output))
        d_weights2 = np.dot(layer1.T, delta2)
        d_weights1 = np.dot(x.T, np.dot(delta2, self.weights2.T) * (layer1 * (1.0 - layer1)))
        self.weights1 += 1.0 * d_weights1
        self.weights2 += 1.0 * d_weights2

    # W2: the MLP with hand-written backprop, the same maths as nn.Linear + ReLU + cross-entropy (mean) + SGD.
    def w2_setup(self):
        if "w2" in self.cache:
            return
        np = self.np
        rng = np.random.default_rng(SEED)
        f32 = np.float32

        def linear(i, o):
            bound = 1.0 / np.sqrt(i)
            return (rng.uniform(-bound, bound, (o, i)).astype(f32), rng.uniform(-bound, bound, o).astype(f32))

        self.params = [*linear(784, 256), *linear(256, 256), *linear(256, 10)]
        self.w2_x = rng.standard_normal((128, 784)).astype(f32)
        self.w2_t = rng.integers(0, 10, 128)
        self.cache["w2"] = True

    def w2_step(self):
        np = self.np
        w1, b1, w2, b2, w3, b3 = self.params
        x, t = self.w2_x, self.w2_t
        n = x.shape[0]
        h1 = x @ w1.T + b1
        a1 = np.maximum(h1, 0)
        h2 = a1 @ w2.T + b2
        a2 = np.maximum(h2, 0)
        z = a2 @ w3.T + b3
        m = z.max(axis=1, keepdims=True)
        e = np.exp(z - m)
        s = e.sum(axis=1, keepdims=True)
        logp = z - m - np.log(s)
        loss = -logp[np.arange(n), t].mean()
        dz = e / s
        dz[np.arange(n), t] -= 1
        dz /= n
        dw3 = dz.T @ a2
        db3 = dz.sum(axis=0)
        da2 = dz @ w3
        da2 *= h2 > 0
        dw2 = da2.T @ a1
        db2 = da2.sum(axis=0)
        da1 = da2 @ w2
        da1 *= h1 > 0
        dw1 = da1.T @ x
        db1 = da1.sum(axis=0)
        lr = 0.01
        for p, g in zip(self.params, (dw1, db1, dw2, db2, dw3, db3)):
            p -= lr * g
        return loss

    def w4_setup(self, n, dtype):
        key = ("w4", n, dtype)
        if key not in self.cache:
            rng = self.np.random.default_rng(SEED)
            self.cache[key] = (rng.random((n, n)).astype(dtype), rng.random((n, n)).astype(dtype))
        a, b = self.cache[key]
        return lambda: self.np.matmul(a, b)


# ---------------------------------------------------------------------------------------------------------------- torch
class TorchPeer:
    name = "torch"

    def __init__(self, threads):
        import torch
        self.torch = torch
        torch.set_num_threads(threads)
        self.threads = threads
        self.cache = {}

    def info(self):
        torch = self.torch
        a = torch.ones(64, 64)
        torch.mm(a, a)
        return {"torch": torch.__version__, "python": sys.version.split()[0], "num_threads": torch.get_num_threads(),
                "interop_threads": torch.get_num_interop_threads(), "config": torch.__config__.show(),
                "parallel_info": torch.__config__.parallel_info(), "openblas": openblas_info(),
                "libraries": loaded_libraries()}

    # W1 in eager autograd; composed: 1/(1+torch.exp(-x)); library: torch.sigmoid.
    def w1_reset(self):
        torch = self.torch
        g = torch.Generator().manual_seed(SEED)
        self.w1_x = torch.tensor([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=torch.float64)
        self.w1_y = torch.tensor([[0], [1], [1], [0]], dtype=torch.float64)
        self.weights1 = torch.rand(3, 4, dtype=torch.float64, generator=g).requires_grad_()
        self.weights2 = torch.rand(4, 1, dtype=torch.float64, generator=g).requires_grad_()

    def w1_step(self, composed):
        torch = self.torch
        act = (lambda v: 1 / (1 + torch.exp(-v))) if composed else torch.sigmoid
        layer1 = act(self.w1_x.mm(self.weights1))
        output = act(layer1.mm(self.weights2))
        loss = ((output - self.w1_y) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            for w in (self.weights1, self.weights2):
                w -= 1.0 * w.grad
                w.grad = None
        return loss

    def w2_setup(self):
        if "w2" in self.cache:
            return
        torch = self.torch
        torch.manual_seed(SEED)
        self.model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256),
                                         torch.nn.ReLU(), torch.nn.Linear(256, 10))
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.01)
        self.w2_x = torch.randn(128, 784)
        self.w2_t = torch.randint(0, 10, (128,))
        self.cache["w2"] = True

    def w2_step(self):
        self.opt.zero_grad()
        loss = self.torch.nn.functional.cross_entropy(self.model(self.w2_x), self.w2_t)
        loss.backward()
        self.opt.step()
        return loss

    def w3_chain(self, shape):
        torch = self.torch
        key = ("w3", tuple(shape))
        if key not in self.cache:
            self.cache[key] = torch.rand(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(SEED)).requires_grad_()
        x = self.cache[key]

        def run():
            x.grad = None
            y = x
            for i in range(1000):
                y = y * 0.5 if i % 2 == 0 else y + x
            y.sum().backward()
            return x.grad
        return run

    def w4_setup(self, n, dtype):
        torch = self.torch
        key = ("w4", n, dtype)
        if key not in self.cache:
            g = torch.Generator().manual_seed(SEED)
            td = torch.float32 if dtype == "float32" else torch.float64
            self.cache[key] = (torch.rand(n, n, dtype=td, generator=g), torch.rand(n, n, dtype=td, generator=g))
        a, b = self.cache[key]
        return lambda: torch.mm(a, b)


# ------------------------------------------------------------------------------------------------------------- protocol
def timed(reps, warmup, units, fn, reset=None, divisor=1):
    times = []
    for rep in range(-warmup, reps):
        if reset:
            reset()
        start = time.perf_counter()
        for _ in range(units):
            fn()
        elapsed = time.perf_counter() - start
        if rep >= 0:
            times.append(elapsed / units / divisor)
    return times


def handle(peer, r):
    op = r.get("op")
    reps, warmup = r.get("reps", 5), r.get("warmup", 1)
    threads = r.get("threads", peer.threads)
    if threads != peer.threads:
        raise ValueError(f"this {peer.name} worker runs with {peer.threads} thread(s), the request asks for {threads}")
    out = {"op": op}
    if op == "info":
        out.update(peer.info())
    elif op == "w1":
        composed = r.get("variant") == "composed"
        step = peer.w1_step if peer.name == "numpy" else (lambda: peer.w1_step(composed))
        out["times"] = timed(reps, warmup, r.get("iters", 1500), step, reset=peer.w1_reset)
    elif op == "w2":
        peer.w2_setup()
        out["times"] = timed(reps, warmup, r.get("steps", 10), peer.w2_step)
    elif op == "w2mem":
        peer.w2_setup()
        steps = r.get("steps", 2000)
        start = time.perf_counter()
        for _ in range(steps):
            peer.w2_step()
        out["steps"] = steps
        out["seconds"] = time.perf_counter() - start
        out["max_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    elif op == "w3":
        if peer.name != "torch":
            raise ValueError("w3 needs autograd: torch only")
        out["times"] = timed(reps, warmup, r.get("chains", 10), peer.w3_chain(r["shape"]), divisor=1000)
    elif op == "w4":
        n, dtype = r["n"], r.get("dtype", "float32")
        out["times"] = timed(reps, warmup, r.get("calls", 1), peer.w4_setup(n, dtype))
        out["flops"] = 2.0 * n ** 3
    else:
        raise ValueError(f"unknown op {op!r}")
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--impl", choices=("torch", "numpy"), required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help="answer JSON requests from stdin, one per line")
    parser.add_argument("requests", nargs="*", help="JSON requests (without --serve)")
    args = parser.parse_args()
    peer = TorchPeer(args.threads) if args.impl == "torch" else NumpyPeer(args.threads)
    lines = sys.stdin if args.serve else args.requests
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if line == "quit":
            break
        try:
            answer = handle(peer, json.loads(line))
        except Exception as e:  # noqa: BLE001 - the orchestrator needs every failure as an answer
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
