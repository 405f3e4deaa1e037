"""A toy training run: fits y = 3x + 1 by gradient descent and writes its metrics.

nx-slurm runs it once per sweep index with that index's arguments appended, from the root of
the shipped source, with NX_SLURM_OUTPUT_DIR pointing at the index's own output folder.
"""
import argparse
import json
import os
import random

from sweep_metrics import mean_squared_error  # shipped as its own bundle, on PYTHONPATH


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learning_rate", type=float, required=True)
    parser.add_argument("--batch_size", type=int, required=True)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()

    rng = random.Random(0)
    xs = [rng.uniform(-1, 1) for _ in range(512)]
    ys = [3 * x + 1 + rng.gauss(0, 0.1) for x in xs]
    w, b = 0.0, 0.0
    for epoch in range(args.epochs):
        for start in range(0, len(xs), args.batch_size):
            batch = list(zip(xs[start : start + args.batch_size], ys[start : start + args.batch_size]))
            grad_w = sum(2 * (w * x + b - y) * x for x, y in batch) / len(batch)
            grad_b = sum(2 * (w * x + b - y) for x, y in batch) / len(batch)
            w -= args.learning_rate * grad_w
            b -= args.learning_rate * grad_b
        loss = mean_squared_error([w * x + b for x in xs], ys)
        print(f"epoch {epoch}: loss {loss:.4f}", flush=True)

    metrics = {"index": int(os.environ["NX_SLURM_INDEX"]), "args": vars(args), "w": w, "b": b, "loss": loss}
    out = os.path.join(os.environ["NX_SLURM_OUTPUT_DIR"], "metrics.json")
    with open(out, "w") as f:
        json.dump(metrics, f, indent=2)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
