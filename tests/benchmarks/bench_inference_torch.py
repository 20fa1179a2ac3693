"""The speaker-identification CNN of bench_inference, run in Debian's python3-torch
the same way Graft's engine runs it: Keras layout (N, H, W, C) between layers,
convolutions and pooling on permute() views (channels-last strides), Keras's
'same' padding as the conv's own symmetric padding plus one explicit pad only
for an odd total, under torch.no_grad() in eval mode.

Usage: bench_inference_torch.py DIR THREADS RUNS
Reads DIR/weights.npz (Keras layout) and DIR/input.npy, writes DIR/torch_output.npy
and prints one JSON line: {"samples_per_second": median, "runs": [...]}.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def same_padding(n, k, s):
    out = (n + s - 1) // s
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


class KerasLayoutCnn(torch.nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.convs = []
        for i in range(6):
            kernel = torch.from_numpy(weights[f"conv{i}_kernel"]).permute(3, 2, 0, 1).contiguous()
            bias = torch.from_numpy(weights[f"conv{i}_bias"])
            self.convs.append((kernel, bias))
        self.dense = []
        for i in range(3):
            self.dense.append((torch.from_numpy(weights[f"dense{i}_kernel"]).t().contiguous(),
                               torch.from_numpy(weights[f"dense{i}_bias"])))

    @staticmethod
    def conv(x, kernel, bias, stride):
        k = kernel.shape[2]
        (bh, ah), (bw, aw) = same_padding(x.shape[1], k, stride), same_padding(x.shape[2], k, stride)
        if ah != bh or aw != bw:
            x = F.pad(x, (0, 0, 0, aw - bw, 0, ah - bh))
        y = F.conv2d(x.permute(0, 3, 1, 2), kernel, bias, stride, (bh, bw))
        return y.permute(0, 2, 3, 1).relu_()

    @staticmethod
    def pool(x):
        (bh, ah), (bw, aw) = same_padding(x.shape[1], 3, 3), same_padding(x.shape[2], 3, 3)
        if ah != bh or aw != bw:
            x = F.pad(x, (0, 0, 0, aw - bw, 0, ah - bh), value=-float("inf"))
        return F.max_pool2d(x.permute(0, 3, 1, 2), 3, 3, (bh, bw)).permute(0, 2, 3, 1)

    def forward(self, x):
        for block in range(3):
            x = self.conv(x, *self.convs[2 * block], 3)
            x = self.conv(x, *self.convs[2 * block + 1], 3)
            x = self.pool(x)
        x = x.reshape(x.shape[0], -1)
        x = F.linear(x, *self.dense[0]).relu_()
        x = F.linear(x, *self.dense[1]).relu_()
        return torch.softmax(F.linear(x, *self.dense[2]), -1)


def main():
    folder, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    torch.set_num_threads(threads)
    weights = dict(np.load(f"{folder}/weights.npz"))
    x = torch.from_numpy(np.load(f"{folder}/input.npy"))
    model = KerasLayoutCnn(weights).eval()
    times = []
    with torch.no_grad():
        out = torch.cat([model(x[i:i + batch]) for i in range(0, x.shape[0], batch)])  # warm-up
        for _ in range(runs):
            start = time.perf_counter()
            out = torch.cat([model(x[i:i + batch]) for i in range(0, x.shape[0], batch)])
            times.append(time.perf_counter() - start)
    np.save(f"{folder}/torch_output.npy", out.numpy())
    rates = sorted(x.shape[0] / t for t in times)
    print(json.dumps({"samples_per_second": rates[len(rates) // 2], "runs": rates, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
