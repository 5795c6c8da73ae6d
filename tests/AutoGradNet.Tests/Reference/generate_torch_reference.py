#!/usr/bin/python3
"""Generates torch_reference.json: PyTorch values and gradients that the C# tests compare against.

Regenerate (from the repository root) with the Debian PyTorch, not a pyenv/venv python:

    apt-get install -y python3-torch python3-numpy
    /usr/bin/python3 tests/AutoGradNet.Tests/Reference/generate_torch_reference.py

CI never runs this script: the generated JSON is committed, and the tests only read it.
Regenerating with another torch version may change values in the last bits and the
"torch_version" field; review the diff before committing.

Format (see TorchReference.cs): every tensor is {"shape", "dtype", "data"} with data flat and
row-major; float64 values are written with full repr precision, NaN/Infinity/-Infinity as the
strings "NaN", "Infinity", "-Infinity"; int64 values as JSON integers; bool values as 0/1.
"grad_output" (a float64 tensor) seeds outputs[0]; "grads" holds one entry per input (null when
the input does not require grad), computed with torch.autograd.grad(outputs[0], inputs, grad_outputs=grad_output);
non-differentiable ops (argmax, one_hot, result_type) have grad_output null and all grads null.
Multi-output ops (max with dim, sort, topk) list values first, then int64 indices.
Conventions in "attrs": "dim": null means all elements; inputs are in the torch call's order except
embedding, which lists [weight, indices]; "slice" gives one [start, stop, step] per dim (null =
Python default); result_type cases put the answer in outputs[0].dtype (shape [0], no data).
An optional "note" explains torch behaviour worth knowing (ties, NaN, zeros).
"""

import json
import math
import os

import torch

torch.manual_seed(20240601)
F64 = torch.float64
I64 = torch.int64

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(SCRIPT_DIR, "torch_reference.json")
GENERATOR = "tests/AutoGradNet.Tests/Reference/generate_torch_reference.py"

DTYPE_NAMES = {
    torch.float64: "float64",
    torch.float32: "float32",
    torch.int64: "int64",
    torch.bool: "bool",
}

cases = []
names = set()


# ---------------------------------------------------------------- encoding


def enc_float(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v  # json writes repr(float): the shortest string that round-trips exactly


def enc_tensor(t, requires_grad=None):
    t = t.detach()
    dt = DTYPE_NAMES[t.dtype]
    flat = t.reshape(-1).tolist()
    if t.dtype == torch.bool:
        data = [1 if b else 0 for b in flat]
    elif t.dtype == torch.int64:
        data = [int(v) for v in flat]
    else:
        data = [enc_float(v) for v in flat]
    d = {"shape": list(t.shape), "dtype": dt, "data": data}
    if requires_grad is not None:
        d["requires_grad"] = bool(requires_grad)
    return d


def enc_attr(v):
    if isinstance(v, float):
        return enc_float(v)
    if isinstance(v, (list, tuple)):
        return [enc_attr(x) for x in v]
    if isinstance(v, dict):
        return {k: enc_attr(x) for k, x in v.items()}
    return v


# ---------------------------------------------------------------- case recording


def add(name, op, attrs, inputs, fn, differentiable=True, note=None, no_grad=(), grad_dtypes=(F64,)):
    """inputs: list of tensors; those whose dtype is in grad_dtypes (float64 unless a case asks for float32 too) get
    requires_grad=True when differentiable, except the positions listed in no_grad (e.g. class weights, which torch
    does not differentiate). The grad_output has outputs[0]'s dtype.
    fn(*leaves) returns a tensor or a tuple of tensors (values first, then e.g. indices).
    note: optional free text stored with the case, for behaviour a test author should know about."""
    assert name not in names, name
    names.add(name)
    leaves = []
    for i, t in enumerate(inputs):
        t = t.detach().clone()
        if differentiable and t.dtype in grad_dtypes and i not in no_grad:
            t.requires_grad_(True)
        leaves.append(t)
    with torch.enable_grad():
        out = fn(*leaves)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    grad_output = None
    grads = [None] * len(leaves)
    grad_leaves = [t for t in leaves if t.requires_grad]
    if differentiable and grad_leaves and outs[0].requires_grad:
        g = torch.randn(outs[0].shape, dtype=F64).to(outs[0].dtype)
        grad_output = g
        gs = torch.autograd.grad(outs[0], grad_leaves, grad_outputs=g, allow_unused=True)
        it = iter(gs)
        for i, t in enumerate(leaves):
            if t.requires_grad:
                gi = next(it)
                grads[i] = torch.zeros_like(t) if gi is None else gi
    case = {
        "name": name,
        "op": op,
        "attrs": enc_attr(attrs),
        "inputs": [enc_tensor(t, t.requires_grad) for t in leaves],
        "outputs": [enc_tensor(o) for o in outs],
        "grad_output": None if grad_output is None else enc_tensor(grad_output),
        "grads": [None if g is None else enc_tensor(g) for g in grads],
    }
    if note is not None:
        case["note"] = note
    cases.append(case)


def randn(*shape):
    return torch.randn(*shape, dtype=F64)


def uniform(lo, hi, *shape):
    return torch.rand(*shape, dtype=F64) * (hi - lo) + lo


def t64(values):
    return torch.tensor(values, dtype=F64)


def i64(values):
    return torch.tensor(values, dtype=I64)


nan = float("nan")
inf = float("inf")

# ---------------------------------------------------------------- elementwise

unary = [
    ("sin", torch.sin, lambda *s: randn(*s) * 2),
    ("cos", torch.cos, lambda *s: randn(*s) * 2),
    ("atan", torch.atan, lambda *s: randn(*s) * 2),
    ("asin", torch.asin, lambda *s: uniform(-0.9, 0.9, *s)),
    ("sinh", torch.sinh, lambda *s: randn(*s)),
    ("cosh", torch.cosh, lambda *s: randn(*s)),
    ("erf", torch.erf, lambda *s: randn(*s)),
    ("expm1", torch.expm1, lambda *s: randn(*s)),
    ("reciprocal", torch.reciprocal, lambda *s: uniform(0.3, 2.0, *s) * torch.where(torch.rand(*s) < 0.5, -1.0, 1.0).to(F64)),
    ("square", torch.square, lambda *s: randn(*s) * 2),
    ("rsqrt", torch.rsqrt, lambda *s: uniform(0.2, 3.0, *s)),
    ("tanh", torch.tanh, lambda *s: randn(*s) * 2),
    ("log1p", torch.log1p, lambda *s: uniform(-0.9, 3.0, *s)),
]
for op, f, make in unary:
    add(f"{op}_2d", op, {}, [make(3, 4)], f)
    add(f"{op}_3d", op, {}, [make(2, 3, 2)], f)

# values near zero, where naive formulas lose precision
add("expm1_tiny", "expm1", {}, [t64([1e-10, -1e-12, 1e-5, -3e-8])], torch.expm1)
add("log1p_tiny", "log1p", {}, [t64([1e-10, -1e-12, 1e-5, -3e-8])], torch.log1p)

# pow with a tensor exponent (positive base): both inputs require grad
add("pow_basic", "pow", {}, [uniform(0.5, 2.0, 3, 4), randn(3, 4)], torch.pow)
add("pow_broadcast_exponent", "pow", {}, [uniform(0.5, 2.0, 2, 3, 4), randn(4)], torch.pow)
add("pow_broadcast_both", "pow", {}, [uniform(0.5, 2.0, 3, 1), randn(1, 4)], torch.pow)

# clamp with tensor min and max: x below, inside, above, and exactly on each bound (ties)
clamp_x = t64([[-2.0, -1.0, 0.25, 1.0], [3.0, 0.5, -0.5, 2.0], [0.1, -3.0, 1.5, 0.0]])
clamp_min = t64([[-1.0, -1.0, -1.0, -1.0], [-1.0, 0.0, -0.5, -1.0], [0.2, -2.0, 0.0, -0.5]])
clamp_max = t64([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 0.5, 2.0], [0.4, 0.0, 1.0, 0.5]])
# ties: (0,1) x==min, (0,3) x==max, (1,2) x==min, (1,3) x==max
add("clamp_tensor_bounds", "clamp", {}, [clamp_x, clamp_min, clamp_max],
    lambda x, lo, hi: torch.clamp(x, min=lo, max=hi),
    note="at ties (x == min or x == max) the gradient goes to x, not to the bound")
