#!/usr/bin/env python3
"""pipe_torch.py — a pipe model file (model.safetensors) as a PyTorch module.

The file's metadata holds the network: "pipe.inputs" (a count, or CxHxW),
"pipe.layers" (one text per layer, "; "-separated, in order: the kind, then
key=value fields; " from=j,k" names the inputs when they are not the
previous layer, -1 the network's input) and "pipe.format" (pipe.nn/1 or
pipe.nn/2). The tensors are "layers.<i>.<name>": dense kernels [in, out],
conv kernels [out, in / groups, kh, kw] (PyTorch's Conv2d.weight; format 1
flattened them to [out, in * kh * kw]), biases, batch normalisation's gamma,
beta, moving_mean and moving_variance. The module computes what pipe's
predict mode computes (batch normalisation with the moving averages, no
dropout), in float64 by default.

    from pipe_torch import load
    net = load("output/x/model.safetensors")
    y = net(torch.from_numpy(images))

Command line: pipe_torch.py MODEL INPUT.npy [OUTPUT.npy] runs the network on
the rows of INPUT.npy (N x C x H x W images or N x F rows) and writes (or
prints) the outputs. Only the Python standard library, NumPy and PyTorch.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

FORMATS = ("pipe.nn/1", "pipe.nn/2")
DTYPES = {"F32": np.float32, "F64": np.float64}


def read_safetensors(path):
    """The tensors (name -> float64 array) and the metadata of a file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for name, t in header.items():
        begin, end = t["data_offsets"]
        values = np.frombuffer(body[begin:end], dtype=np.dtype(DTYPES[t["dtype"]]).newbyteorder("<"))
        tensors[name] = values.astype(np.float64).reshape(t["shape"])
    return tensors, meta


def parse_layer(text, index):
    """One layer's text: (kind, fields, inputs)."""
    words = text.split()
    fields = dict(w.split("=", 1) for w in words[1:])
    inputs = [int(j) for j in fields.pop("from").split(",")] if "from" in fields else [index - 1]
    return words[0], fields, inputs


def pair(text):
    """"3x3" -> (3, 3)."""
    h, w = text.split("x")
    return int(h), int(w)


def activation(name, alpha):
    return {
        "linear": lambda x: x,
        "relu": F.relu,
        "leaky_relu": lambda x: F.leaky_relu(x, alpha),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu6": lambda x: torch.clamp(x, 0, 6),
    }[name]


