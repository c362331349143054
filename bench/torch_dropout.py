"""PyTorch with and without nn.Dropout on W1 and W2, the peer of `npm run bench`'s dropout rows: the same
shapes and batches as ../shared/peers' torch peer (nn.Sequential of Linear + ReLU, float32, optim.SGD),
with nn.Dropout(p = 1 - keepProb) after each hidden ReLU in train mode (PyTorch draws its masks on the CPU
with its own generator), a plain step and a step with dropout timed in turns (in both orders), each alone. Run by
`npm run bench -- --peers DIR` in the same run as lnn, GEMMs on OPENBLAS_NUM_THREADS threads (torch's own
intra-op threads left at 1, as the torch peer does). Prints one JSON line per workload: median seconds
per iteration (W1) or examples per second (W2), plain and with dropout, and their ratio.
Usage: OPENBLAS_NUM_THREADS=2 /usr/bin/python3 bench/torch_dropout.py [keepProb] [reps]"""
import json
import statistics
import sys
import time

import numpy as np
import torch

keep = float(sys.argv[1]) if len(sys.argv) > 1 else 0.8
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 9
WORKLOADS = {
    "W1": dict(dims=[12288, 20, 7, 5, 1], m=209, batch=209, lr=0.0075),
    "W2": dict(dims=[784, 128, 64, 10], m=10000, batch=128, lr=0.01),
}
torch.manual_seed(3)


def model(dims, dropout):
    layers = []
    for l in range(1, len(dims)):
        layers.append(torch.nn.Linear(dims[l - 1], dims[l]))
        if l < len(dims) - 1:
            layers.append(torch.nn.ReLU())
            if dropout:
                layers.append(torch.nn.Dropout(p=1 - keep))
    return torch.nn.Sequential(*layers).train()


def trainer(w, dropout):
    net = model(w["dims"], dropout)
    opt = torch.optim.SGD(net.parameters(), lr=w["lr"])
    lossf = torch.nn.BCEWithLogitsLoss() if w["dims"][-1] == 1 else torch.nn.CrossEntropyLoss()

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss = lossf(net(xb), yb)
        loss.backward()
        opt.step()

    return step


for name, w in WORKLOADS.items():
    rng = np.random.default_rng(1)
    X = torch.from_numpy(rng.random((w["m"], w["dims"][0]), dtype=np.float32))
    labels = rng.integers(0, 2 if w["dims"][-1] == 1 else w["dims"][-1], size=w["m"])
    Y = torch.from_numpy(labels.astype(np.float32)).reshape(-1, 1) if w["dims"][-1] == 1 else torch.from_numpy(labels)
    bs = w["batch"]
    batches = [(X[i : i + bs].contiguous(), Y[i : i + bs].contiguous()) for i in range(0, w["m"], bs)]
    plain, dropped = trainer(w, False), trainer(w, True)
    for xb, yb in batches[:10]:
        plain(xb, yb)
        dropped(xb, yb)
    times = {"plain": [], "dropout": []}
    pair = (("plain", plain), ("dropout", dropped))
    for _ in range(reps):
        for i, (xb, yb) in enumerate(batches[:1] * 20 if name == "W1" else [b for b in batches if len(b[0]) == bs]):
            # plain first on even steps, dropout first on odd ones: the second finds the batch in cache
            for kind, step in pair if i % 2 == 0 else pair[::-1]:
                t = time.perf_counter()
                step(xb, yb)
                times[kind].append(time.perf_counter() - t)
    p, d = statistics.median(times["plain"]), statistics.median(times["dropout"])
    ratio = d / p
    metric = "s_per_iter" if name == "W1" else "ex_per_s"
    if name == "W2":
        p, d = bs / p, bs / d
    print(json.dumps(dict(peer=f"torch-{torch.__version__}-dropout", workload=name, metric=metric, keepProb=keep, plain=p, dropout=d, ratio=ratio)), flush=True)