add("clamp_tensor_broadcast", "clamp", {}, [randn(3, 4) * 2, t64([-1.0, -0.5, 0.0, -2.0]), t64([[0.5], [1.0], [1.5]])],
    lambda x, lo, hi: torch.clamp(x, min=lo, max=hi))
# min > max: torch returns max there (clamp is min(max(x, lo), hi))
add("clamp_min_greater_than_max", "clamp", {}, [t64([-2.0, 0.0, 2.0, 0.75]), t64([1.0, 1.0, 1.0, 1.0]), t64([0.5, 0.5, 0.5, 0.5])],
    lambda x, lo, hi: torch.clamp(x, min=lo, max=hi),
    note="min > max: the result is max and the gradient goes to max")
add("clamp_nan", "clamp", {}, [t64([nan, 0.0, 5.0, -5.0]), t64([-1.0, -1.0, -1.0, -1.0]), t64([1.0, 1.0, 1.0, 1.0])],
    lambda x, lo, hi: torch.clamp(x, min=lo, max=hi))

# ---------------------------------------------------------------- reductions

prod_in = uniform(0.5, 1.5, 3, 4) * torch.where(torch.rand(3, 4) < 0.3, -1.0, 1.0).to(F64)
add("prod_all", "prod", {"dim": None, "keepdim": False}, [prod_in], lambda x: torch.prod(x))
add("prod_dim1", "prod", {"dim": 1, "keepdim": False}, [prod_in], lambda x: torch.prod(x, 1))
add("prod_dim0_keepdim", "prod", {"dim": 0, "keepdim": True}, [prod_in], lambda x: torch.prod(x, 0, keepdim=True))
add("prod_3d_dim_neg2", "prod", {"dim": -2, "keepdim": False}, [uniform(0.5, 1.5, 2, 3, 2)], lambda x: torch.prod(x, -2))
add("prod_all_one_zero", "prod", {"dim": None, "keepdim": False}, [t64([[1.5, -2.0, 0.0], [0.5, 3.0, -1.25]])], lambda x: torch.prod(x))
add("prod_all_two_zeros", "prod", {"dim": None, "keepdim": False}, [t64([[1.5, 0.0, 2.0], [0.5, 0.0, -1.25]])], lambda x: torch.prod(x),
    note="with two or more zeros every gradient is 0")
# row 0: no zero, row 1: one zero, row 2: two zeros, row 3: all zeros
add("prod_dim1_zeros", "prod", {"dim": 1, "keepdim": False},
    [t64([[1.5, -2.0, 0.5], [2.0, 0.0, -3.0], [0.0, 4.0, 0.0], [0.0, 0.0, 0.0]])], lambda x: torch.prod(x, 1))
add("prod_dim_neg1_zeros_keepdim", "prod", {"dim": -1, "keepdim": True},
    [t64([[1.5, -2.0, 0.5], [2.0, 0.0, -3.0], [0.0, 4.0, 0.0]])], lambda x: torch.prod(x, -1, keepdim=True))

var_in = randn(3, 4)
for opname, f in (("var", torch.var), ("std", torch.std)):
    for dim in (None, 1):
        for corr in (0, 1):
            for keepdim in (False, True):
                dname = "all" if dim is None else f"dim{dim}"
                kname = "_keepdim" if keepdim else ""
                add(f"{opname}_{dname}_c{corr}{kname}", opname,
                    {"dim": dim, "correction": corr, "unbiased": corr == 1, "keepdim": keepdim}, [var_in],
                    lambda x, f=f, dim=dim, corr=corr, keepdim=keepdim: f(x, dim=dim, correction=corr, keepdim=keepdim))
    add(f"{opname}_3d_dim_neg1_c1", opname, {"dim": -1, "correction": 1, "unbiased": True, "keepdim": False}, [randn(2, 3, 4)],
        lambda x, f=f: f(x, dim=-1, correction=1))
# a single element with correction 1 divides by zero
add("var_single_element_c1", "var", {"dim": 1, "correction": 1, "unbiased": True, "keepdim": False}, [randn(3, 1)],
    lambda x: torch.var(x, dim=1, correction=1),
    note="correction 1 over one element: 0/0 gives NaN values and NaN gradients")

