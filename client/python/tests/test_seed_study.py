"""The reference workflow (a CIFAR-10 study, 18 trials) recorded through the Tracker from 18
threads at once, then read back: its table, the lineage of the best model, the summaries."""

from __future__ import annotations

import itertools
import math
import threading

import trialgraph
from trialgraph import Artifact

MODELS = ("resnet", "custom")
OPTIMIZERS = ("adam", "sgd", "rmsprop")
EPOCHS = (30, 60, 120)
STEPS_PER_EPOCH = 10


def final_accuracy(model: str, optimizer: str, epochs: int) -> float:
    base = {"resnet": 0.78, "custom": 0.82}[model] + {"adam": 0.03, "sgd": -0.02, "rmsprop": 0.01}[optimizer]
    return round(base + {30: 0.0, 60: 0.02, 120: 0.01}[epochs], 4)


def test_the_seed_study_through_trackers_from_18_threads(client, unique):
    experiment = f"{unique}-cifar10"
    data = f"s3://{unique}/cifar10/data"
    datasets = {split: Artifact(f"{data}/{split}/{split}.tfrecords", "dataset") for split in
                ("train", "validation", "test")}
    script = Artifact(f"s3://{unique}/cifar10/code/generate_cifar10_tfrecords.py", "code")
    client.create_experiment(experiment, "my custom model beats ResNet50 on CIFAR-10")
    with trialgraph.Tracker(f"{unique}-preprocessing", kind="processing", client=client,
                            inputs={"script": script}, outputs=datasets):
        pass
    variables = list(itertools.product(MODELS, OPTIMIZERS, EPOCHS))
    trials = [f"{unique}-{m}-{o}-{e}" for m, o, e in variables]
    for trial in trials:
        client.create_trial(experiment, trial)
    client.create_trial_component(
        f"{unique}-experiment-metadata", kind="experiment-metadata", trials=trials,
        parameters={"batch-size": 128, "learning-rate": 0.001, "weight-decay": 1e-6, "momentum": 0.9},
        inputs={**datasets, "script": script})

    errors = []

    def train(model: str, optimizer: str, epochs: int) -> None:
        trial = f"{unique}-{model}-{optimizer}-{epochs}"
        try:
            client.create_trial_component(f"{trial}-metadata", kind="trial-metadata", trials=[trial],
                                          parameters={"model": model, "optimizer": optimizer, "epochs": epochs})
            with trialgraph.Tracker(f"{trial}-training", kind="training", client=client, experiment=experiment,
                                    trial=trial, parameters={"model": model, "optimizer": optimizer,
                                                             "epochs": epochs},
                                    inputs=datasets, batch_points=2000) as job:
                final = final_accuracy(model, optimizer, epochs)
                for step in range(epochs * STEPS_PER_EPOCH):
                    progress = 1 - math.exp(-step / (epochs * 2.0))
                    job.log_many({"loss": 2.3 * (1 - progress) + 0.1, "acc": final * progress,
                                  "val_loss": 2.4 * (1 - progress) + 0.15, "val_acc": (final - 0.02) * progress},
                                 step)
                job.log("test_acc", final, epochs * STEPS_PER_EPOCH)
                job.log("test_loss", 1 - final, epochs * STEPS_PER_EPOCH)
                job.log_output("model", f"s3://{unique}/cifar10/models/{model}-{optimizer}-{epochs}/model.tar.gz",
                               kind="model")
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=train, args=v) for v in variables]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors

    jobs = [f"{t}-training" for t in trials]
    summaries = client.get_metric_summaries(jobs)
    assert sum(s.count for s in summaries) == 50_436
    assert {s.metric_name for s in summaries} == {"loss", "acc", "val_loss", "val_acc", "test_acc", "test_loss"}
    for s in summaries:
        epochs = int(s.trial_component_name.rsplit("-", 2)[1])
        expected = 1 if s.metric_name.startswith("test_") else epochs * STEPS_PER_EPOCH
        assert s.count == expected, s
    assert {c.status for c in client.iter_trial_components(experiment=experiment, kind="training")} == {"Completed"}

    table = client.table(experiment, filter='kind = "training" AND params.epochs = 60',
                         sort=["metrics.test_acc.last:desc"], columns=["name", "params.optimizer",
                                                                       "metrics.test_acc.last"])
    expected = sorted(((final_accuracy(m, o, 60), f"{unique}-{m}-{o}-60-training", o) for m in MODELS for o in OPTIMIZERS),
                      reverse=True)
    assert [(row[0], row[1], row[2]) for row in table.rows] == [(n, o, a) for a, n, o in expected]
    best_by_epochs = client.table(experiment, filter='kind = "training"', sort=["metrics.test_acc.last:desc"],
                                  group_by="params.epochs", columns=["name", "params.epochs"])
    assert sorted(row[1] for row in best_by_epochs.rows) == [30, 60, 120]

    best_model = f"s3://{unique}/cifar10/models/custom-adam-60/model.tar.gz"
    lineage = client.lineage(best_model)
    assert [(n.depth, n.kind, n.name or n.uri) for n in lineage.nodes] == [
        (0, "model", best_model), (1, "component:training", f"{unique}-custom-adam-60-training"),
        (2, "dataset", datasets["test"].uri), (2, "dataset", datasets["train"].uri),
        (2, "dataset", datasets["validation"].uri), (3, "component:processing", f"{unique}-preprocessing"),
        (4, "code", script.uri)]
    curve = client.read_metric_series(f"{unique}-custom-adam-60-training", "val_acc", max_points=100)
    assert curve.total_points == 600 and len(curve) <= 100 and curve.steps[0] == 0 and curve.steps[-1] == 599
