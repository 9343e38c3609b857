"""A Keras ``Callback`` that records ``model.fit`` as a trialgraph job (hooks
``on_train_begin``, ``on_train_batch_end(batch, logs)``, ``on_epoch_end(epoch, logs)``,
``on_train_end``, ``set_model``, ``set_params``; followed from Keras 3.x, also tf.keras 2.x)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ..tracker import Tracker
from . import flatten_parameters, scalar

try:
    from keras.callbacks import Callback as _Base
except ImportError:  # pragma: no cover - depends on what is installed
    try:
        from tensorflow.keras.callbacks import Callback as _Base
    except ImportError:
        _Base = None


class _Callback:
    """Stands in for keras.callbacks.Callback without Keras."""

    def __init__(self) -> None:
        self.model = None
        self.params: dict = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def __getattr__(self, name: str) -> Any:
        if name.startswith("on_"):
            return lambda *args, **kwargs: None
        raise AttributeError(name)


__all__ = ["TrialGraphKerasCallback"]


class TrialGraphKerasCallback(_Base or _Callback):  # type: ignore[misc]
    """``model.fit(x, y, callbacks=[TrialGraphKerasCallback("mnist-cnn-training", experiment="mnist")])``

    ``on_train_begin`` creates the job with ``fit``'s params (epochs, steps) and the optimizer's
    config as parameters; every ``log_every`` batches the batch logs are logged as
    ``batch/<name>`` at the global batch step; each epoch's logs (with validation) as
    ``epoch/<name>`` at the epoch number; ``on_train_end`` marks the job Completed. Other
    keyword arguments go to :class:`trialgraph.Tracker`."""

    def __init__(self, component: str, *, experiment: Optional[str] = None, trial: Optional[str] = None,
                 kind: str = "training", log_every: int = 1, **tracker_options: Any) -> None:
        super().__init__()
        self.component = component
        self._experiment = experiment
        self._trial = trial
        self._kind = kind
        self._log_every = max(1, int(log_every))
        self._options = tracker_options
        self._step = 0
        self.tracker: Optional[Tracker] = None

    def on_train_begin(self, logs: Optional[Mapping[str, Any]] = None) -> None:
        if self.tracker is not None:
            return
        parameters = flatten_parameters({k: v for k, v in (getattr(self, "params", None) or {}).items()
                                         if k in ("epochs", "steps", "batch_size", "samples")})
        optimizer = getattr(getattr(self, "model", None), "optimizer", None)
        get_config = getattr(optimizer, "get_config", None)
        if callable(get_config):
            parameters.update(flatten_parameters(get_config(), "optimizer."))
        self.tracker = Tracker(self.component, kind=self._kind, experiment=self._experiment, trial=self._trial,
                               parameters=parameters, **self._options)

    def _log(self, prefix: str, logs: Optional[Mapping[str, Any]], step: int) -> None:
        if self.tracker is None or not logs:
            return
        numbers = {f"{prefix}{k}": v for k, v in ((k, scalar(v)) for k, v in logs.items()) if v is not None}
        if numbers:
            self.tracker.log_many(numbers, step)

    def on_train_batch_end(self, batch: int, logs: Optional[Mapping[str, Any]] = None) -> None:
        if self._step % self._log_every == 0:
            self._log("batch/", logs, self._step)
        self._step += 1

    def on_epoch_end(self, epoch: int, logs: Optional[Mapping[str, Any]] = None) -> None:
        self._log("epoch/", logs, int(epoch))

    def on_train_end(self, logs: Optional[Mapping[str, Any]] = None) -> None:
        if self.tracker is not None:
            tracker, self.tracker = self.tracker, None
            tracker.close()