norm_in = randn(3, 4)
for ordname, ordv in (("1", 1), ("2", 2), ("inf", inf)):
    add(f"vector_norm_{ordname}_all", "vector_norm", {"ord": float(ordv), "dim": None, "keepdim": False}, [norm_in],
        lambda x, o=ordv: torch.linalg.vector_norm(x, ord=o))
    add(f"vector_norm_{ordname}_dim_neg1", "vector_norm", {"ord": float(ordv), "dim": -1, "keepdim": False}, [norm_in],
        lambda x, o=ordv: torch.linalg.vector_norm(x, ord=o, dim=-1))
    add(f"vector_norm_{ordname}_dim0_keepdim", "vector_norm", {"ord": float(ordv), "dim": 0, "keepdim": True}, [norm_in],
        lambda x, o=ordv: torch.linalg.vector_norm(x, ord=o, dim=0, keepdim=True))
# rows: a zero row, a row with |x| ties (inf norm splits evenly), a row with zeros among nonzeros
norm_special = t64([[0.0, 0.0, 0.0, 0.0], [2.0, -2.0, 1.0, 2.0], [0.0, 3.0, 0.0, -4.0]])
for ordname, ordv in (("1", 1), ("2", 2), ("inf", inf)):
    add(f"vector_norm_{ordname}_zeros_ties", "vector_norm", {"ord": float(ordv), "dim": 1, "keepdim": False}, [norm_special],
        lambda x, o=ordv: torch.linalg.vector_norm(x, ord=o, dim=1))
add("vector_norm_2_all_zero", "vector_norm", {"ord": 2.0, "dim": None, "keepdim": False}, [torch.zeros(2, 3, dtype=F64)],
    lambda x: torch.linalg.vector_norm(x, ord=2))

add("logsumexp_dims01", "logsumexp", {"dim": [0, 1], "keepdim": False}, [randn(2, 3, 4)], lambda x: torch.logsumexp(x, dim=[0, 1]))
add("logsumexp_dim_neg1_keepdim", "logsumexp", {"dim": [-1], "keepdim": True}, [randn(2, 3, 4)], lambda x: torch.logsumexp(x, dim=-1, keepdim=True))
add("logsumexp_dim1_large", "logsumexp", {"dim": [1], "keepdim": False}, [t64([[1000.0, 1001.0, 999.0], [-1000.0, -1001.0, -999.5]])],
    lambda x: torch.logsumexp(x, dim=1))
add("logsumexp_dim1_neginf", "logsumexp", {"dim": [1], "keepdim": False}, [t64([[-inf, 0.0, 1.0], [-inf, -inf, -inf]])],
    lambda x: torch.logsumexp(x, dim=1),
    note="a row of all -inf gives -inf and NaN gradients")

ties = t64([[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 5.0, -1.0], [0.0, -2.0, 4.0, 1.0]])
add("amax_dim1_ties", "amax", {"dim": [1], "keepdim": False}, [ties], lambda x: torch.amax(x, dim=1))
add("amax_dim0_keepdim_ties", "amax", {"dim": [0], "keepdim": True}, [t64([[1.0, 2.0, 3.0], [1.0, 0.0, 3.0], [-1.0, 2.0, 3.0]])],
    lambda x: torch.amax(x, dim=0, keepdim=True))
add("amax_all_ties", "amax", {"dim": None, "keepdim": False}, [ties], lambda x: torch.amax(x))
add("amax_3d_dims_0_neg1", "amax", {"dim": [0, -1], "keepdim": False}, [randn(2, 3, 4)], lambda x: torch.amax(x, dim=(0, -1)))
add("amax_nan", "amax", {"dim": None, "keepdim": False}, [t64([1.0, nan, 3.0])], lambda x: torch.amax(x),
    note="amax backward masks result == x, which is false everywhere in a slice whose max is NaN: torch gives NaN to every element of that slice")
add("amax_dim1_nan", "amax", {"dim": [1], "keepdim": False}, [t64([[1.0, nan, 3.0], [4.0, 2.0, 4.0]])], lambda x: torch.amax(x, dim=1),
    note="row 0 has a NaN max: torch gives NaN to every element of that row; row 1 ties split evenly")

add("max_dim1", "max", {"dim": 1, "keepdim": False}, [randn(3, 4)], lambda x: tuple(torch.max(x, 1)))
add("max_dim_neg1_keepdim_3d", "max", {"dim": -1, "keepdim": True}, [randn(2, 3, 4)], lambda x: tuple(torch.max(x, -1, keepdim=True)))
add("max_dim1_ties", "max", {"dim": 1, "keepdim": False}, [ties], lambda x: tuple(torch.max(x, 1)),
    note="max(dim) returns the first tied index; the whole gradient goes to it")
add("max_all_ties", "max", {"dim": None, "keepdim": False}, [ties], lambda x: torch.max(x),
    note="full max() splits the gradient evenly among tied maxima (like amax), unlike max(dim)")
add("max_all_nan", "max", {"dim": None, "keepdim": False}, [t64([1.0, nan, 3.0])], lambda x: x.max(),
    note="full max() backward (evenly_distribute_backward) sends the gradient to the NaN element(s)")
add("max_dim0_nan", "max", {"dim": 0, "keepdim": False}, [t64([1.0, nan, 3.0])], lambda x: tuple(x.max(0)))
add("max_dim1_nan", "max", {"dim": 1, "keepdim": False}, [t64([[1.0, nan, 3.0, nan], [4.0, 2.0, 4.0, 0.0]])], lambda x: tuple(torch.max(x, 1)),
    note="max(dim) returns the index of the first NaN; the gradient goes to that index only")

arg_in = randn(3, 4)
add("argmax_dim1", "argmax", {"dim": 1, "keepdim": False}, [arg_in], lambda x: torch.argmax(x, dim=1), differentiable=False)
add("argmax_dim_neg2_keepdim", "argmax", {"dim": -2, "keepdim": True}, [arg_in], lambda x: torch.argmax(x, dim=-2, keepdim=True), differentiable=False)
add("argmax_all", "argmax", {"dim": None, "keepdim": False}, [arg_in], lambda x: torch.argmax(x), differentiable=False)
add("argmax_dim1_ties", "argmax", {"dim": 1, "keepdim": False}, [ties], lambda x: torch.argmax(x, dim=1), differentiable=False)
add("argmax_all_nan", "argmax", {"dim": None, "keepdim": False}, [t64([1.0, nan, 3.0, nan])], lambda x: torch.argmax(x), differentiable=False)
add("argmin_dim_neg1", "argmin", {"dim": -1, "keepdim": False}, [arg_in], lambda x: torch.argmin(x, dim=-1), differentiable=False)
add("argmin_dim0", "argmin", {"dim": 0, "keepdim": False}, [arg_in], lambda x: torch.argmin(x, dim=0), differentiable=False)
add("argmin_all", "argmin", {"dim": None, "keepdim": False}, [arg_in], lambda x: torch.argmin(x), differentiable=False)
add("argmin_3d_dim1", "argmin", {"dim": 1, "keepdim": False}, [randn(2, 3, 4)], lambda x: torch.argmin(x, dim=1), differentiable=False)
add("argmin_dim1_ties", "argmin", {"dim": 1, "keepdim": False}, [-ties], lambda x: torch.argmin(x, dim=1), differentiable=False)

