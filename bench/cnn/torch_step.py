#!/usr/bin/python3
"""torch_step.py - PyTorch's time for one training step of the CNNs of
bench_cnn_step.c (forward, MSE loss, backward, Adam update), batch 32, one
thread, float32 on the CPU. Needs Debian's python3-torch (1.13); a bench
script, never run by the tests.

Usage: /usr/bin/python3 bench/cnn/torch_step.py [steps [name]]   (default 3000 per network;
the calo networks take 1/100 of the steps, resnet and mobilenet 1/30, at least 10; name: a
prefix such as calo)
"""
import sys
import time

import torch
from torch import nn

BATCH = 32


def tabular_network():
    return (3, 2, 3), nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 1))


def eta_phi_network():
    layers, channels = [], 2
    for out in (16, 32, 64):
        layers += [nn.Conv2d(channels, out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels = out
    layers += [nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 1)]
    return (2, 32, 32), nn.Sequential(*layers)


def calo_network(side):
    """The electron-isolation study's CNN; the dense layer scales with the pixels."""
    return (1, side, side), nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(64 * (side // 2) ** 2, 1024 * side * side // (64 * 64)), nn.ReLU(),
        nn.Linear(1024 * side * side // (64 * 64), 1))


class Basic(nn.Module):
    """pipe's basic block: conv-bn-relu, conv-bn, + shortcut (x or a 1x1 projection), relu."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(cin, cout, 3, stride, 1), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01),
            nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1),
            nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01))
        self.skip = (nn.Identity() if cin == cout and stride == 1
                     else nn.Conv2d(cin, cout, 1, stride))

    def forward(self, x):
        return torch.relu(self.main(x) + self.skip(x))


class Inverted(nn.Module):
    """pipe's inverted residual: 1x1-bn-relu6, depthwise 3x3-bn-relu6, 1x1-bn, + x if shapes agree."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        mid = cin * expand
        self.main = nn.Sequential(
            nn.Conv2d(cin, mid, 1), nn.BatchNorm2d(mid, eps=1e-3, momentum=0.01), nn.ReLU6(),
            nn.Conv2d(mid, mid, 3, stride, 1, groups=mid),
            nn.BatchNorm2d(mid, eps=1e-3, momentum=0.01), nn.ReLU6(),
            nn.Conv2d(mid, cout, 1), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01))
        self.skip = cin == cout and stride == 1

    def forward(self, x):
        y = self.main(x)
        return x + y if self.skip else y


def block_network(block):
    """conv 16 3x3 relu, blocks 16, 32/2, 64/2, global average pooling, dense 1."""
    return (3, 64, 64), nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
        block(16, 16, 1), block(16, 32, 2), block(32, 64, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 1))


def bench(name, shape, model, steps):
    torch.manual_seed(42)
    batches = 64
    x = torch.randn(batches, BATCH, *shape)
    y = torch.randn(batches, BATCH, 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.MSELoss()
    times = []
    warmup = steps // 5
    for s in range(steps + warmup):
        b = s % batches
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x[b]), y[b])
        loss.backward()
        opt.step()
        if s >= warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    params = sum(p.numel() for p in model.parameters())
    print(f"{name:16s} {params:8d} params  torch {torch.__version__} step (batch {BATCH}, "
          f"1 thread): best {times[0] * 1e6:8.1f} us  median {times[steps // 2] * 1e6:8.1f} us  "
          f"p90 {times[steps * 9 // 10] * 1e6:8.1f} us")


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    torch.set_num_threads(1)
    only = sys.argv[2] if len(sys.argv) > 2 else ""
    networks = (("tabular 3x2x3", tabular_network(), 1),
                ("eta_phi 2x32x32", eta_phi_network(), 1),
                ("calo 1x32x32", calo_network(32), 100),
                ("calo 1x64x64", calo_network(64), 100),
                ("resnet 3x64x64", block_network(Basic), 30),
                ("mobilenet 3x64x64", block_network(lambda i, o, s: Inverted(i, o, s, 4)), 30))
    for name, (shape, model), divisor in networks:
        if name.startswith(only):
            bench(name, shape, model, max(steps // divisor, 10))


if __name__ == "__main__":
    main()
