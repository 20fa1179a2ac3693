#!/usr/bin/python3
"""The reference side of bench_training: the speaker-identification CNN of the
fine-tuning issue written the usual PyTorch way (NCHW, TensorFlow-style 'same'
padding with F.pad, Adam with Keras's epsilon), trained with the usual loop
(randperm each epoch, X[idx] per batch, zero_grad/backward/step). Prints one
line per epoch and a final `samples_per_second <median>` line.

Run with Debian's interpreter: /usr/bin/python3 (python3-torch).
"""

import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_padding(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_same(x, kernel, stride, value=0.0):
    top, bottom = same_padding(x.shape[2], kernel, stride)
    left, right = same_padding(x.shape[3], kernel, stride)
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


class SpeakerCnn(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 5, stride=3)
        self.c2 = nn.Conv2d(32, 32, 5, stride=3)
        self.c3 = nn.Conv2d(32, 64, 3, stride=3)
        self.c4 = nn.Conv2d(64, 64, 3, stride=3)
        self.c5 = nn.Conv2d(64, 128, 3, stride=3)
        self.c6 = nn.Conv2d(128, 128, 3, stride=3)
        self.d1 = nn.Linear(128, 256)
        self.d2 = nn.Linear(256, 128)
        self.d3 = nn.Linear(128, classes)

    def block(self, x, first, second, kernel):
        x = F.relu(first(pad_same(x, kernel, 3)))
        x = F.relu(second(pad_same(x, kernel, 3)))
        x = F.max_pool2d(pad_same(x, 3, 3, float("-inf")), 3, 3)
        return F.dropout(x, 0.3, self.training)

    def forward(self, x):
        x = self.block(x, self.c1, self.c2, 5)
        x = self.block(x, self.c3, self.c4, 3)
        x = self.block(x, self.c5, self.c6, 3)
        x = torch.flatten(x, 1)
        x = F.dropout(F.relu(self.d1(x)), 0.2, self.training)
        x = F.dropout(F.relu(self.d2(x)), 0.2, self.training)
        return self.d3(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = SpeakerCnn(args.classes)
    params = sum(p.numel() for p in model.parameters())
    print(f"parameters {params} threads {torch.get_num_threads()} torch {torch.__version__}", flush=True)
    x = torch.randn(args.samples, 1, 40, 87)
    y = torch.randint(0, args.classes, (args.samples,))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    rates = []
    for epoch in range(args.epochs):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(args.samples)
        for i in range(0, args.samples, args.batch):
            idx = order[i:i + args.batch]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
        seconds = time.perf_counter() - start
        rates.append(args.samples / seconds)
        print(f"epoch {epoch + 1}: {rates[-1]:.0f} samples/s (loss {loss.item():.4f})", flush=True)
    # The first epoch warms up allocators and kernels; the median of the rest is the figure.
    print(f"samples_per_second {statistics.median(rates[1:] if len(rates) > 1 else rates):.1f}")


if __name__ == "__main__":
    main()