class Layer(torch.nn.Module):
    """One layer of a pipe network: its kind, fields and weights."""

    def __init__(self, kind, fields, weights, format_1):
        super().__init__()
        self.kind, self.fields = kind, fields
        for name, value in weights.items():
            if format_1 and name.endswith("kernel") and kind != "dense" and value.ndim == 2:
                value = self.kernel_from_format_1(name, value)
            self.register_buffer(name.replace(".", "_"), torch.from_numpy(value.copy()))
        alpha = float(fields.get("alpha", 0.01))
        self.act = activation(fields.get("act", "linear"), alpha)

    def kernel_from_format_1(self, name, value):
        """Format 1's [out, in * kh * kw] as [out, in, kh, kw]."""
        kh, kw = (1, 1) if name.startswith("shortcut") or self.kind == "shortcut" else pair(
            self.fields["kernel"])
        return value.reshape(value.shape[0], -1, kh, kw)

    def w(self, name):
        return getattr(self, name.replace(".", "_"))

    def conv(self, x, prefix, stride, pad, groups=1):
        return F.conv2d(x, self.w(prefix + "kernel"), self.w(prefix + "bias"), stride, pad,
                        groups=groups)

    def norm(self, x, prefix):
        return F.batch_norm(x, self.w(prefix + "moving_mean"), self.w(prefix + "moving_variance"),
                            self.w(prefix + "gamma"), self.w(prefix + "beta"), training=False,
                            eps=float(self.fields["eps"]))

    def forward(self, *xs):
        x, f, kind = xs[-1], self.fields, self.kind
        if kind == "dense":
            return self.act(x.reshape(x.shape[0], -1) @ self.w("kernel") + self.w("bias"))
        if kind == "conv2d":
            groups = x.shape[1] if f.get("depthwise") == "1" else int(f.get("groups", 1))
            return self.act(self.conv(x, "", pair(f["stride"]), pair(f["pad"]), groups))
        if kind == "batchnorm":
            return self.norm(x, "")
        if kind == "activation":
            return self.act(x)
        if kind == "dropout":
            return x
        if kind in ("maxpool", "avgpool"):
            pool = F.max_pool2d if kind == "maxpool" else F.avg_pool2d
            return pool(x, pair(f["kernel"]), pair(f["stride"]), pair(f["pad"]))
        if kind in ("global_avgpool", "global_maxpool"):
            return x.mean((2, 3), keepdim=True) if kind == "global_avgpool" else x.amax(
                (2, 3), keepdim=True)
        if kind == "flatten":
            return x.reshape(x.shape[0], -1)
        if kind == "softmax":
            return torch.softmax(x.reshape(x.shape[0], -1), dim=1)
        if kind == "add":
            if f.get("optional") == "1" and any(a.shape != x.shape for a in xs):
                return x
            return sum(xs)
        if kind == "concat":
            return torch.cat(xs, dim=1)
        if kind == "shortcut":
            return self.conv(x, "", pair(f["stride"]), 0) if hasattr(self, "kernel") else x
        if kind == "residual":
            return self.residual(x)
        raise ValueError(f"layer kind '{kind}' is not known to pipe_torch.py")

    def residual(self, x):
        """The fused ResNet basic block: act(bn2(conv2(act(bn1(conv1 x)))) + shortcut x)."""
        f, stride = self.fields, pair(self.fields["stride"])
        kh, kw = pair(f["kernel"])
        pad, norm = (kh // 2, kw // 2), f.get("norm") == "1"
        y = self.conv(x, "conv1.", stride, pad)
        y = self.act(self.norm(y, "bn1.") if norm else y)
        y = self.conv(y, "conv2.", 1, pad)
        y = self.norm(y, "bn2.") if norm else y
        skip = self.conv(x, "shortcut.", stride, 0) if hasattr(self, "shortcut_kernel") else x
        return self.act(y + skip)


class PipeNet(torch.nn.Module):
    """A pipe network: its layers in order, each with the indices of its inputs."""

    def __init__(self, inputs, layers, froms):
        super().__init__()
        self.inputs, self.layers, self.froms = inputs, torch.nn.ModuleList(layers), froms

    def forward(self, x):
        x = x.reshape((x.shape[0],) + self.inputs)
        outs = []
        for layer, inputs in zip(self.layers, self.froms):
            outs.append(layer(*[x if j < 0 else outs[j] for j in inputs]))
        y = outs[-1]
        return y.reshape(y.shape[0], -1)


def load(path, dtype=torch.float64):
    """The network of a pipe model file, in eval mode."""
    tensors, meta = read_safetensors(path)
    if meta.get("pipe.format") not in FORMATS:
        raise ValueError(f"{path}: model file format {meta.get('pipe.format')}: "
                         f"pipe_torch.py reads {' and '.join(FORMATS)}")
    inputs = tuple(int(v) for v in meta["pipe.inputs"].split("x"))
    layers, froms = [], []
    for i, text in enumerate(meta["pipe.layers"].split("; ")):
        kind, fields, inputs_of = parse_layer(text, i)
        prefix = f"layers.{i}."
        weights = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        layers.append(Layer(kind, fields, weights, meta["pipe.format"] == "pipe.nn/1"))
        froms.append(inputs_of)
    return PipeNet(inputs, layers, froms).to(dtype).eval()


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit("usage: pipe_torch.py MODEL INPUT.npy [OUTPUT.npy]")
    net = load(argv[1])
    with torch.no_grad():
        out = net(torch.from_numpy(np.load(argv[2]).astype(np.float64))).numpy()
    if len(argv) == 4:
        np.save(argv[3], out)
    else:
        np.savetxt(sys.stdout, out, fmt="%.17g", delimiter=",")


if __name__ == "__main__":
    main(sys.argv)
