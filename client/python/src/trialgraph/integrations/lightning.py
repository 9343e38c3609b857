"""A PyTorch Lightning ``Logger`` that records the run as a trialgraph job (interface of
``lightning.pytorch.loggers.Logger`` 2.x: ``name``, ``version``, ``log_hyperparams``,
``log_metrics``, ``save``, ``finalize``, ``after_save_checkpoint``; followed from Lightning 2.6)."""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

from ..tracker import Tracker
from . import flatten_parameters, process_rank, scalar

try:  # Lightning 2.x, then the older package name
    from lightning.pytorch.loggers import Logger as _Base
except ImportError:  # pragma: no cover - depends on what is installed
    try:
        from pytorch_lightning.loggers import Logger as _Base
    except ImportError:
        _Base = object

__all__ = ["TrialGraphLogger"]


class TrialGraphLogger(_Base):  # type: ignore[misc, valid-type]
    """Records a Lightning run as one trialgraph component (a job), on global rank 0 only.

    >>> trainer = lightning.Trainer(logger=TrialGraphLogger("resnet-adam-30-training", experiment="cifar10",
    ...                                                     trial="resnet-adam-30"))

    ``log_hyperparams`` become typed parameters (nested ones flattened with "."),
    ``log_metrics`` points at Lightning's step, ``finalize("success")`` marks the job Completed,
    ``finalize("failed")`` Failed. Checkpoints saved by ``ModelCheckpoint`` are recorded as
    outputs (``file://`` URIs). Other keyword arguments go to :class:`trialgraph.Tracker`.
    """

    def __init__(self, component: str, *, experiment: Optional[str] = None, trial: Optional[str] = None,
                 kind: str = "training", record_checkpoints: bool = True, **tracker_options: Any) -> None:
        if _Base is not object:
            super().__init__()
        self._component = component
        self._experiment_name = experiment
        self._trial = trial
        self._kind = kind
        self._record_checkpoints = record_checkpoints
        self._options = tracker_options
        self._tracker: Optional[Tracker] = None
        self._finalized = False

    @property
    def name(self) -> str:
        return self._experiment_name or self._component

    @property
    def version(self) -> str:
        return self._component

    @property
    def experiment(self) -> Optional[Tracker]:
        """The job's :class:`Tracker` (None on ranks other than 0)."""
        return self._job()

    def _job(self) -> Optional[Tracker]:
        if process_rank() != 0 or self._finalized:
            return None
        if self._tracker is None:
            self._tracker = Tracker(self._component, kind=self._kind, experiment=self._experiment_name,
                                    trial=self._trial, **self._options)
        return self._tracker

    def log_hyperparams(self, params: Any, *args: Any, **kwargs: Any) -> None:
        job = self._job()
        if job is not None:
            values = flatten_parameters(params)
            if values:
                job.log_parameters(values)

    def log_metrics(self, metrics: Mapping[str, Any], step: Optional[int] = None) -> None:
        job = self._job()
        if job is None:
            return
        values = {k: v for k, v in ((k, scalar(v)) for k, v in metrics.items()) if v is not None}
        if values:
            job.log_many(values, None if step is None else int(step))

    def log_graph(self, model: Any, input_array: Any = None) -> None:
        pass

    def save(self) -> None:
        pass  # the metric logger streams continuously; nothing to save

    def after_save_checkpoint(self, checkpoint_callback: Any) -> None:
        job = self._job()
        path = getattr(checkpoint_callback, "best_model_path", "") or getattr(checkpoint_callback, "last_model_path", "")
        if job is not None and self._record_checkpoints and path:
            job.log_output("checkpoint", "file://" + os.path.abspath(path), kind="checkpoint")

    def finalize(self, status: str) -> None:
        """Ends the job: "success" records Completed, "failed" Failed, anything else Stopped."""
        if self._tracker is None or self._finalized:
            return
        if status == "failed":
            self._tracker.fail("Lightning reported the run failed")
        elif status != "success":
            self._tracker.stop()
        self._finalized = True
        self._tracker.close()
