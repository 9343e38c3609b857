"""The PyTorch example trains for real (CPU, synthetic CIFAR-10-shaped data) and records its
run; the command line then shows it, as the README says."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import LAUNCHER, PYTHON_DIR, python_env


def test_the_pytorch_example_records_its_run_and_the_cli_shows_it(server, client, unique, tmp_path):
    example = os.path.join(PYTHON_DIR, "examples", "train_cifar_cnn.py")
    run = subprocess.run([sys.executable, example, "--experiment", f"{unique}-cifar10", "--trial", f"{unique}-cnn",
                          "--epochs", "2", "--train-samples", "512", "--output-dir", str(tmp_path)],
                         env=python_env({"TRIALGRAPH_TARGET": server.target}), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    job = client.get_trial_component(f"{unique}-cnn-training")
    assert (job.status, job.kind, job.trial_names) == ("Completed", "training", [f"{unique}-cnn"])
    assert job.parameters == {"model": "small-cnn", "optimizer": "adam", "epochs": 2, "batch-size": 64,
                              "learning-rate": 0.003}
    assert sorted(i.name for i in job.inputs) == ["test", "train", "validation"]
    [model] = job.outputs
    assert model.artifact.uri == "file://" + str(tmp_path / "model.pt") and model.artifact.digest.startswith("sha256:")
    counts = {s.metric_name: s.count for s in client.get_metric_summaries(job.name)}
    assert counts == {"loss": 16, "acc": 16, "val_loss": 2, "val_acc": 2, "test_loss": 1, "test_acc": 1}

    cli = lambda *args: subprocess.run([LAUNCHER, *args, "--target", server.target], capture_output=True,  # noqa
                                       text=True, timeout=120)
    shown = cli("components", "show", job.name)
    assert shown.returncode == 0, shown.stderr
    assert "param learning-rate: 0.003" in shown.stdout and "output model:" in shown.stdout
    plot = cli("metrics", "plot", "val_acc", job.name, "--output", str(tmp_path / "val_acc.png"))
    assert plot.returncode == 0 and os.path.getsize(tmp_path / "val_acc.png") > 1000, plot.stderr
