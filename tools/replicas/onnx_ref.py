"""A small, independent numpy interpreter for the ONNX ops the replicas use.

Purpose: check that each exported graph, read back from disk and executed by the ONNX operator
definitions (not by torch), reproduces the torch outputs stored in the test set. That catches
exporter bugs that would otherwise turn into bogus expectations for our C++ runtime. It is a
checking tool only: plain numpy, no speed work, just the ops (and attributes) the replicas use.
Unknown ops raise, so a new op in a graph cannot slip through unverified.
"""

from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import numpy_helper

_erf = np.frompyfunc(math.erf, 1, 1)


def _attrs(node) -> dict:
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        if isinstance(v, onnx.TensorProto):
            v = numpy_helper.to_array(v)
        out[a.name] = v
    return out


def _np_dtype(onnx_type: int):
    return onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]


def _conv(x, w, b, a):
    nd = x.ndim - 2
    group = a.get("group", 1)
    strides = a.get("strides", [1] * nd)
    dil = a.get("dilations", [1] * nd)
    pads = a.get("pads", [0] * (2 * nd))
    if a.get("auto_pad", "NOTSET") not in ("NOTSET",):
        raise NotImplementedError("auto_pad")
    if any(d != 1 for d in dil):
        raise NotImplementedError("dilations")
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[i + nd]) for i in range(nd)])
    n, c = x.shape[:2]
    m = w.shape[0]
    ks = w.shape[2:]
    win = np.lib.stride_tricks.sliding_window_view(x, ks, axis=tuple(range(2, 2 + nd)))
    win = win[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in strides)]
    # win: [N, C, out..., k...]
    out_sp = win.shape[2:2 + nd]
    cg, mg = c // group, m // group
    outs = []
    for g in range(group):
        wg = win[:, g * cg:(g + 1) * cg]                           # [N, cg, out..., k...]
        wg = np.moveaxis(wg, 1, 1 + nd)                            # [N, out..., cg, k...]
        wg = wg.reshape(n, int(np.prod(out_sp)), -1)
        kg = w[g * mg:(g + 1) * mg].reshape(mg, -1)                # [mg, cg*k]
        outs.append(np.matmul(wg, kg.T))                           # [N, P, mg]
    y = np.concatenate(outs, axis=2).transpose(0, 2, 1).reshape((n, m) + tuple(out_sp))
    if b is not None:
        y = y + b.reshape((1, m) + (1,) * nd)
    return y.astype(x.dtype)


def _gru(x, w, r, b, seq_lens, h0, a):
    if a.get("direction", "forward") != "forward":
        raise NotImplementedError("GRU direction")
    acts = a.get("activations", ["Sigmoid", "Tanh"])
    if [s.lower() for s in acts] != ["sigmoid", "tanh"]:
        raise NotImplementedError(acts)
    hs = a["hidden_size"]
    lbr = a.get("linear_before_reset", 0)
    seq, batch, _ = x.shape
    w, r = w[0], r[0]
    b = b[0] if b is not None else np.zeros(6 * hs, x.dtype)
    wz, wr, wh = w[:hs], w[hs:2 * hs], w[2 * hs:]
    rz, rr, rh = r[:hs], r[hs:2 * hs], r[2 * hs:]
    wbz, wbr, wbh, rbz, rbr, rbh = (b[i * hs:(i + 1) * hs] for i in range(6))
    h = h0[0] if h0 is not None else np.zeros((batch, hs), x.dtype)
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))
    ys = []
    for t in range(seq):
        xt = x[t]
        z = sig(xt @ wz.T + h @ rz.T + wbz + rbz)
        rg = sig(xt @ wr.T + h @ rr.T + wbr + rbr)
        if lbr:
            hh = np.tanh(xt @ wh.T + rg * (h @ rh.T + rbh) + wbh)
        else:
            hh = np.tanh(xt @ wh.T + (rg * h) @ rh.T + rbh + wbh)
        h = (1 - z) * hh + z * h
        ys.append(h)
    y = np.stack(ys)[:, None]                                       # [seq, 1, batch, hs]
    return y.astype(x.dtype), h[None].astype(x.dtype)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = list(range(len(starts))) if axes is None else [int(v) % x.ndim for v in axes]
    steps = [1] * len(starts) if steps is None else steps
    idx = [slice(None)] * x.ndim
    for s, e, ax, st in zip(starts, ends, axes, steps):
        idx[ax] = slice(int(s), int(e), int(st))
    return x[tuple(idx)]