# ---------------------------------------------------------------- selection

sel = randn(3, 4)
add("gather_dim0", "gather", {"dim": 0}, [sel, i64([[0, 2, 1, 0], [2, 2, 0, 1]])], lambda x, i: torch.gather(x, 0, i))
add("gather_dim1", "gather", {"dim": 1}, [sel, i64([[3, 0], [1, 1], [0, 2]])], lambda x, i: torch.gather(x, 1, i))
add("gather_dim_neg1_3d", "gather", {"dim": -1}, [randn(2, 3, 4), torch.randint(0, 4, (2, 3, 3))], lambda x, i: torch.gather(x, -1, i))

add("index_select_dim0", "index_select", {"dim": 0}, [sel, i64([2, 0, 2, 1])], lambda x, i: torch.index_select(x, 0, i))
add("index_select_dim_neg1", "index_select", {"dim": -1}, [randn(2, 3, 4), i64([3, 3, 0])], lambda x, i: torch.index_select(x, -1, i))

add("take_along_dim_dim1", "take_along_dim", {"dim": 1}, [sel, torch.argsort(sel, dim=1)], lambda x, i: torch.take_along_dim(x, i, dim=1))
add("take_along_dim_dim0_broadcast", "take_along_dim", {"dim": 0}, [sel, i64([[2, 0, 1, 1]])], lambda x, i: torch.take_along_dim(x, i, dim=0))
add("take_along_dim_none", "take_along_dim", {"dim": None}, [sel, i64([11, 0, 5, 5, 3])], lambda x, i: torch.take_along_dim(x, i))

add("scatter_add_dim0", "scatter_add", {"dim": 0}, [randn(3, 4), i64([[0, 1, 2, 0], [2, 0, 2, 1]]), randn(2, 4)],
    lambda s, i, src: torch.scatter_add(s, 0, i, src))
add("scatter_add_dim1_duplicates", "scatter_add", {"dim": 1}, [randn(2, 5), i64([[0, 0, 4], [3, 1, 3]]), randn(2, 3)],
    lambda s, i, src: torch.scatter_add(s, 1, i, src))
add("scatter_add_dim_neg1_3d", "scatter_add", {"dim": -1}, [randn(2, 2, 3), torch.randint(0, 3, (2, 2, 4)), randn(2, 2, 4)],
    lambda s, i, src: torch.scatter_add(s, -1, i, src))

add("index_add_dim0", "index_add", {"dim": 0, "alpha": 1.0}, [randn(4, 3), i64([0, 2, 0]), randn(3, 3)],
    lambda s, i, src: torch.index_add(s, 0, i, src))
add("index_add_dim1_alpha", "index_add", {"dim": 1, "alpha": 2.5}, [randn(2, 4), i64([3, 3, 1]), randn(2, 3)],
    lambda s, i, src: torch.index_add(s, 1, i, src, alpha=2.5))
add("index_add_dim_neg1_3d", "index_add", {"dim": -1, "alpha": 1.0}, [randn(2, 2, 3), i64([2, 0, 2, 2]), randn(2, 2, 4)],
    lambda s, i, src: torch.index_add(s, -1, i, src))

mask = torch.tensor([[True, False, False, True], [False, True, False, False], [True, True, False, False]])
add("masked_fill_basic", "masked_fill", {"value": -1.5}, [sel, mask], lambda x, m: torch.masked_fill(x, m, -1.5))
add("masked_fill_broadcast_mask", "masked_fill", {"value": 0.0}, [randn(2, 3, 4), torch.tensor([True, False, True, False])],
    lambda x, m: torch.masked_fill(x, m, 0.0))
add("masked_fill_broadcast_mask_2d", "masked_fill", {"value": 7.0}, [sel, torch.tensor([[True], [False], [True]])],
    lambda x, m: torch.masked_fill(x, m, 7.0))
add("masked_fill_neginf", "masked_fill", {"value": -inf}, [sel, mask], lambda x, m: torch.masked_fill(x, m, -inf))

add("one_hot_2d", "one_hot", {"num_classes": 5}, [i64([[0, 4, 2], [1, 1, 3]])],
    lambda i: torch.nn.functional.one_hot(i, num_classes=5), differentiable=False)
add("one_hot_1d", "one_hot", {"num_classes": 3}, [i64([2, 0, 1, 2])],
    lambda i: torch.nn.functional.one_hot(i, num_classes=3), differentiable=False)

sort_in = randn(3, 5)
add("sort_ascending_dim_neg1", "sort", {"dim": -1, "descending": False}, [sort_in], lambda x: tuple(torch.sort(x, dim=-1)))
add("sort_descending_dim_neg1", "sort", {"dim": -1, "descending": True}, [sort_in], lambda x: tuple(torch.sort(x, dim=-1, descending=True)))
add("sort_ascending_dim0", "sort", {"dim": 0, "descending": False}, [sort_in], lambda x: tuple(torch.sort(x, dim=0)))
add("sort_descending_3d_dim1", "sort", {"dim": 1, "descending": True}, [randn(2, 3, 2)], lambda x: tuple(torch.sort(x, dim=1, descending=True)))
sort_ties = t64([[2.0, 1.0, 2.0, 0.0, 1.0, 2.0], [3.0, 3.0, 3.0, 3.0, -1.0, 3.0]])
add("sort_ascending_ties", "sort", {"dim": -1, "descending": False, "stable": False}, [sort_ties], lambda x: tuple(torch.sort(x, dim=-1)),
    note="stable=False, but CPU sort returned tied values in index order (as stable=True does)")
add("sort_descending_ties", "sort", {"dim": -1, "descending": True, "stable": False}, [sort_ties], lambda x: tuple(torch.sort(x, dim=-1, descending=True)),
    note="stable=False, but CPU sort returned tied values in index order (as stable=True does)")
add("sort_ascending_ties_stable", "sort", {"dim": -1, "descending": False, "stable": True}, [sort_ties],
    lambda x: tuple(torch.sort(x, dim=-1, stable=True)))
add("sort_descending_ties_stable", "sort", {"dim": -1, "descending": True, "stable": True}, [sort_ties],
    lambda x: tuple(torch.sort(x, dim=-1, descending=True, stable=True)))
