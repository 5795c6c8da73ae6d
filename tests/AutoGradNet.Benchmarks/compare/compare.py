#!/usr/bin/python3
"""Side-by-side comparison of AutoGradNet, PyTorch (eager) and numpy on issue 8's workloads W1-W4.

Starts one long-lived worker per implementation and thread count (AutoGradNet's `compare --serve`, and peers.py for
torch and numpy with 1 and 2 threads), then runs every case in ROUNDS: in each round every implementation of a case
is timed once, in an order that rotates from round to round, so machine noise falls on all of them alike. Untimed
warm-up rounds come first (two by default). A long W2 run (memory, gen-2 collections) follows, in fresh processes.

Writes the raw results as JSON (report.py turns them into docs/benchmarks.md). Normally started by run.sh.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
# The environment may pin OpenBLAS to older kernels; the peers run without these (never the tests or CI).
PEER_UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


class WorkerError(RuntimeError):
    pass


class Worker:
    """A process answering one JSON request per line."""

    def __init__(self, key, argv, log_dir):
        self.key = key
        self.argv = argv
        self.log_path = os.path.join(log_dir, f"{key}.stderr.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     bufsize=1)

    def ask(self, request):
        line = json.dumps(request)
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
        except BrokenPipeError:
            answer = ""
        if not answer:
            self.log.flush()
            tail = open(self.log_path).read()[-2000:]
            raise WorkerError(f"worker {self.key} ({' '.join(self.argv)}) died on {line}; stderr:\n{tail}")
        result = json.loads(answer)
        if "error" in result:
            raise WorkerError(f"worker {self.key} failed on {line}: {result['error']}")
        return result

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.proc.kill()
        self.log.close()


def peer_argv(impl, threads):
    # The peer's command, spelled as the one place where the OpenBLAS pins are lifted.
    env = ["env"] + [a for v in PEER_UNSET for a in ("-u", v)]
    env += [f"OPENBLAS_NUM_THREADS={threads}", f"OMP_NUM_THREADS={threads}", f"MKL_NUM_THREADS={threads}"]
    return env + [PYTHON, os.path.join(HERE, "peers.py"), "--impl", impl, "--threads", str(threads), "--serve"]


def agn_argv(exe):
    return [exe, "compare", "--serve"]


def machine():
    """CPU model, cores and ISA from /proc/cpuinfo; memory; kernel; package versions from dpkg."""
    info = {"kernel": platform.release(), "logical_cpus": os.cpu_count()}
    models, flags, cores = set(), set(), set()
    with open("/proc/cpuinfo") as f:
        physical = core = None
        for line in f:
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "model name":
                models.add(value)
            elif key == "flags" and not flags:
                flags = set(value.split())
            elif key == "physical id":
                physical = value
            elif key == "core id":
                core = value
            elif not key and physical is not None:
                cores.add((physical, core))
                physical = core = None
    info["cpu_model"] = "; ".join(sorted(models))
    info["physical_cores"] = len(cores) or None
    info["isa"] = [f for f in ("avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16", "avx2",
                               "fma", "avx") if f in flags]
    with open("/proc/meminfo") as f:
        info["mem_total"] = next((line.split(":")[1].strip() for line in f if line.startswith("MemTotal")), None)
    versions = {}
    for pkg in ("python3-torch", "python3-numpy", "libopenblas0-pthread", "libblas3"):
        try:
            out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
            versions[pkg] = out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None
        except FileNotFoundError:
            versions[pkg] = None
    info["packages"] = versions
    try:
        out = subprocess.run(["dotnet", "--version"], capture_output=True, text=True)
        info["dotnet_sdk"] = out.stdout.strip()
    except FileNotFoundError:
        info["dotnet_sdk"] = None
    return info


def build_cases(cfg, peak_isa):
    """Every case: an id, the request, and the (label, worker key) of each implementation, the first AutoGradNet."""
    cases = []
    t1 = 1
    for dtype in ("float32", "float64"):
        for threads in cfg.threads:
            cases.append({"id": f"peak/{dtype}/{threads}t", "workload": "peak",
                          "request": {"op": "peak", "dtype": dtype, "threads": threads, "reps": 1, "warmup": 0},
                          "impls": [("AutoGradNet", "agn")]})
            if peak_isa == "avx512":  # also the Vector256 + FMA peak, for kernels that use 256-bit vectors
                cases.append({"id": f"peak/{dtype}/{threads}t/avx2+fma", "workload": "peak",
                              "request": {"op": "peak", "isa": "avx2+fma", "dtype": dtype, "threads": threads,
                                          "reps": 1, "warmup": 0},
                              "impls": [("AutoGradNet", "agn")]})
    w1 = {"op": "w1", "iters": cfg.w1_iters, "threads": t1, "reps": 1, "warmup": 1}
    cases.append({"id": "w1", "workload": "w1", "request": w1, "impls": [
        ("AutoGradNet Sigmoid()", "agn", {"variant": "library"}),
        ("AutoGradNet 1/(1+exp(-x))", "agn", {"variant": "composed"}),
        ("PyTorch 1/(1+exp(-x))", f"torch{t1}", {"variant": "composed"}),
        ("PyTorch torch.sigmoid", f"torch{t1}", {"variant": "library"}),
        ("numpy hand-derived", f"numpy{t1}", {}),
    ]})
    for threads in cfg.threads:
        cases.append({"id": f"w2/{threads}t", "workload": "w2",
                      "request": {"op": "w2", "steps": cfg.w2_steps, "threads": threads, "reps": 1, "warmup": 1},
                      "impls": [("AutoGradNet", "agn"), ("PyTorch", f"torch{threads}"), ("numpy", f"numpy{threads}")]})
    for threads in cfg.threads:
        cases.append({"id": f"w2phases/{threads}t", "workload": "w2phases",
                      "request": {"op": "w2phases", "steps": cfg.w2_steps, "threads": threads, "reps": 1, "warmup": 1},
                      "impls": [("AutoGradNet", "agn")]})
    for shape in ([1], [4, 4]):
        sid = "x".join(map(str, shape))
        cases.append({"id": f"w3/{sid}", "workload": "w3",
                      "request": {"op": "w3", "shape": shape, "chains": cfg.w3_chains, "threads": t1, "reps": 1,
                                  "warmup": 1},
                      "impls": [("AutoGradNet", "agn"), ("PyTorch", f"torch{t1}")]})
    for n in cfg.sizes:
        calls = max(1, int(cfg.w4_flops_per_block / (2.0 * n ** 3)))
        for dtype in ("float32", "float64"):
            for threads in cfg.threads:
                cases.append({"id": f"w4/{n}/{dtype}/{threads}t", "workload": "w4",
                              "request": {"op": "w4", "n": n, "dtype": dtype, "threads": threads, "calls": calls,
                                          "reps": 1, "warmup": 1 if n <= 512 else 0},
                              "impls": [("AutoGradNet", "agn"), ("PyTorch", f"torch{threads}"),
                                        ("numpy", f"numpy{threads}")]})
    return cases


def impl_request(case, impl):
    request = dict(case["request"])
    if len(impl) > 2:
        request.update(impl[2])
    return request


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--agn", required=True, help="path of the built AutoGradNet.Benchmarks executable (Release)")
    p.add_argument("--out", required=True, help="where to write the results JSON")
    p.add_argument("--quick", action="store_true", help="few rounds and small counts: tests the script, not the code")
    p.add_argument("--rounds", type=int, help="timed rounds (default 21; quick 3)")
    p.add_argument("--warmup-rounds", type=int, default=2, help="untimed rounds before the timed ones (default 2)")
    p.add_argument("--threads", default="1,2", help="thread counts for W2 and W4 (default 1,2)")
    p.add_argument("--sizes", help="W4 sizes (default 128,256,512,1024,2048; quick 128,256,512)")
    p.add_argument("--w1-iters", type=int, default=1500, help="W1 iterations per timed block (default 1500)")
    p.add_argument("--w2-steps", type=int, help="W2 steps per timed block (default 20; quick 3)")
    p.add_argument("--w3-chains", type=int, help="W3 chains per timed block (default 10; quick 3)")
    p.add_argument("--long-steps", type=int, help="W2 steps of the memory run (default 10000, the issue's; quick 100)")
    p.add_argument("--w4-flops-per-block", type=float, default=4e8,
                   help="W4: repeat small products up to this many flops per timed block (default 4e8)")
    p.add_argument("--allow-reference-blas", action="store_true",
                   help="run even when numpy does not load OpenBLAS (the page then says which BLAS ran)")
    cfg = p.parse_args()
    quick = cfg.quick
    cfg.rounds = cfg.rounds or (3 if quick else 21)
    cfg.threads = [int(t) for t in cfg.threads.split(",")]
    cfg.sizes = [int(n) for n in (cfg.sizes or ("128,256,512" if quick else "128,256,512,1024,2048")).split(",")]
    cfg.w2_steps = cfg.w2_steps or (3 if quick else 20)
    cfg.w3_chains = cfg.w3_chains or (3 if quick else 10)
    cfg.long_steps = cfg.long_steps or (100 if quick else 10000)
    if quick:
        cfg.w1_iters = min(cfg.w1_iters, 300)

    log_dir = os.path.join(os.path.dirname(os.path.abspath(cfg.out)), "logs")
    os.makedirs(log_dir, exist_ok=True)
    started = time.time()
    results = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {k: v for k, v in vars(cfg).items() if k not in ("agn", "out")},
        "environment": {"OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
                        "peer_env_unset": list(PEER_UNSET), "python": platform.python_version(),
                        "loadavg_start": os.getloadavg()},
        "machine": machine(),
        "peer_commands": {},
        "info": {}, "cases": {}, "memory": {},
    }

    workers = {}
    try:
        workers["agn"] = Worker("agn", agn_argv(cfg.agn), log_dir)
        for t in sorted(set(cfg.threads) | {1}):
            for impl in ("torch", "numpy"):
                argv = peer_argv(impl, t)
                workers[f"{impl}{t}"] = Worker(f"{impl}{t}", argv, log_dir)
                results["peer_commands"][f"{impl}{t}"] = " ".join(argv)
        for key, w in workers.items():
            results["info"][key] = w.ask({"op": "info", "threads": int(key[-1]) if key != "agn" else 1})

        blas = results["info"].get("numpy1", {}).get("openblas")
        if not blas and not cfg.allow_reference_blas:
            raise SystemExit("error: numpy does not run on OpenBLAS (libraries: "
                             f"{results['info'].get('numpy1', {}).get('libraries')}); install libopenblas0-pthread "
                             "(or pass --allow-reference-blas to compare against the reference BLAS)")
        for key, value in results["info"].items():
            if key != "agn" and value.get("openblas"):
                print(f"{key}: {value['openblas']['config']}, core {value['openblas']['corename']}, "
                      f"{value['openblas']['num_threads']} thread(s)", file=sys.stderr)
        cases = build_cases(cfg, results["info"]["agn"].get("peak_isa"))
        for case in cases:
            results["cases"][case["id"]] = {"workload": case["workload"], "request": case["request"],
                                            "samples": {impl[0]: [] for impl in case["impls"]}, "extra": {}}
        warm = cfg.warmup_rounds
        for rnd in range(warm + cfg.rounds):
            t0 = time.time()
            for case in cases:
                impls = case["impls"]
                shift = rnd % len(impls)
                for impl in impls[shift:] + impls[:shift]:
                    request = impl_request(case, impl)
                    if rnd < warm and request.get("n", 0) <= 512:
                        request["warmup"] = max(request["warmup"], 3)  # longer warm-up: JIT tiering, first touch
                    if rnd == 0 and impl[1] == "agn" and request.get("op") in ("w1", "w2", "w3"):
                        request["warmup_seconds"] = 3.0  # .NET's tiered JIT settles over seconds on a small graph
                    answer = workers[impl[1]].ask(request)
                    if rnd < warm:
                        continue  # warm-up round
                    entry = results["cases"][case["id"]]
                    entry["samples"][impl[0]].extend(answer.get("gflops") or answer["times"])
                    for k in ("bytes_per_unit", "gen2", "forward", "backward", "update"):
                        if k in answer:
                            entry["extra"].setdefault(impl[0], {}).setdefault(k, []).extend(answer[k])
                    if "flops" in answer:
                        entry["flops"] = answer["flops"]
            if rnd < warm:
                time.sleep(0.5)  # lets .NET's background tier-1 compilation of the warm-up's hot methods finish
            label = f"warm-up round {rnd + 1}/{warm}" if rnd < warm else f"round {rnd - warm + 1}/{cfg.rounds}"
            print(f"{label}: {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
    finally:
        for w in workers.values():
            w.close()

    # The long W2 run, one fresh process per implementation (so the peak memory is W2's alone), 1 thread.
    for key, argv in (("AutoGradNet", agn_argv(cfg.agn)), ("PyTorch", peer_argv("torch", 1)),
                      ("numpy", peer_argv("numpy", 1))):
        t0 = time.time()
        w = Worker(f"mem-{key}", argv, log_dir)
        try:
            results["memory"][key] = w.ask({"op": "w2mem", "steps": cfg.long_steps, "threads": 1})
        finally:
            w.close()
        print(f"W2 memory run ({cfg.long_steps} steps), {key}: {time.time() - t0:.1f} s", file=sys.stderr, flush=True)

    results["environment"]["loadavg_end"] = os.getloadavg()
    results["seconds"] = time.time() - started
    with open(cfg.out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"results: {cfg.out} ({results['seconds']:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
