"""A Hugging Face Transformers ``TrainerCallback`` that records the training run as a trialgraph
job (events ``on_train_begin``, ``on_log``, ``on_evaluate``, ``on_train_end``, called as
``callback.on_X(args, state, control, **kwargs)``; followed from Transformers 4.x and 5.17)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..tracker import Tracker
from . import flatten_parameters, scalar

try:
    from transformers import TrainerCallback as _Base
except ImportError:  # pragma: no cover - depends on what is installed
    _Base = None

__all__ = ["TrialGraphCallback"]

# TrainingArguments worth keeping as parameters when no explicit list is given.
_DEFAULT_ARGUMENTS = ("learning_rate", "num_train_epochs", "max_steps", "per_device_train_batch_size",
                      "per_device_eval_batch_size", "gradient_accumulation_steps", "weight_decay", "warmup_steps",
                      "warmup_ratio", "lr_scheduler_type", "optim", "seed", "fp16", "bf16", "adam_beta1",
                      "adam_beta2", "adam_epsilon", "max_grad_norm", "label_smoothing_factor")


class _NoOps:
    """Stands in for TrainerCallback without Transformers: every other event does nothing."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("on_"):
            return lambda *args, **kwargs: None
        raise AttributeError(name)


class TrialGraphCallback(_Base or _NoOps):  # type: ignore[misc]
    """``Trainer(..., callbacks=[TrialGraphCallback("bert-base-finetune", experiment="glue-sst2")])``

    On the main process only (``state.is_world_process_zero``): ``on_train_begin`` creates the
    job with the chosen TrainingArguments and the model's config (``model.config``) as
    parameters; ``on_log`` and ``on_evaluate`` log every numeric value at ``state.global_step``;
    ``on_train_end`` marks the job Completed. Other keyword arguments go to
    :class:`trialgraph.Tracker` (e.g. ``inputs={"train": Artifact(uri, "dataset")}``)."""

    def __init__(self, component: str, *, experiment: Optional[str] = None, trial: Optional[str] = None,
                 kind: str = "training", arguments: Optional[tuple] = None, **tracker_options: Any) -> None:
        self.component = component
        self._experiment = experiment
        self._trial = trial
        self._kind = kind
        self._arguments = _DEFAULT_ARGUMENTS if arguments is None else tuple(arguments)
        self._options = tracker_options
        self.tracker: Optional[Tracker] = None

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if not getattr(state, "is_world_process_zero", True) or self.tracker is not None:
            return
        parameters = {k: v for k, v in flatten_parameters(
            {name: getattr(args, name, None) for name in self._arguments}).items()}
        config = getattr(model, "config", None)
        if config is not None:
            parameters.update(flatten_parameters(config, "model."))
        self.tracker = Tracker(self.component, kind=self._kind, experiment=self._experiment, trial=self._trial,
                               parameters=parameters, **self._options)

    def _log(self, state: Any, values: Optional[Mapping[str, Any]]) -> None:
        if self.tracker is None or not values or not getattr(state, "is_world_process_zero", True):
            return
        numbers = {k: v for k, v in ((k, scalar(v)) for k, v in values.items()) if v is not None}
        if numbers:
            self.tracker.log_many(numbers, int(getattr(state, "global_step", 0) or 0))

    def on_log(self, args: Any, state: Any, control: Any, logs: Optional[Mapping[str, Any]] = None,
               **kwargs: Any) -> None:
        self._log(state, logs)

    def on_evaluate(self, args: Any, state: Any, control: Any, metrics: Optional[Mapping[str, Any]] = None,
                    **kwargs: Any) -> None:
        self._log(state, metrics)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.tracker is not None:
            tracker, self.tracker = self.tracker, None
            tracker.close()