add("sort_ascending_nan", "sort", {"dim": -1, "descending": False}, [t64([2.0, nan, -1.0, inf, -inf])], lambda x: tuple(torch.sort(x)))

add("topk_largest_k2", "topk", {"k": 2, "dim": -1, "largest": True, "sorted": True}, [sort_in],
    lambda x: tuple(torch.topk(x, 2, dim=-1, largest=True, sorted=True)))
add("topk_smallest_k3", "topk", {"k": 3, "dim": -1, "largest": False, "sorted": True}, [sort_in],
    lambda x: tuple(torch.topk(x, 3, dim=-1, largest=False, sorted=True)))
add("topk_largest_dim0", "topk", {"k": 2, "dim": 0, "largest": True, "sorted": True}, [sort_in],
    lambda x: tuple(torch.topk(x, 2, dim=0, largest=True, sorted=True)))
add("topk_largest_ties", "topk", {"k": 3, "dim": -1, "largest": True, "sorted": True}, [sort_ties],
    lambda x: tuple(torch.topk(x, 3, dim=-1, largest=True, sorted=True)),
    note="CPU topk does not return tied values in index order; the tied indices (and so the gradient) are implementation-defined, only the values are")
add("topk_smallest_ties", "topk", {"k": 3, "dim": -1, "largest": False, "sorted": True}, [sort_ties],
    lambda x: tuple(torch.topk(x, 3, dim=-1, largest=False, sorted=True)),
    note="CPU topk does not return tied values in index order; the tied indices (and so the gradient) are implementation-defined, only the values are")

add("flip_dim0", "flip", {"dims": [0]}, [sel], lambda x: torch.flip(x, [0]))
add("flip_dims_0_1", "flip", {"dims": [0, 1]}, [sel], lambda x: torch.flip(x, [0, 1]))
add("flip_3d_dims_neg1_0", "flip", {"dims": [-1, 0]}, [randn(2, 3, 4)], lambda x: torch.flip(x, [-1, 0]))

add("roll_flat", "roll", {"shifts": [5], "dims": None}, [sel], lambda x: torch.roll(x, 5))
add("roll_flat_negative", "roll", {"shifts": [-2], "dims": None}, [sel], lambda x: torch.roll(x, -2))
add("roll_dim1", "roll", {"shifts": [1], "dims": [1]}, [sel], lambda x: torch.roll(x, 1, 1))
add("roll_dims_0_1", "roll", {"shifts": [1, -2], "dims": [0, 1]}, [sel], lambda x: torch.roll(x, (1, -2), (0, 1)))
add("roll_3d_dim_neg1_large_shift", "roll", {"shifts": [6], "dims": [-1]}, [randn(2, 3, 4)], lambda x: torch.roll(x, 6, -1))

tri_in = randn(3, 4)
for d in (-1, 0, 1):
    dn = f"neg{-d}" if d < 0 else str(d)
    add(f"tril_diagonal_{dn}", "tril", {"diagonal": d}, [tri_in], lambda x, d=d: torch.tril(x, diagonal=d))
    add(f"triu_diagonal_{dn}", "triu", {"diagonal": d}, [tri_in], lambda x, d=d: torch.triu(x, diagonal=d))
add("tril_3d_batched", "tril", {"diagonal": 0}, [randn(2, 3, 3)], lambda x: torch.tril(x))
add("triu_3d_batched_diagonal_1", "triu", {"diagonal": 1}, [randn(2, 3, 3)], lambda x: torch.triu(x, diagonal=1))

cum_in = randn(3, 4)
add("cumsum_dim0", "cumsum", {"dim": 0}, [cum_in], lambda x: torch.cumsum(x, 0))
add("cumsum_dim_neg1", "cumsum", {"dim": -1}, [cum_in], lambda x: torch.cumsum(x, -1))
add("cumsum_3d_dim1", "cumsum", {"dim": 1}, [randn(2, 3, 2)], lambda x: torch.cumsum(x, 1))
cumprod_in = uniform(0.5, 1.5, 3, 4) * torch.where(torch.rand(3, 4) < 0.3, -1.0, 1.0).to(F64)
add("cumprod_dim0", "cumprod", {"dim": 0}, [cumprod_in], lambda x: torch.cumprod(x, 0))
add("cumprod_dim_neg1", "cumprod", {"dim": -1}, [cumprod_in], lambda x: torch.cumprod(x, -1))
# row 0: no zero; row 1: one zero in the middle; row 2: zero first; row 3: two zeros
cumprod_zeros = t64([[1.5, -2.0, 0.5, 2.0], [2.0, 0.0, -3.0, 0.5], [0.0, 4.0, 1.5, -1.0], [1.5, 0.0, 2.0, 0.0]])
add("cumprod_dim_neg1_zeros", "cumprod", {"dim": -1}, [cumprod_zeros], lambda x: torch.cumprod(x, -1))
add("cumprod_dim0_zeros", "cumprod", {"dim": 0}, [cumprod_zeros], lambda x: torch.cumprod(x, 0))

add("embedding_basic", "embedding", {}, [randn(5, 4), i64([[0, 2, 4], [2, 2, 1]])],
    lambda w, i: torch.nn.functional.embedding(i, w))
add("embedding_padding_idx", "embedding", {"padding_idx": 2}, [randn(5, 4), i64([[0, 2, 4], [2, 2, 1]])],
    lambda w, i: torch.nn.functional.embedding(i, w, padding_idx=2))
# note: inputs are [weight, indices] for embedding (weight first, as it is the differentiable one)

# ---------------------------------------------------------------- views

sq = randn(4, 4)
rect = randn(3, 5)
add("diagonal_2d_offset0", "diagonal", {"offset": 0, "dim1": 0, "dim2": 1}, [rect], lambda x: torch.diagonal(x))
add("diagonal_2d_offset1", "diagonal", {"offset": 1, "dim1": 0, "dim2": 1}, [rect], lambda x: torch.diagonal(x, 1))
add("diagonal_2d_offset_neg1", "diagonal", {"offset": -1, "dim1": 0, "dim2": 1}, [rect], lambda x: torch.diagonal(x, -1))
add("diagonal_2d_square_offset_neg2", "diagonal", {"offset": -2, "dim1": 0, "dim2": 1}, [sq], lambda x: torch.diagonal(x, -2))
x3 = randn(2, 3, 4)
add("diagonal_3d_dim1_1_dim2_2", "diagonal", {"offset": 0, "dim1": 1, "dim2": 2}, [x3], lambda x: torch.diagonal(x, 0, 1, 2))
add("diagonal_3d_dim1_0_dim2_2_offset1", "diagonal", {"offset": 1, "dim1": 0, "dim2": 2}, [x3], lambda x: torch.diagonal(x, 1, 0, 2))
add("diagonal_3d_dim1_neg1_dim2_0", "diagonal", {"offset": 0, "dim1": -1, "dim2": 0}, [x3], lambda x: torch.diagonal(x, 0, -1, 0))
add("diagonal_3d_dim1_2_dim2_1_offset_neg1", "diagonal", {"offset": -1, "dim1": 2, "dim2": 1}, [x3], lambda x: torch.diagonal(x, -1, 2, 1))

