"""The Lightning, Hugging Face and Keras integrations, driven the way each framework calls them
(the frameworks are not installed here: the calls follow their documented interfaces), against
the real server."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import types

import pytest

import trialgraph
from trialgraph.integrations import flatten_parameters, scalar
from trialgraph.integrations.huggingface import TrialGraphCallback
from trialgraph.integrations.keras import TrialGraphKerasCallback
from trialgraph.integrations.lightning import TrialGraphLogger

from conftest import python_env


def series(client, component, metric):
    s = client.read_metric_series(component, metric)
    return list(zip(s.steps, s.values))


def test_the_integrations_import_without_their_frameworks():
    code = ("import sys\n"
            "for name in ('lightning', 'pytorch_lightning', 'transformers', 'keras', 'tensorflow', 'torch'):\n"
            "    sys.modules[name] = None  # makes 'import name' fail, as where it is not installed\n"
            "import trialgraph.integrations.lightning, trialgraph.integrations.huggingface, "
            "trialgraph.integrations.keras\n")
    subprocess.run([sys.executable, "-c", code], env=python_env(), check=True, timeout=60)


def test_lightning_logger_as_the_trainer_drives_it(server, client, unique, monkeypatch):
    monkeypatch.setenv("TRIALGRAPH_TARGET", server.target)
    logger = TrialGraphLogger(f"{unique}-fit", experiment=f"{unique}-exp", trial=f"{unique}-trial")
    assert (logger.name, logger.version) == (f"{unique}-exp", f"{unique}-fit")
    # Trainer.fit: hyperparameters once, then metrics per logged step (Lightning adds "epoch"), save() after each.
    logger.log_hyperparams(argparse.Namespace(lr=0.01, layers=[64, 64], optimizer={"name": "adam", "beta": 0.9}))
    for step in range(3):
        logger.log_metrics({"train_loss": 1.0 / (step + 1), "epoch": 0}, step=step)
        logger.save()
    logger.log_metrics({"val_acc": 0.75, "epoch": 0}, step=2)
    logger.after_save_checkpoint(types.SimpleNamespace(best_model_path="/tmp/ckpt/epoch=0.ckpt"))
    logger.finalize("success")
    job = client.get_trial_component(f"{unique}-fit")
    assert job.status == "Completed" and job.trial_names == [f"{unique}-trial"]
    assert job.parameters == {"lr": 0.01, "layers": "[64, 64]", "optimizer.name": "adam", "optimizer.beta": 0.9}
    assert [o.artifact.uri for o in job.outputs] == ["file:///tmp/ckpt/epoch=0.ckpt"]
    assert series(client, f"{unique}-fit", "train_loss") == [(0, 1.0), (1, 0.5), (2, 1.0 / 3)]
    assert series(client, f"{unique}-fit", "val_acc") == [(2, 0.75)]


def test_lightning_logger_on_other_ranks_records_nothing_and_a_failed_run_is_failed(server, client, unique,
                                                                                 monkeypatch):
    monkeypatch.setenv("TRIALGRAPH_TARGET", server.target)
    monkeypatch.setenv("RANK", "1")
    other = TrialGraphLogger(f"{unique}-rank1")
    other.log_hyperparams({"lr": 1})
    other.log_metrics({"loss": 1.0}, step=0)
    other.finalize("success")
    assert other.experiment is None
    monkeypatch.setenv("RANK", "0")
    failing = TrialGraphLogger(f"{unique}-fails")
    failing.log_metrics({"loss": 1.0}, step=0)
    failing.finalize("failed")  # what Trainer does when fit raises
    assert client.get_trial_component(f"{unique}-fails").status == "Failed"
    with pytest.raises(trialgraph.TrialGraphError):
        client.get_trial_component(f"{unique}-rank1")


def test_huggingface_callback_as_the_trainer_calls_it(server, client, unique, monkeypatch):
    monkeypatch.setenv("TRIALGRAPH_TARGET", server.target)
    callback = TrialGraphCallback(f"{unique}-finetune", experiment=f"{unique}-glue")
    args = types.SimpleNamespace(learning_rate=5e-5, num_train_epochs=3.0, per_device_train_batch_size=16, seed=42,
                                 lr_scheduler_type="linear", fp16=False, output_dir="/tmp/out")
    state = types.SimpleNamespace(global_step=0, is_world_process_zero=True, epoch=0.0)
    control = object()
    model = types.SimpleNamespace(config=types.SimpleNamespace(model_type="bert", hidden_size=768,
                                                               id2label={0: "neg", 1: "pos"}))
    # CallbackHandler.call_event: callback.on_X(args, state, control, model=..., optimizer=..., ..., **kwargs)
    callback.on_init_end(args, state, control)
    callback.on_train_begin(args, state, control, model=model, optimizer=None, lr_scheduler=None)
    for step in (10, 20):
        state.global_step = step
        callback.on_step_end(args, state, control, model=model)
        callback.on_log(args, state, control, logs={"loss": 0.5 / step, "learning_rate": 1e-5, "grad_norm": 1.5,
                                                    "epoch": step / 20}, model=model)
    callback.on_evaluate(args, state, control, metrics={"eval_loss": 0.3, "eval_accuracy": 0.91, "epoch": 1.0},
                         model=model)
    callback.on_log(args, state, control, logs={"train_runtime": 12.5, "train_samples_per_second": 99.0,
                                                "note": "text is skipped"})
    callback.on_train_end(args, state, control, model=model)
    job = client.get_trial_component(f"{unique}-finetune")
    assert job.status == "Completed"
    assert job.parameters == {"learning_rate": 5e-5, "num_train_epochs": 3.0, "per_device_train_batch_size": 16,
                              "seed": 42, "lr_scheduler_type": "linear", "fp16": False, "model.model_type": "bert",
                              "model.hidden_size": 768, "model.id2label.0": "neg", "model.id2label.1": "pos"}
    assert series(client, f"{unique}-finetune", "loss") == [(10, 0.05), (20, 0.025)]
    assert series(client, f"{unique}-finetune", "eval_accuracy") == [(20, 0.91)]
    assert {s.metric_name for s in client.get_metric_summaries(f"{unique}-finetune")} == \
        {"loss", "learning_rate", "grad_norm", "epoch", "eval_loss", "eval_accuracy", "train_runtime",
         "train_samples_per_second"}


def test_huggingface_callback_logs_nothing_off_the_main_process(server, client, unique, monkeypatch):
    monkeypatch.setenv("TRIALGRAPH_TARGET", server.target)
    callback = TrialGraphCallback(f"{unique}-worker")
    state = types.SimpleNamespace(global_step=1, is_world_process_zero=False)
    callback.on_train_begin(types.SimpleNamespace(), state, None)
    callback.on_log(types.SimpleNamespace(), state, None, logs={"loss": 1.0})
    callback.on_train_end(types.SimpleNamespace(), state, None)
    with pytest.raises(trialgraph.TrialGraphError):
        client.get_trial_component(f"{unique}-worker")


def test_keras_callback_as_model_fit_calls_it(server, client, unique, monkeypatch):
    monkeypatch.setenv("TRIALGRAPH_TARGET", server.target)
    callback = TrialGraphKerasCallback(f"{unique}-mnist", experiment=f"{unique}-mnist", log_every=2)
    optimizer = types.SimpleNamespace(get_config=lambda: {"name": "adam", "learning_rate": 0.001})
    # CallbackList: set_model, set_params, on_train_begin, per epoch on_train_batch_end..., on_epoch_end, on_train_end
    callback.set_model(types.SimpleNamespace(optimizer=optimizer))
    callback.set_params({"epochs": 2, "steps": 3, "verbose": 1})
    callback.on_train_begin()
    for epoch in range(2):
        callback.on_epoch_begin(epoch)
        for batch in range(3):
            callback.on_train_batch_begin(batch)
            callback.on_train_batch_end(batch, {"loss": 1.0 - 0.1 * (epoch * 3 + batch), "accuracy": 0.5})
        callback.on_epoch_end(epoch, {"loss": 0.9 - 0.3 * epoch, "accuracy": 0.6, "val_loss": 1.0, "val_accuracy": 0.55})
    callback.on_train_end()
    job = client.get_trial_component(f"{unique}-mnist")
    assert job.status == "Completed"
    assert job.parameters == {"epochs": 2, "steps": 3, "optimizer.name": "adam", "optimizer.learning_rate": 0.001}
    assert [s for s, _ in series(client, f"{unique}-mnist", "batch/loss")] == [0, 2, 4]
    assert series(client, f"{unique}-mnist", "epoch/val_accuracy") == [(0, 0.55), (1, 0.55)]


def test_parameter_flattening_and_scalars():
    assert flatten_parameters({"a": {"b": 1, "c": None}, "d": (1, 2), "e": True}) == {"a.b": 1, "d": "(1, 2)",
                                                                                   "e": True}
    assert scalar(3) == 3.0 and scalar("x") is None and scalar(types.SimpleNamespace(item=lambda: 2.5)) == 2.5


def test_modules_reload_cleanly():
    for name in ("trialgraph.integrations.lightning", "trialgraph.integrations.huggingface",
                 "trialgraph.integrations.keras"):
        importlib.reload(importlib.import_module(name))