def _reduce(fn, x, axes, keepdims):
    axes = None if axes is None or len(axes) == 0 else tuple(int(v) for v in axes)
    return fn(x, axis=axes, keepdims=bool(keepdims))


def _div(a, b):
    if np.issubdtype(a.dtype, np.integer):
        return (np.trunc(a / b)).astype(a.dtype)
    return a / b


def run_node(node, ins: list, a: dict) -> list:
    op = node.op_type
    x = ins[0] if ins else None
    if op == "Constant":
        if "value" in a:
            return [a["value"]]
        if "value_float" in a:
            return [np.array(a["value_float"], np.float32)]
        if "value_int" in a:
            return [np.array(a["value_int"], np.int64)]
        if "value_ints" in a:
            return [np.array(a["value_ints"], np.int64)]
        raise NotImplementedError(a)
    if op == "Identity":
        return [x]
    if op == "Shape":
        return [np.array(x.shape, np.int64)]
    if op == "Gather":
        return [np.take(x, ins[1].astype(np.int64), axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        y = x
        axes = sorted(int(v) % (x.ndim + len(ins[1])) for v in ins[1])
        for ax in axes:
            y = np.expand_dims(y, ax)
        return [y]
    if op == "Squeeze":
        if len(ins) > 1 and ins[1] is not None:
            return [np.squeeze(x, axis=tuple(int(v) for v in ins[1]))]
        return [np.squeeze(x)]
    if op == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    if op == "Slice":
        return [_slice(x, ins[1], ins[2], ins[3] if len(ins) > 3 else None, ins[4] if len(ins) > 4 else None)]
    if op == "Reshape":
        shape = [int(v) for v in ins[1]]
        if not a.get("allowzero", 0):
            shape = [x.shape[i] if v == 0 else v for i, v in enumerate(shape)]
        return [x.reshape(shape)]
    if op == "Transpose":
        return [np.transpose(x, a.get("perm"))]
    if op == "Expand":
        shape = np.broadcast_shapes(x.shape, tuple(int(v) for v in ins[1]))
        return [np.broadcast_to(x, shape).copy()]
    if op == "Tile":
        return [np.tile(x, [int(v) for v in ins[1]])]
    if op == "ConstantOfShape":
        v = a.get("value", np.zeros(1, np.float32))
        return [np.full([int(s) for s in x], v.reshape(-1)[0], dtype=v.dtype)]
    if op == "Range":
        return [np.arange(ins[0], ins[1], ins[2]).astype(ins[0].dtype)]
    if op == "Cast":
        return [x.astype(_np_dtype(a["to"]))]
    if op == "Equal":
        return [np.equal(ins[0], ins[1])]
    if op == "Not":
        return [np.logical_not(x)]
    if op == "Where":
        return [np.where(ins[0], ins[1], ins[2])]
    if op == "NonZero":
        return [np.array(np.nonzero(x), dtype=np.int64).reshape(x.ndim, -1)]
    if op == "ScatterND":
        if a.get("reduction", "none") != "none":
            raise NotImplementedError("ScatterND reduction")
        data, ind, upd = ins
        out = data.copy()
        k = ind.shape[-1]
        out[tuple(ind[..., i] for i in range(k))] = upd
        return [out]
    if op in ("Add", "Sub", "Mul", "Div", "Pow"):
        p, q = ins
        if op == "Add":
            return [p + q]
        if op == "Sub":
            return [p - q]
        if op == "Mul":
            return [p * q]
        if op == "Div":
            return [_div(p, q)]
        return [np.power(p, q).astype(p.dtype)]
    if op == "Sqrt":
        return [np.sqrt(x)]
    if op == "Exp":
        return [np.exp(x)]
    if op == "Erf":
        return [_erf(x.astype(np.float64)).astype(x.dtype)]
    if op == "Tanh":
        return [np.tanh(x)]
    if op == "Softplus":
        return [np.logaddexp(0, x).astype(x.dtype)]
    if op == "Relu":
        return [np.maximum(x, 0).astype(x.dtype)]
    if op == "LeakyRelu":
        al = a.get("alpha", 0.01)
        return [np.where(x >= 0, x, x * np.float32(al)).astype(x.dtype)]
    if op == "Floor":
        return [np.floor(x)]
    if op == "Ceil":
        return [np.ceil(x)]
    if op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else None
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else None
        y = x
        if lo is not None:
            y = np.maximum(y, lo)
        if hi is not None:
            y = np.minimum(y, hi)
        return [y.astype(x.dtype)]
    if op == "MatMul":
        return [np.matmul(ins[0], ins[1])]
    if op == "Gemm":
        p, q = ins[0], ins[1]
        if a.get("transA", 0):
            p = p.T
        if a.get("transB", 0):
            q = q.T
        y = a.get("alpha", 1.0) * (p @ q)
        if len(ins) > 2 and ins[2] is not None:
            y = y + a.get("beta", 1.0) * ins[2]
        return [y.astype(p.dtype)]
    if op == "Softmax":
        ax = a.get("axis", -1)
        e = np.exp(x - x.max(axis=ax, keepdims=True))
        return [(e / e.sum(axis=ax, keepdims=True)).astype(x.dtype)]
    if op == "ReduceMean":
        return [_reduce(np.mean, x, a.get("axes"), a.get("keepdims", 1)).astype(x.dtype)]
    if op == "ReduceL2":
        f = lambda v, axis, keepdims: np.sqrt(np.sum(v * v, axis=axis, keepdims=keepdims))
        return [_reduce(f, x, a.get("axes"), a.get("keepdims", 1)).astype(x.dtype)]
    if op == "ReduceSum":
        axes = ins[1] if len(ins) > 1 and ins[1] is not None else None
        if (axes is None or len(axes) == 0) and a.get("noop_with_empty_axes", 0):
            return [x]
        return [_reduce(np.sum, x, axes, a.get("keepdims", 1)).astype(x.dtype)]
    if op == "LayerNormalization":
        ax = a.get("axis", -1) % x.ndim
        axes = tuple(range(ax, x.ndim))
        mu = x.mean(axis=axes, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
        y = (x - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * ins[1]
        if len(ins) > 2 and ins[2] is not None:
            y = y + ins[2]
        return [y.astype(x.dtype)]
    if op == "InstanceNormalization":
        axes = tuple(range(2, x.ndim))
        mu = x.mean(axis=axes, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
        sh = (1, -1) + (1,) * (x.ndim - 2)
        y = (x - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * ins[1].reshape(sh) + ins[2].reshape(sh)
        return [y.astype(x.dtype)]
    if op == "Conv":
        return [_conv(x, ins[1], ins[2] if len(ins) > 2 else None, a)]
    if op == "GRU":
        get = lambda i: ins[i] if len(ins) > i else None
        return list(_gru(x, ins[1], ins[2], get(3), get(4), get(5), a))
    raise NotImplementedError(f"onnx_ref: op {op} not implemented")


_DT = {"float32": "f32", "float64": "f64", "int64": "i64", "int32": "i32", "bool": "bool"}


def _sig(v) -> str:
    if v is None:
        return "-"
    return f"{_DT.get(str(v.dtype), str(v.dtype))}[{v.ndim}]"


def _attr_sig(op: str, a: dict) -> str:
    parts = []
    for k in sorted(a):
        v = a[k]
        if isinstance(v, np.ndarray):
            v = f"{_DT.get(str(v.dtype), str(v.dtype))}[{v.ndim}]"
        elif isinstance(v, float):
            v = f"{v:g}"
        parts.append(f"{k}={v}".replace(" ", ""))
    return " ".join(parts)


def run_model(model: onnx.ModelProto, feeds: dict, trace: dict | None = None) -> dict:
    """Runs the graph. If ``trace`` is a dict, fills trace[op_type] = {"inputs": set of input
    signatures like "f32[3] f32[2]", "attrs": set of attribute summaries}."""
    g = model.graph
    for n in g.node:
        if n.domain not in ("", "ai.onnx"):
            raise NotImplementedError(f"domain {n.domain}")
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env.update(feeds)
    for n in g.node:
        ins = [env[i] if i else None for i in n.input]
        a = _attrs(n)
        outs = run_node(n, ins, a)
        if trace is not None:
            t = trace.setdefault(n.op_type, {"inputs": set(), "attrs": set()})
            t["inputs"].add(" ".join(_sig(v) for v in ins) + " -> " + " ".join(_sig(np.asarray(v)) for v in outs))
            t["attrs"].add(_attr_sig(n.op_type, a))
        for name, v in zip(n.output, outs):
            if name:
                env[name] = np.asarray(v)
    return {o.name: env[o.name] for o in g.output}