add("narrow_dim0", "narrow", {"dim": 0, "start": 1, "length": 2}, [rect], lambda x: torch.narrow(x, 0, 1, 2))
add("narrow_3d_dim_neg1", "narrow", {"dim": -1, "start": 1, "length": 3}, [x3], lambda x: torch.narrow(x, -1, 1, 3))

add("select_dim0", "select", {"dim": 0, "index": 1}, [rect], lambda x: torch.select(x, 0, 1))
add("select_dim_neg1_index_neg1", "select", {"dim": -1, "index": -1}, [x3], lambda x: torch.select(x, -1, -1))
add("select_3d_dim1", "select", {"dim": 1, "index": 2}, [x3], lambda x: torch.select(x, 1, 2))

add("unflatten_dim1", "unflatten", {"dim": 1, "sizes": [2, 2]}, [randn(3, 4)], lambda x: torch.unflatten(x, 1, (2, 2)))
add("unflatten_dim_neg1_inferred", "unflatten", {"dim": -1, "sizes": [3, -1]}, [randn(2, 6)], lambda x: torch.unflatten(x, -1, (3, -1)))
add("unflatten_dim0_three", "unflatten", {"dim": 0, "sizes": [2, 1, 3]}, [randn(6, 2)], lambda x: torch.unflatten(x, 0, (2, 1, 3)))

# slices: one [start, stop, step] per dim (null = Python's default), i.e. x[start:stop:step, ...]
add("slice_step2_dim1", "slice", {"slices": [[None, None, 1], [None, None, 2]]}, [rect], lambda x: x[:, ::2])
add("slice_3d_mixed", "slice", {"slices": [[1, None, 1], [None, None, 1], [1, None, 2]]}, [x3], lambda x: x[1:, :, 1::2])
add("slice_start_stop_step3", "slice", {"slices": [[0, 3, 2], [1, 5, 3]]}, [rect], lambda x: x[0:3:2, 1:5:3])
add("slice_negative_bounds", "slice", {"slices": [[-2, None, 1], [None, -1, 1]]}, [rect], lambda x: x[-2:, :-1])

add("index_dim0", "index", {"dim": 0}, [rect, i64([2, 0, 2])], lambda x, i: x[i])
add("index_dim0_2d_index", "index", {"dim": 0}, [rect, i64([[0, 1], [1, 2]])], lambda x, i: x[i])
add("index_dim0_negative", "index", {"dim": 0}, [rect, i64([-1, 0, -3])], lambda x, i: x[i])
add("index_3d_dim0", "index", {"dim": 0}, [x3, i64([1, 1, 0])], lambda x, i: x[i])

mask35 = torch.rand(3, 5) < 0.5
add("masked_select_full", "masked_select", {}, [rect, mask35], lambda x, m: x[m],
    note="x[mask] with mask of x's shape: a 1-D result, as torch.masked_select")
# x[mask] with a mask over the leading dims selects whole sub-tensors (this is not torch.masked_select broadcasting)
add("masked_select_leading_dim", "masked_select", {}, [rect, torch.tensor([True, False, True])], lambda x, m: x[m],
    note="x[mask] with mask over dim 0 only: selects whole rows, result [count, 5]")
add("masked_select_3d_leading_dims", "masked_select", {}, [x3, torch.tensor([[True, False, True], [False, False, True]])], lambda x, m: x[m],
    note="x[mask] with mask over dims 0 and 1: result [count, 4]")

# ---------------------------------------------------------------- type promotion

for a, b in ((torch.int64, torch.float32), (torch.int64, torch.float64), (torch.bool, torch.int64),
             (torch.bool, torch.float32), (torch.float32, torch.float64)):
    an, bn = DTYPE_NAMES[a], DTYPE_NAMES[b]
    name = f"result_type_{an}_{bn}"
    assert name not in names
    names.add(name)
    ta = torch.ones(2, dtype=a)
    tb = torch.ones(2, dtype=b)
    rt = torch.result_type(ta, tb)
    assert (ta + tb).dtype == rt
    cases.append({
        "name": name, "op": "result_type", "attrs": {"a": an, "b": bn},
        "inputs": [enc_tensor(ta, False), enc_tensor(tb, False)],
        "outputs": [{"shape": [0], "dtype": DTYPE_NAMES[rt], "data": []}],
        "grad_output": None, "grads": [None, None],
    })

# ---------------------------------------------------------------- losses
# Appended after every older case so that the random stream (and so every older value) is unchanged.
# Inputs are in the torch call's order; optional tensors (weight, pos_weight) follow the target and never
# require grad unless noted. "reduction" is torch's string.

import torch.nn.functional as TF

li = randn(3, 4)
lt = randn(3, 4)
for red in ("mean", "sum", "none"):
    add(f"mse_loss_{red}", "mse_loss", {"reduction": red}, [li, lt], lambda x, y, r=red: TF.mse_loss(x, y, reduction=r))
    add(f"l1_loss_{red}", "l1_loss", {"reduction": red}, [li, lt], lambda x, y, r=red: TF.l1_loss(x, y, reduction=r))
# differences on both sides of beta/delta (no ties with the kink)
sd_x = t64([[0.1, -0.3, 2.0, -1.7], [0.45, 1.2, -0.05, 3.0], [-2.5, 0.7, 0.2, -0.6]])
sd_y = t64([[0.0, 0.1, 0.5, 0.2], [-0.3, 0.1, 0.3, -0.2], [0.4, 0.6, -0.9, 0.1]])
for red in ("mean", "sum", "none"):
    add(f"smooth_l1_loss_beta1_{red}", "smooth_l1_loss", {"reduction": red, "beta": 1.0}, [sd_x, sd_y],
        lambda x, y, r=red: TF.smooth_l1_loss(x, y, reduction=r, beta=1.0))
    add(f"huber_loss_delta1_{red}", "huber_loss", {"reduction": red, "delta": 1.0}, [sd_x, sd_y],
        lambda x, y, r=red: TF.huber_loss(x, y, reduction=r, delta=1.0))
