#!/usr/bin/env python3
"""test_torch_model.py — pipe's CNN model files are readable by PyTorch.

Trains two small CNNs on the tblobs test plugin's images with `pipe run`
(a ResNet-style one: conv, batchnorm, max pooling, a basic block whose
shortcut is an add, an average-pooled branch concatenated with a 1x1 conv,
global average pooling, dense; a MobileNet-style one: strided conv, two
inverted residuals with depthwise convolutions, relu6 and an optional add,
a grouped conv with leaky_relu, flatten, dropout, dense tanh; and one of
the fused residual layers, projected and not, with global max pooling),
then runs
`pipe run` again in predict mode on the same images, rebuilds both networks
in PyTorch from the model files alone (scripts/pipe_torch.py) and checks
that PyTorch's probabilities agree with pipe's predict mode to 1e-5. Also
a format-1 copy of a file (conv kernels of rank 2) gives the same outputs.

Usage (ctest runs it): test_torch_model.py PIPE BLOBS_PLUGIN_DIR SOURCE_DIR
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch

DATA = """pipeline: torch_check
seed: 7
stages:
  - id: blobs
    plugin: tblobs
    params: {rows: 64, channels: 2, height: 8, width: 8}
    outputs: {images: x, labels: labels, split: split}
  - id: images
    plugin: writer
    inputs: {table: x}
    params: {path: images.npy}
"""

TRAIN_STAGE = """  - id: {net}
    plugin: cnn
    inputs: {{x: x, y: labels, split: split}}
    params:
      head: multiclass
      epochs: 3
      lr: 0.01
      save: {net}.safetensors
      layers:
{layers}    outputs: {{proba: {net}_proba}}
"""

NETWORKS = {
    "resnet": ["{conv: 6, id: stem}", "batchnorm", "{maxpool: 2}", "{basic: 6, id: res}",
               "{conv: 4, kernel: 1, id: side}",
               "{avgpool: 3, stride: 1, padding: 1, from: res, id: pooled}",
               "{concat: [side, pooled]}", "global_avgpool", "{dense: 8}"],
    "mobilenet": ["{conv: 8, stride: 2}", "{inverted_residual: 8, expand: 4}",
                  "{inverted_residual: 12, stride: 2}",
                  "{conv: 6, groups: 2, activation: leaky_relu}", "flatten", "{dropout: 0.1}",
                  "{dense: 8, activation: tanh}"],
    "fused": ["{conv: 4}", "{residual: 6, stride: 2}", "{residual: 6}", "global_maxpool"],
}

PREDICT_STAGE = """  - id: {net}
    plugin: cnn
    inputs: {{x: x}}
    params: {{mode: predict, model: {model}}}
    outputs: {{proba: {net}_proba}}
  - id: write_{net}
    plugin: writer
    inputs: {{table: {net}_proba}}
    params: {{path: {net}.csv}}
"""


def run(pipe, plugins, yaml_text, folder, name):
    path = os.path.join(folder, name + ".yaml")
    with open(path, "w") as f:
        f.write(yaml_text)
    out = os.path.join(folder, name)
    done = subprocess.run([pipe, "run", path, "--quiet", "--out", out, "--plugin-path", plugins],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"pipe run {name} failed ({done.returncode}):\n{done.stderr}")
    return out


def as_format_1(path, to):
    """The model file with its rank-4 kernels flattened, marked pipe.nn/1."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header["__metadata__"]["pipe.format"] = "pipe.nn/1"
    for name, t in header.items():
        if name != "__metadata__" and len(t["shape"]) == 4:
            t["shape"] = [t["shape"][0], t["shape"][1] * t["shape"][2] * t["shape"][3]]
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(to, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data[8 + n:])


def main():
    pipe, plugins, source = sys.argv[1:4]
    sys.path.insert(0, os.path.join(source, "scripts"))
    import pipe_torch

    with tempfile.TemporaryDirectory() as folder:
        train = DATA
        for net, layers in NETWORKS.items():
            items = "".join(f"        - {item}\n" for item in layers)
            train += TRAIN_STAGE.format(net=net, layers=items)
        trained = run(pipe, plugins, train, folder, "train")
        predict = DATA
        for net in NETWORKS:
            predict += PREDICT_STAGE.format(net=net,
                                            model=os.path.join(trained, net + ".safetensors"))
        predicted = run(pipe, plugins, predict, folder, "predict")
        images = torch.from_numpy(np.load(os.path.join(trained, "images.npy")).astype(np.float64))
        assert images.shape == (64, 2, 8, 8), images.shape
        for net in NETWORKS:
            want = np.loadtxt(os.path.join(predicted, net + ".csv"), delimiter=",", skiprows=1)
            model = os.path.join(trained, net + ".safetensors")
            old = os.path.join(folder, net + ".v1.safetensors")
            as_format_1(model, old)
            for path in (model, old):
                with torch.no_grad():
                    got = pipe_torch.load(path)(images).numpy()
                assert got.shape == want.shape, (got.shape, want.shape)
                diff = np.abs(got - want).max()
                assert diff <= 1e-5, f"{path}: PyTorch and pipe differ by {diff:.3g}"
                # the outputs are not trivially equal (a constant network)
                assert np.ptp(want[:, 0]) > 1e-3, f"{net}: the probabilities do not vary"
                print(f"{net} ({os.path.basename(path)}): max |PyTorch - pipe| = {diff:.3g}")


if __name__ == "__main__":
    main()
