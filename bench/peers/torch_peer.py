# PyTorch peer for `npm run bench` (bench/peers/torch-peer.ts drives it): trains the MLP that our engine exported to a
# job folder (same data, same initial weights, same batch order) with plain nn.Linear layers and torch.optim, so the
# bench compares speed on identical work and the tests compare loss trajectories step by step.
#
# Protocol, one JSON object per line: it prints {"ready": ..., "torch": VERSION} once, then answers each request read
# from stdin, {"job": DIR, "threads": N, "epochs": E, "stepLosses": K} (or {"matmul": n, "threads": N}), with one line:
# {"epochSeconds": [...], "epochLosses": [...], "stepLosses": [...], "threads": N} or {"error": TEXT}.
import json
import os
import sys
import time
import traceback

import numpy as np
import torch
import torch.nn.functional as F

ACTIVATIONS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "identity": torch.nn.Identity}


def read_array(folder, entry):
    """One raw little-endian array of the job: {"file", "dtype" (float32|uint32), "length"}."""
    path = os.path.join(folder, entry["file"])
    dtype = {"float32": np.float32, "uint32": np.uint32}[entry["dtype"]]
    array = np.fromfile(path, dtype="<" + np.dtype(dtype).str[1:])
    if array.size != entry["length"]:
        raise ValueError(f"{path}: {array.size} values, job.json says {entry['length']}")
    return array


def load_job(folder):
    with open(os.path.join(folder, "job.json"), encoding="utf8") as f:
        job = json.load(f)
    if job["head"] != "softmax" or job["loss"] != "cross_entropy":
        raise ValueError(f"{folder}/job.json: head {job['head']} / loss {job['loss']}: only softmax cross_entropy")
    n, features = job["n"], job["features"]
    x = torch.from_numpy(read_array(folder, job["x"]).reshape(n, features).copy())
    labels = torch.from_numpy(read_array(folder, job["labels"]).astype(np.int64))
    orders = torch.from_numpy(read_array(folder, job["orders"]).astype(np.int64).reshape(-1, n))
    weights = [(read_array(folder, layer["W"]), read_array(folder, layer["b"])) for layer in job["layers"]]
    return job, x, labels, orders, weights


def build_model(job, weights):
    """nn.Sequential of nn.Linear (+ activation), weights copied from ours: our W is inputs × units, row-major."""
    modules = []
    for layer, (W, b) in zip(job["layers"], weights):
        if layer["activation"] not in ACTIVATIONS:
            raise ValueError(f"layer activation {layer['activation']}: the torch peer knows {sorted(ACTIVATIONS)}")
        linear = torch.nn.Linear(layer["inputs"], layer["units"])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.reshape(layer["inputs"], layer["units"]).T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if layer["activation"] != "identity":
            modules.append(ACTIVATIONS[layer["activation"]]())
    return torch.nn.Sequential(*modules)


def build_optimizer(opt, model):
    """Ours: weight decay is L2 added to the gradient of weights only (never biases), as torch's weight_decay does."""
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
    wd = opt.get("weightDecay", 0)
    groups = [{"params": weights, "weight_decay": wd}, {"params": biases, "weight_decay": 0}]
    if opt["type"] == "sgd":
        return torch.optim.SGD(groups, lr=opt["lr"])
    if opt["type"] == "momentum":
        return torch.optim.SGD(groups, lr=opt["lr"], momentum=opt["momentum"], nesterov=opt.get("nesterov", False))
    if opt["type"] == "adam":
        return torch.optim.Adam(groups, lr=opt["lr"], betas=(opt["beta1"], opt["beta2"]), eps=opt["epsilon"])
    raise ValueError(f"optimizer.type {opt['type']}: the torch peer knows sgd, momentum, adam")


def train(request, cache):
    folder = request["job"]
    if folder not in cache:
        cache.clear()
        cache[folder] = load_job(folder)
    job, x, labels, orders, weights = cache[folder]
    torch.set_num_threads(request["threads"])
    model = build_model(job, weights)
    optimizer = build_optimizer(job["optimizer"], model)
    batch = job["batchSize"]
    epochs = request.get("epochs", orders.shape[0])
    if epochs > orders.shape[0]:
        raise ValueError(f"epochs {epochs}: {folder} holds {orders.shape[0]} epoch orders")
    want_steps = request.get("stepLosses", 0)
    step_losses, epoch_seconds, epoch_losses = [], [], []
    for e in range(epochs):
        order = orders[e]
        total = torch.zeros(())
        t0 = time.perf_counter()
        for s in range(0, order.numel(), batch):
            index = order[s : s + batch]
            loss = F.cross_entropy(model(x[index]), labels[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.detach() * index.numel()
            if len(step_losses) < want_steps:
                step_losses.append(loss.item())
        lossSum = total.item()
        epoch_seconds.append(time.perf_counter() - t0)
        epoch_losses.append(lossSum / order.numel())
    return {
        "epochSeconds": epoch_seconds,
        "epochLosses": epoch_losses,
        "stepLosses": step_losses,
        "threads": torch.get_num_threads(),
    }


def matmul(request):
    """C = A·B (n³, float32): median of 5 timings of ≥ 2 GFLOP each, in GFLOP/s (bench/20-cpu-fast's protocol)."""
    torch.set_num_threads(request["threads"])
    n = request["matmul"]
    a, b = torch.rand(n, n) - 0.5, torch.rand(n, n) - 0.5
    c = torch.empty(n, n)
    torch.matmul(a, b, out=c)
    reps = max(1, round(2e9 / (2 * n**3)))
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.matmul(a, b, out=c)
        times.append((time.perf_counter() - t0) / reps)
    return {"gflops": 2 * n**3 / sorted(times)[2] / 1e9, "threads": torch.get_num_threads()}


def main():
    torch.set_num_interop_threads(1)
    print(json.dumps({"ready": True, "torch": torch.__version__, "numpy": np.__version__,
                      "mkl": torch.backends.mkl.is_available(), "cores": os.cpu_count()}), flush=True)
    cache = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            answer = matmul(request) if "matmul" in request else train(request, cache)
        except Exception as error:  # the bench prints it; the peer stays up for the next request
            answer = {"error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc()[-800:]}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