add("smooth_l1_loss_beta0_5_mean", "smooth_l1_loss", {"reduction": "mean", "beta": 0.5}, [sd_x, sd_y],
    lambda x, y: TF.smooth_l1_loss(x, y, beta=0.5))
add("smooth_l1_loss_beta0_sum", "smooth_l1_loss", {"reduction": "sum", "beta": 0.0}, [sd_x, sd_y],
    lambda x, y: TF.smooth_l1_loss(x, y, reduction="sum", beta=0.0), note="beta = 0 is l1_loss")
add("huber_loss_delta2_5_sum", "huber_loss", {"reduction": "sum", "delta": 2.5}, [sd_x, sd_y],
    lambda x, y: TF.huber_loss(x, y, reduction="sum", delta=2.5))

bp = uniform(0.05, 0.95, 3, 4)
by = uniform(0.0, 1.0, 3, 4)
bw = uniform(0.5, 2.0, 3, 4)
bw_row = uniform(0.5, 2.0, 4)
for red in ("mean", "sum", "none"):
    add(f"binary_cross_entropy_{red}", "binary_cross_entropy", {"reduction": red}, [bp, by],
        lambda p, y, r=red: TF.binary_cross_entropy(p, y, reduction=r), no_grad=(1,))
    add(f"binary_cross_entropy_weight_{red}", "binary_cross_entropy", {"reduction": red}, [bp, by, bw],
        lambda p, y, w, r=red: TF.binary_cross_entropy(p, y, weight=w, reduction=r), no_grad=(1, 2))
add("binary_cross_entropy_weight_broadcast_mean", "binary_cross_entropy", {"reduction": "mean"}, [bp, by, bw_row],
    lambda p, y, w: TF.binary_cross_entropy(p, y, weight=w), no_grad=(1, 2), note="weight [4] broadcast over [3, 4]")
add("binary_cross_entropy_saturated_sum", "binary_cross_entropy", {"reduction": "sum"},
    [t64([0.0, 1.0, 0.0, 1.0, 0.3]), t64([1.0, 0.0, 0.0, 1.0, 0.6])],
    lambda p, y: TF.binary_cross_entropy(p, y, reduction="sum"), differentiable=False,
    note="each log is clamped at -100")

bx = randn(3, 4) * 3
bpw = uniform(0.5, 3.0, 4)
for red in ("mean", "sum", "none"):
    add(f"bce_with_logits_{red}", "binary_cross_entropy_with_logits", {"reduction": red}, [bx, by],
        lambda x, y, r=red: TF.binary_cross_entropy_with_logits(x, y, reduction=r))
    add(f"bce_with_logits_weight_pos_weight_{red}", "binary_cross_entropy_with_logits", {"reduction": red}, [bx, by, bw, bpw],
        lambda x, y, w, pw, r=red: TF.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, reduction=r), no_grad=(2, 3))
add("bce_with_logits_pos_weight_mean", "binary_cross_entropy_with_logits", {"reduction": "mean"}, [bx, by, bpw],
    lambda x, y, pw: TF.binary_cross_entropy_with_logits(x, y, pos_weight=pw), no_grad=(2,),
    note="inputs [input, target, pos_weight]")
add("bce_with_logits_large_sum", "binary_cross_entropy_with_logits", {"reduction": "sum"},
    [t64([60.0, -60.0, 60.0, -60.0, 0.0]), t64([1.0, 0.0, 0.0, 1.0, 0.5]), t64([2.0, 2.0, 2.0, 2.0, 2.0])],
    lambda x, y, pw: TF.binary_cross_entropy_with_logits(x, y, pos_weight=pw, reduction="sum"), no_grad=(2,))

# class-index losses: inputs [input, target(int64)] or [input, target, weight]
nl = randn(5, 4)
nlogp = torch.log_softmax(randn(5, 4), 1)
ntg = i64([2, 0, 3, 1, 2])
ntg_ign = i64([2, -100, 3, 1, -100])
ntg_ign7 = i64([2, 7, 3, 7, 0])
cw = uniform(0.5, 2.0, 4)
for red in ("mean", "sum", "none"):
    add(f"nll_loss_{red}", "nll_loss", {"reduction": red, "ignore_index": -100}, [nlogp, ntg],
        lambda x, t, r=red: TF.nll_loss(x, t, reduction=r))
    add(f"nll_loss_weight_ignore_{red}", "nll_loss", {"reduction": red, "ignore_index": -100}, [nlogp, ntg_ign, cw],
        lambda x, t, w, r=red: TF.nll_loss(x, t, weight=w, reduction=r), no_grad=(2,))
add("nll_loss_ignore_index7_mean", "nll_loss", {"reduction": "mean", "ignore_index": 7}, [nlogp, ntg_ign7],
    lambda x, t: TF.nll_loss(x, t, ignore_index=7))
nl3 = torch.log_softmax(randn(2, 4, 3), 1)
nt3 = i64([[0, 3, 1], [2, -100, 3]])
add("nll_loss_3d_weight_mean", "nll_loss", {"reduction": "mean", "ignore_index": -100}, [nl3, nt3, cw],
    lambda x, t, w: TF.nll_loss(x, t, weight=w), no_grad=(2,), note="input [N, C, d], target [N, d]")

for red in ("mean", "sum", "none"):
    for eps in (0.0, 0.2):
        e = str(eps).replace(".", "_")
        add(f"cross_entropy_ls{e}_{red}", "cross_entropy", {"reduction": red, "ignore_index": -100, "label_smoothing": eps},
            [nl, ntg], lambda x, t, r=red, ls=eps: TF.cross_entropy(x, t, reduction=r, label_smoothing=ls))
        add(f"cross_entropy_weight_ignore_ls{e}_{red}", "cross_entropy", {"reduction": red, "ignore_index": -100, "label_smoothing": eps},
            [nl, ntg_ign, cw], lambda x, t, w, r=red, ls=eps: TF.cross_entropy(x, t, weight=w, reduction=r, label_smoothing=ls), no_grad=(2,))
        add(f"cross_entropy_ignore_ls{e}_{red}", "cross_entropy", {"reduction": red, "ignore_index": -100, "label_smoothing": eps},
            [nl, ntg_ign], lambda x, t, r=red, ls=eps: TF.cross_entropy(x, t, reduction=r, label_smoothing=ls))
