"""Trains a small CNN on CPU on a synthetic CIFAR-10-shaped data set and records the run in
trialgraph: the experiment and trial, the job with its parameters, the data sets it read, the
model it wrote, and loss/accuracy per step.

    python3 client/python/examples/train_cifar_cnn.py                # a server at localhost:50051
    TRIALGRAPH_TARGET=host:50051 python3 .../train_cifar_cnn.py --epochs 5
    TRIALGRAPH_MODE=offline python3 .../train_cifar_cnn.py           # no server: trialgraph-sync later

Then, with the trialgraph command line:

    trialgraph components show cifar10-synthetic-cnn-training
    trialgraph metrics plot val_acc cifar10-synthetic-cnn-training --output val_acc.png
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import trialgraph
from trialgraph import Artifact


def synthetic_cifar10(samples: int, seed: int) -> TensorDataset:
    """Images of 3x32x32 with 10 classes: each class has its own colour tint and stripe
    pattern under noise, so a CNN can learn it (like CIFAR-10's shape, not its content)."""
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (samples,), generator=generator)
    tint = torch.rand(10, 3, 1, 1, generator=torch.Generator().manual_seed(1234))
    rows = torch.arange(32).view(1, 32, 1).float()
    stripes = torch.stack([torch.sin(rows * (k + 1) * 0.2).expand(1, 32, 32) for k in range(10)])
    images = 0.4 * tint[labels] + 0.25 * stripes[labels] + torch.randn(samples, 3, 32, 32, generator=generator)
    return TensorDataset(images, labels)


class SmallCnn(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(16 * 8 * 8, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def evaluate(model: nn.Module, loader: DataLoader) -> tuple:
    model.eval()
    loss, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            out = model(images)
            loss += nn.functional.cross_entropy(out, labels, reduction="sum").item()
            correct += (out.argmax(1) == labels).sum().item()
            seen += len(labels)
    model.train()
    return loss / seen, correct / seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experiment", default="cifar10-synthetic")
    parser.add_argument("--trial", default="cifar10-synthetic-cnn")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-samples", type=int, default=2048)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=0.003)
    parser.add_argument("--output-dir", default="example-output")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    train = DataLoader(synthetic_cifar10(args.train_samples, seed=0), batch_size=args.batch_size, shuffle=True)
    validation = DataLoader(synthetic_cifar10(512, seed=1), batch_size=256)
    test = DataLoader(synthetic_cifar10(512, seed=2), batch_size=256)
    model = SmallCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate)
    data = f"synthetic://cifar10?classes=10&shape=3x32x32"

    # --- the trialgraph part: a job with its parameters, data and metrics ---------------------------
    with trialgraph.Tracker(f"{args.trial}-training", kind="training", experiment=args.experiment, trial=args.trial,
                            experiment_description="a small CNN learns synthetic CIFAR-10-shaped data",
                            parameters={"model": "small-cnn", "optimizer": "adam", "epochs": args.epochs,
                                        "batch-size": args.batch_size, "learning-rate": args.learning_rate},
                            inputs={"train": Artifact(f"{data}&seed=0&n={args.train_samples}", "dataset"),
                                    "validation": Artifact(f"{data}&seed=1&n=512", "dataset"),
                                    "test": Artifact(f"{data}&seed=2&n=512", "dataset")}) as job:
        step = 0
        started = time.time()
        for epoch in range(args.epochs):
            for images, labels in train:
                out = model(images)
                loss = nn.functional.cross_entropy(out, labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                job.log_many({"loss": loss.item(), "acc": (out.argmax(1) == labels).float().mean().item()}, step)
                step += 1
            val_loss, val_acc = evaluate(model, validation)
            job.log_many({"val_loss": val_loss, "val_acc": val_acc}, step)
            print(f"epoch {epoch + 1}/{args.epochs}: loss {loss.item():.4f} val_loss {val_loss:.4f} "
                  f"val_acc {val_acc:.4f} ({time.time() - started:.1f} s)")
        test_loss, test_acc = evaluate(model, test)
        job.log_many({"test_loss": test_loss, "test_acc": test_acc}, step)
        os.makedirs(args.output_dir, exist_ok=True)
        path = os.path.abspath(os.path.join(args.output_dir, "model.pt"))
        torch.save(model.state_dict(), path)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        job.log_output("model", Artifact("file://" + path, "model", digest=f"sha256:{digest}",
                                         size_bytes=os.path.getsize(path)))
    # ------------------------------------------------------------------------------------------
    print(f"test_acc {test_acc:.4f}; recorded job {args.trial}-training in experiment {args.experiment}")


if __name__ == "__main__":
    main()
