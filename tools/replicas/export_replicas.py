#!/usr/bin/python3
"""Export random-weight PyTorch replicas of NVIDIA's Audio2Face-3D networks to ONNX, with
reference test sets in ONNX's backend-test layout, for checking our own ONNX runtime (src/nn).

  regression_v2_3  A2F-3D v2.3 Mark / v2.3.1 Claire, James (wav2vec2 layer 1 + autocorrelation CNN)
  diffusion_v3_0   A2F-3D v3.0 (HuBERT-base + GRU, 2-step DDPM sampler unrolled)
  a2e_v2_2         Audio2Emotion v2.2 (wav2vec2 classifier; inner layout guessed)

Each model directory gets model.onnx, replica.json and test_data_set_N/{input,output}_K.pb
(onnx TensorProto, named after the graph tensor). Two export variants per model:

  <model>        opset --opset (default 17), do_constant_folding=True     (the brief's settings)
  <model>_op14   opset 14 and NVIDIA's own constant-folding choice (regression: torch default True;
                 diffusion: False, per the framework's convert_onnx.py), i.e. the shape of graph the
                 published network.onnx files most likely have

Usage (Debian 12: apt-get install python3-torch python3-onnx):
  /usr/bin/python3 tools/replicas/export_replicas.py --size tiny      # -> tests/data/replicas/
  /usr/bin/python3 tools/replicas/export_replicas.py --size full      # -> tests/data/replicas/full/
  /usr/bin/python3 tools/replicas/export_replicas.py --ops-table-only # regenerate ops.md

Deterministic: fixed torch/numpy seeds; inputs come from numpy RandomState, weights from
torch.manual_seed. Every export is run through onnx.checker and, unless --no-verify, executed by
an independent numpy ONNX interpreter (onnx_ref.py) and compared with the torch outputs.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import re
import shutil
import sys
import time
import warnings

import numpy as np

# Debian 12's python3-onnx (1.12) predates numpy 1.24; parts of it (backend test helpers) still
# use the removed numpy aliases. Nothing we import needs them today, but shim them so an onnx
# code path that does cannot crash the exporter.
for _alias, _typ in (("float", float), ("int", int), ("bool", bool), ("object", object), ("str", str)):
    if _alias not in np.__dict__:
        setattr(np, _alias, _typ)

import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

import a2e  # noqa: E402
import diffusion  # noqa: E402
from init_weights import init_replica_weights  # noqa: E402
import onnx_ref  # noqa: E402
import regression  # noqa: E402

SEED = 20250924  # weights: torch.manual_seed(SEED + model index); inputs: RandomState(SEED + set)


@dataclasses.dataclass
class Spec:
    name: str
    module: object
    mirrors: str
    build: object               # dims -> nn.Module
    test_sets: object           # (dims, size) -> list of input dicts
    nvidia_folding: bool        # constant folding NVIDIA's export used (at opset 14)


def _reg_sets(d, size):
    return [regression.make_inputs(d, 2, SEED + 0), regression.make_inputs(d, 1, SEED + 1)]


def _dif_sets(d, size):
    # set 0: batch 2, running GRU state; set 1: batch 1, state reset (zeros)
    return [diffusion.make_inputs(d, 2, SEED + 0), diffusion.make_inputs(d, 1, SEED + 1, zero_latents=True)]


def _a2e_sets(d, size):
    # set 0: batch 2, 1 s; set 1: batch 1, the TRT profile's minimum length (5000 samples)
    return [a2e.make_inputs(d, 2, 16000, SEED + 0), a2e.make_inputs(d, 1, 5000, SEED + 1)]


SPECS = [
    Spec("regression_v2_3", regression,
         "A2F-3D regression v2.3 Mark / v2.3.1 Claire, James (conv_w2v_autocorr)",
         lambda d: regression.RegressionNet(d), _reg_sets, True),
    Spec("diffusion_v3_0", diffusion,
         "A2F-3D diffusion v3.0 (diffusion_rnn: HuBERT-base + GRU, 2-step sampler unrolled)",
         lambda d: diffusion.DiffusionReplica(d, seed=SEED), _dif_sets, False),
    Spec("a2e_v2_2", a2e,
         "Audio2Emotion v2.2 (wav2vec2-base classifier; inner layout guessed)",
         lambda d: a2e.A2EReplica(d), _a2e_sets, True),
]


def dims_for(spec: Spec, size: str):
    return spec.module.full_dims() if size == "full" else spec.module.tiny_dims()


def _json_dims(d):
    return json.loads(json.dumps(dataclasses.asdict(d), default=list))


def fix_output_shapes(model: onnx.ModelProto, spec: Spec, ref_shapes: dict) -> list:
    """The exporter sometimes loses static output dims (e.g. ScatterND outputs get symbolic dims).
    Re-declare every output with the contract's shape: the dynamic axes keep their dim_param, the
    others get their value. Only the graph's declared output types change."""
    changed = []
    dyn = spec.module.DYNAMIC_AXES
    for out in model.graph.output:
        axes = dyn.get(out.name, {})
        axes = list(axes.keys()) if isinstance(axes, dict) else list(axes)
        shape = ref_shapes[out.name]
        dims = out.type.tensor_type.shape.dim
        if len(dims) != len(shape):
            raise RuntimeError(f"{out.name}: rank {len(dims)} != {len(shape)}")
        for i, dim in enumerate(dims):
            if i in axes:
                if not dim.dim_param:
                    raise RuntimeError(f"{out.name}: axis {i} should be dynamic")
                continue
            if dim.dim_param or dim.dim_value != shape[i]:
                changed.append(f"{out.name}[{i}]: {dim.dim_param or dim.dim_value} -> {shape[i]}")
                dim.Clear()
                dim.dim_value = shape[i]
    return changed