add("cross_entropy_weight_ls0_3_mean", "cross_entropy", {"reduction": "mean", "ignore_index": -100, "label_smoothing": 0.3},
    [nl, ntg, cw], lambda x, t, w: TF.cross_entropy(x, t, weight=w, label_smoothing=0.3), no_grad=(2,))
add("cross_entropy_ignore_index7_mean", "cross_entropy", {"reduction": "mean", "ignore_index": 7, "label_smoothing": 0.0},
    [nl, ntg_ign7], lambda x, t: TF.cross_entropy(x, t, ignore_index=7))
add("cross_entropy_3d_weight_ls0_1_mean", "cross_entropy", {"reduction": "mean", "ignore_index": -100, "label_smoothing": 0.1},
    [randn(2, 4, 3), nt3, cw], lambda x, t, w: TF.cross_entropy(x, t, weight=w, label_smoothing=0.1), no_grad=(2,),
    note="input [N, C, d], target [N, d]")

# probability targets: inputs [input, target(float64)] or [input, target, weight]
ptg = torch.softmax(randn(5, 4), 1)
for red in ("mean", "sum", "none"):
    for eps in (0.0, 0.2):
        e = str(eps).replace(".", "_")
        add(f"cross_entropy_probs_ls{e}_{red}", "cross_entropy_probs", {"reduction": red, "label_smoothing": eps},
            [nl, ptg], lambda x, t, r=red, ls=eps: TF.cross_entropy(x, t, reduction=r, label_smoothing=ls))
        add(f"cross_entropy_probs_weight_ls{e}_{red}", "cross_entropy_probs", {"reduction": red, "label_smoothing": eps},
            [nl, ptg, cw], lambda x, t, w, r=red, ls=eps: TF.cross_entropy(x, t, weight=w, reduction=r, label_smoothing=ls), no_grad=(2,))

# kl_div: inputs [input (log-probabilities), target]
kin = torch.log_softmax(randn(3, 4), 1)
ktg = torch.softmax(randn(3, 4), 1)
for red in ("batchmean", "sum", "mean", "none"):
    add(f"kl_div_{red}", "kl_div", {"reduction": red, "log_target": False}, [kin, ktg],
        lambda x, t, r=red: TF.kl_div(x, t, reduction=r))
    add(f"kl_div_log_target_{red}", "kl_div", {"reduction": red, "log_target": True}, [kin, torch.log(ktg)],
        lambda x, t, r=red: TF.kl_div(x, t, reduction=r, log_target=True))
add("kl_div_zero_target_sum", "kl_div", {"reduction": "sum", "log_target": False},
    [kin, t64([[0.5, 0.0, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25], [0.0, 1.0, 0.0, 0.0]])],
    lambda x, t: TF.kl_div(x, t, reduction="sum"), no_grad=(1,), note="target 0 contributes 0 (xlogy)")
# ---------------------------------------------------------------- losses and softmax (float64 and float32)
# Added after every other case so that the random draws of the cases above are unchanged. Each case exists in
# float64 ("<name>") and float32 ("<name>_f32"): the same float64 draws, rounded to float32 for the f32 case.
# Inputs in call order; the loss is the mean over all elements (PyTorch's default reduction) unless the name says sum.

FN = torch.nn.functional
F32 = torch.float32


def add_both(name, op, attrs, inputs, fn, note=None):
    add(name, op, attrs, inputs, fn, note=note)
    add(name + "_f32", op, attrs, [t.to(F32) if t.dtype == F64 else t for t in inputs], fn, note=note, grad_dtypes=(F32,))


add_both("mse_loss_2d", "mse_loss", {}, [randn(3, 4), randn(3, 4)], FN.mse_loss)
add_both("mse_loss_sum_2d", "mse_loss", {"reduction": "sum"}, [randn(2, 5), randn(2, 5)],
         lambda p, t: FN.mse_loss(p, t, reduction="sum"), note="SumSquaredError in AutoGradNet")
add_both("bce_2d", "binary_cross_entropy", {}, [uniform(0.05, 0.95, 3, 4), uniform(0.0, 1.0, 3, 4)], FN.binary_cross_entropy,
         note="soft targets; the target gets a gradient too")
add_both("bce_hard_targets", "binary_cross_entropy", {}, [uniform(0.02, 0.98, 6), t64([1.0, 0.0, 1.0, 1.0, 0.0, 0.0])],
         FN.binary_cross_entropy)
add_both("bce_with_logits_2d", "binary_cross_entropy_with_logits", {}, [randn(3, 4) * 3, uniform(0.0, 1.0, 3, 4)],
         FN.binary_cross_entropy_with_logits)
add_both("bce_with_logits_large", "binary_cross_entropy_with_logits", {},
         [t64([-60.0, -20.0, -1e-3, 0.0, 15.0, 80.0]), t64([1.0, 0.0, 0.5, 1.0, 0.25, 0.0])],
         FN.binary_cross_entropy_with_logits, note="large |logits|: no overflow, no log(0)")
add_both("cross_entropy_2d", "cross_entropy", {}, [randn(4, 5) * 2, i64([0, 4, 2, 2])], FN.cross_entropy)
add_both("cross_entropy_large_logits", "cross_entropy", {}, [t64([[1000.0, -1000.0, 0.0], [50.0, 51.0, 49.0]]), i64([1, 2])],
         FN.cross_entropy, note="logits of ±1000: the stable form gives finite values")
add_both("softmax_dim1", "softmax", {"dim": 1}, [randn(3, 4) * 2], lambda x: torch.softmax(x, dim=1))
add_both("softmax_dim0", "softmax", {"dim": 0}, [randn(3, 4) * 2], lambda x: torch.softmax(x, dim=0))
add_both("log_softmax_dim1", "log_softmax", {"dim": 1}, [randn(3, 4) * 2], lambda x: torch.log_softmax(x, dim=1))
add_both("log_softmax_dim0_3d", "log_softmax", {"dim": 0}, [randn(3, 2, 2) * 2], lambda x: torch.log_softmax(x, dim=0))

# ---------------------------------------------------------------- write

doc = {"torch_version": torch.__version__, "generator": GENERATOR, "cases": cases}
text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
# one case per line keeps diffs readable
text = text.replace(',{"name":', ',\n{"name":').replace('"cases":[{"name":', '"cases":[\n{"name":')
with open(OUT_PATH, "w", encoding="utf-8", newline="\n") as f:
    f.write(text)
    f.write("\n")
print(f"wrote {len(cases)} cases, {len(text)} bytes to {OUT_PATH}")