def describe_io(vals) -> list:
    out = []
    for v in vals:
        dims = [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
        out.append({"name": v.name, "dtype": onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type),
                    "shape": dims})
    return out


def export_one(spec: Spec, idx: int, size: str, variant: str, opset: int, out_root: str, verify: bool) -> dict:
    fold = True if variant == "main" else spec.nvidia_folding
    opset = opset if variant == "main" else 14
    dirname = spec.name if variant == "main" else f"{spec.name}_op14"
    out_dir = os.path.join(out_root, dirname)
    t0 = time.time()

    torch.manual_seed(SEED + idx)
    d = dims_for(spec, size)
    model = spec.build(d).eval()
    init_replica_weights(model)
    sets = spec.test_sets(d, size)
    in_names, out_names = spec.module.INPUT_NAMES, spec.module.OUTPUT_NAMES

    def as_args(s):  # fresh tensors every call: the diffusion graph writes into input_latents
        return tuple(torch.from_numpy(s[n].copy()) for n in in_names)

    refs = []
    with torch.no_grad():
        for s in sets:
            o = model(*as_args(s))
            o = o if isinstance(o, tuple) else (o,)
            refs.append({n: t.detach().numpy().copy() for n, t in zip(out_names, o)})

    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    path = os.path.join(out_dir, "model.onnx")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, as_args(sets[0]), path, input_names=in_names, output_names=out_names,
                          dynamic_axes=spec.module.DYNAMIC_AXES, opset_version=opset,
                          do_constant_folding=fold, export_params=True)

    m = onnx.load(path)
    changed = fix_output_shapes(m, spec, {n: refs[0][n].shape for n in out_names})
    m.doc_string = f"voxface replica of {spec.mirrors}; random weights; size={size}"
    onnx.save(m, path)
    onnx.checker.check_model(path, full_check=True)
    bad = {n.domain for n in m.graph.node if n.domain not in ("", "ai.onnx")}
    bad |= {o.domain for o in m.opset_import if o.domain not in ("", "ai.onnx")}
    if bad:
        raise RuntimeError(f"{dirname}: non-standard domains {bad}")

    for k, (s, r) in enumerate(zip(sets, refs)):
        ds = os.path.join(out_dir, f"test_data_set_{k}")
        os.makedirs(ds)
        for i, n in enumerate(in_names):
            with open(os.path.join(ds, f"input_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(s[n], n).SerializeToString())
        for i, n in enumerate(out_names):
            with open(os.path.join(ds, f"output_{i}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(r[n], n).SerializeToString())

    checks, trace = [], {}
    if verify:
        for k, (s, r) in enumerate(zip(sets, refs)):
            got = onnx_ref.run_model(m, {n: s[n].copy() for n in in_names}, trace)
            for n in out_names:
                g, e = got[n], r[n]
                if g.shape != e.shape:
                    raise RuntimeError(f"{dirname} set {k} {n}: shape {g.shape} != {e.shape}")
                diff = float(np.max(np.abs(g.astype(np.float64) - e)))
                scale = float(np.max(np.abs(e)))
                checks.append({"set": k, "output": n, "max_abs_diff": diff, "max_abs_ref": scale})
                if not np.isfinite(diff) or diff > 1e-4 * max(scale, 1.0):
                    raise RuntimeError(f"{dirname} set {k} {n}: numpy interpreter differs from torch "
                                       f"by {diff:g} (output scale {scale:g})")

    ops = collections.Counter(n.op_type for n in m.graph.node)
    nparams = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    info = {
        "model": dirname,
        "mirrors": spec.mirrors,
        "size": size,
        "variant": variant,
        "opset": opset,
        "do_constant_folding": fold,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "seed": SEED,
        "weights": "random: init_weights.py after torch.manual_seed(seed + model index)",
        "dims": _json_dims(d),
        "inputs": describe_io(m.graph.input),
        "outputs": describe_io(m.graph.output),
        "output_shape_fixes": changed,
        "test_sets": [{"set": k, **{n: list(s[n].shape) for n in in_names},
                       **{n: list(r[n].shape) for n in out_names}} for k, (s, r) in enumerate(zip(sets, refs))],
        "numpy_interpreter_check": checks,
        "initializer_floats": nparams,
        "model_bytes": os.path.getsize(path),
        "op_counts": dict(sorted(ops.items())),
        # what the numpy interpreter saw: input/output dtype[rank] signatures and attributes per op
        "op_details": {op: {"io": sorted(v["inputs"]), "attrs": sorted(v["attrs"])}
                       for op, v in sorted(trace.items())},
    }
    text = json.dumps(info, indent=1)
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda mt: "[" + re.sub(r"\s*\n\s*", " ", mt.group(1)) + "]", text)
    with open(os.path.join(out_dir, "replica.json"), "w") as f:
        f.write(text + "\n")
    worst = max((c["max_abs_diff"] / max(c["max_abs_ref"], 1.0) for c in checks), default=float("nan"))
    print(f"{dirname:22s} {size:4s} opset {opset} fold={int(fold)} {os.path.getsize(path) / 1e6:9.2f} MB "
          f"{nparams / 1e6:8.2f} M floats  {len(m.graph.node):5d} nodes  "
          f"verify={'skipped' if not verify else f'{worst:.1e}'}  {time.time() - t0:6.1f} s", flush=True)
    return info


# ------------------------------------------------------------------------------------ ops table

def _load_infos(root: str) -> list:
    infos = []
    if not os.path.isdir(root):
        return infos
    for name in sorted(os.listdir(root)):
        p = os.path.join(root, name, "replica.json")
        if os.path.isfile(p):
            with open(p) as f:
                infos.append(json.load(f))
    return infos


def write_ops_table(tiny_root: str, full_root: str, path: str) -> None:
    """ops.md is built from the committed tiny replicas only, so it regenerates identically on any
    machine. Full-size replicas, when present, are checked to use exactly the same op types."""
    infos = _load_infos(tiny_root)
    if not infos:
        print("ops table: no exported models found", file=sys.stderr)
        return
    by_name = {i["model"]: i for i in infos}
    for f in _load_infos(full_root):
        t = by_name.get(f["model"])
        if t is None:
            continue
        if set(t["op_counts"]) != set(f["op_counts"]) or t["opset"] != f["opset"]:
            raise RuntimeError(f"{f['model']}: full and tiny graphs differ in op types or opset: "
                               f"{sorted(set(t['op_counts']) ^ set(f['op_counts']))}")
        print(f"ops table: full {f['model']} has the same op types as tiny "
              f"({sum(f['op_counts'].values())} vs {sum(t['op_counts'].values())} nodes)")
    base = [s.name for s in SPECS]
    L = ["# ONNX ops in the replica graphs",
         "",
         "Generated by `tools/replicas/export_replicas.py` from the exported `replica.json` files; do not",
         "edit by hand. Counts are graph nodes per op type (all in the default `ai.onnx` domain).",
         "`main` = the committed replicas (opset and `do_constant_folding=True` as the brief asked);",
         "`op14` = opset 14 with NVIDIA's constant-folding choice (regression folded, diffusion not),",
         "i.e. the graph shape the published `network.onnx` files most likely have. Built from the",
         "tiny replicas; the full-size graphs have the same op types and opset (the exporter checks",
         "this when they are present); their counts differ only where layers repeat.",
         ""]
    cols = []
    for i in infos:
        cols.append((f"{i['model']} ({i['size']})", i))
    all_ops = sorted({op for _, i in cols for op in i["op_counts"]})
    L.append("## Summary")
    L.append("")
    L.append("| model | size | variant | opset | const. folding | nodes | op types | MB | initializer floats |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for _, i in cols:
        L.append(f"| {i['model']} | {i['size']} | {i['variant']} | {i['opset']} | {i['do_constant_folding']} | "
                 f"{sum(i['op_counts'].values())} | {len(i['op_counts'])} | {i['model_bytes'] / 1e6:.2f} | "
                 f"{i['initializer_floats']:,} |")
    L.append("")
    for name in base:
        group = [(c, i) for c, i in cols if i["model"].startswith(name)]
        if not group:
            continue
        ops = sorted({op for _, i in group for op in i["op_counts"]})
        L.append(f"## {name}")
        L.append("")
        L.append("| op | " + " | ".join(f"{i['variant']} {i['size']} (opset {i['opset']})" for _, i in group) + " |")
        L.append("|---|" + "---|" * len(group))
        for op in ops:
            L.append(f"| {op} | " + " | ".join(str(i["op_counts"].get(op, "")) for _, i in group) + " |")
        L.append("")
    L.append("## Union over all replicas (the runtime's op list)")
    L.append("")
    union = collections.defaultdict(set)
    for _, i in cols:
        for op in i["op_counts"]:
            union[op].add(i["model"].replace("_op14", "") + ("/op14" if i["variant"] != "main" else ""))
    L.append("| op | used by |")
    L.append("|---|---|")
    for op in all_ops:
        L.append(f"| {op} | {', '.join(sorted(union[op]))} |")
    L.append("")
    L.append(f"{len(all_ops)} op types. Opsets seen: {sorted({i['opset'] for _, i in cols})}.")
    L.append("")
    L.append("## Op details (union over the exported graphs, as executed by onnx_ref.py)")
    L.append("")
    L.append("`io`: input dtypes[rank] -> output dtypes[rank] (`-` = omitted optional input);")
    L.append("`attrs`: attribute sets (tensor attributes shown as dtype[rank]).")
    L.append("")

    def capped(items, n=14):
        items = sorted(items)
        more = f" (+{len(items) - n} more)" if len(items) > n else ""
        return "; ".join(f"`{x}`" if x else "`(none)`" for x in items[:n]) + more

    for op in all_ops:
        io, attrs = set(), set()
        for _, i in cols:
            det = i.get("op_details", {}).get(op)
            if det:
                io.update(det["io"])
                attrs.update(det["attrs"])
        L.append(f"- **{op}** io: {capped(io)}")
        L.append(f"  attrs: {capped(attrs)}")
    L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))
    print(f"wrote {path}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=["tiny", "full"], default="tiny")
    ap.add_argument("--out", help="output root (default: tests/data/replicas for tiny, "
                                  "tests/data/replicas/full for full)")
    ap.add_argument("--models", nargs="+", choices=[s.name for s in SPECS], default=[s.name for s in SPECS])
    ap.add_argument("--variants", nargs="+", choices=["main", "op14"], default=None,
                    help="default: main op14 for tiny, main for full")
    ap.add_argument("--opset", type=int, default=17, help="opset of the main variant (<= 17 with torch 1.13)")
    ap.add_argument("--no-verify", action="store_true", help="skip the numpy interpreter check")
    ap.add_argument("--ops-table", default=os.path.join(HERE, "ops.md"))
    ap.add_argument("--ops-table-only", action="store_true")
    args = ap.parse_args()

    tiny_root = os.path.join(REPO, "tests", "data", "replicas")
    full_root = os.path.join(tiny_root, "full")
    if args.ops_table_only:
        write_ops_table(tiny_root, full_root, args.ops_table)
        return 0
    out_root = args.out or (full_root if args.size == "full" else tiny_root)
    variants = args.variants or (["main", "op14"] if args.size == "tiny" else ["main"])
    os.makedirs(out_root, exist_ok=True)
    torch.set_grad_enabled(False)
    torch.set_num_threads(1)  # same reduction order on every run: byte-identical outputs on one machine
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}; out {out_root}")
    for spec in SPECS:
        if spec.name not in args.models:
            continue
        idx = [s.name for s in SPECS].index(spec.name)
        for v in variants:
            export_one(spec, idx, args.size, v, args.opset, out_root, not args.no_verify)
    if args.out is None:
        write_ops_table(tiny_root, full_root, args.ops_table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
