"""Tracker: one job (a trial component) recorded while it runs, SageMaker-style."""

from __future__ import annotations

import time
from typing import Any, Mapping, Optional, Sequence, Union

import grpc

from .client import Client
from .errors import TrialGraphError
from .logger import MetricLogger
from .types import Artifact, ArtifactKind, ComponentStatus
from .v1 import experiments_pb2, trial_components_pb2, trials_pb2

__all__ = ["Tracker"]

_STATUS_MESSAGE_MAX = 4096


class Tracker:
    """Records a job: its experiment and trial (created when missing), the component with its
    parameters, inputs and outputs, its metrics, status and times.

    >>> with trialgraph.Tracker("custom-adam-60-training", kind="training",
    ...                         experiment="cifar10", trial="custom-adam-60",
    ...                         parameters={"epochs": 60, "optimizer": "adam"},
    ...                         inputs={"train": trialgraph.Artifact("s3://bucket/train", "dataset")}) as job:
    ...     for step in range(steps):
    ...         job.log("loss", train_step(), step)
    ...     job.log_output("model", "s3://bucket/models/custom-adam-60", kind="model")

    Entering creates the component with status InProgress and the start time; leaving flushes
    the metrics and records Completed, or Failed with the exception's type and message when the
    block raised (Stopped for KeyboardInterrupt), and the end time. Metrics go through the
    tracker's own :class:`MetricLogger` (``tracker.metrics``; options in ``logger_options``).

    Offline (``TRIALGRAPH_MODE=offline``) nothing is sent: the calls are recorded in the
    logger's spool in order with the points, and ``trialgraph-sync`` replays them later
    (ALREADY_EXISTS on replay counts as done).
    """

    def __init__(self, component: str, *, kind: str = "", experiment: Optional[str] = None,
                 experiment_description: str = "", trial: Union[None, str, Sequence[str]] = None,
                 display_name: str = "", parameters: Optional[Mapping[str, Any]] = None,
                 metadata: Optional[Mapping[str, str]] = None, inputs: Any = None, outputs: Any = None,
                 client: Optional[Client] = None, **logger_options: Any) -> None:
        self.name = component
        self._owns_client = client is None
        self.client = client if client is not None else Client()
        self._failure: Optional[str] = None
        self._stopped = False
        self._closed = False
        self.metrics = MetricLogger(self.client, component, **logger_options)
        trials = [trial] if isinstance(trial, str) else list(trial or [])
        if trials and experiment is None:
            raise TrialGraphError(grpc.StatusCode.INVALID_ARGUMENT, "experiment: is required with trial")
        try:
            if experiment is not None:
                self._create(experiments_pb2.CreateExperimentRequest(experiment=experiments_pb2.Experiment(
                    name=experiment, description=experiment_description or "")),
                    "/trialgraph.v1.ExperimentService/CreateExperiment", "experiments", "CreateExperiment")
                for t in trials:
                    self._create(trials_pb2.CreateTrialRequest(trial=trials_pb2.Trial(name=t, experiment_name=experiment)),
                                 "/trialgraph.v1.TrialService/CreateTrial", "trials", "CreateTrial")
            message = Client.component_message(component, kind=kind, display_name=display_name,
                                               status=ComponentStatus.IN_PROGRESS, start_time=time.time(),
                                               parameters=parameters, metadata=metadata, inputs=inputs,
                                               outputs=outputs, trials=trials)
            self._write(trial_components_pb2.CreateTrialComponentRequest(trial_component=message),
                        "/trialgraph.v1.TrialComponentService/CreateTrialComponent", "components",
                        "CreateTrialComponent")
        except BaseException:
            self.metrics.close(timeout=0)
            if self._owns_client:
                self.client.close()
            raise

    # --- calls: direct online, journaled offline --------------------------------------------------

    def _write(self, request: Any, path: str, service: str, method: str, exists_ok: bool = False) -> None:
        if self.metrics.offline:
            self.metrics.record_call(path, request.SerializeToString())
            return
        try:
            self.client._call(service, method, request, False)
        except TrialGraphError as e:
            if not (exists_ok and e.code == grpc.StatusCode.ALREADY_EXISTS):
                raise

    def _create(self, request: Any, path: str, service: str, method: str) -> None:
        self._write(request, path, service, method, exists_ok=True)

    # --- what a job records ------------------------------------------------------------------------

    def log(self, name: str, value: float, step: Optional[int] = None, timestamp: Any = None) -> None:
        """Logs a metric point (never waits for the network); see :meth:`MetricLogger.log`."""
        self.metrics.log(name, value, step, timestamp)

    def log_many(self, values: Mapping[str, float], step: Optional[int] = None, timestamp: Any = None) -> None:
        self.metrics.log_many(values, step, timestamp)

    def log_parameters(self, parameters: Mapping[str, Any]) -> None:
        """Sets typed parameters (bool, int, float, str); logging one again overwrites it."""
        from . import _convert
        self._write(trial_components_pb2.LogParametersRequest(trial_component_name=self.name,
                                                              parameters=_convert.parameters(parameters)),
                    "/trialgraph.v1.TrialComponentService/LogParameters", "components", "LogParameters")

    def log_parameter(self, name: str, value: Any) -> None:
        self.log_parameters({name: value})

    def log_metadata(self, key: str, value: str) -> None:
        """Sets a metadata entry (instance type, image, git commit, ...)."""
        self._write(Client.update_component_message(self.name, set_metadata={key: value}),
                    "/trialgraph.v1.TrialComponentService/UpdateTrialComponent", "components", "UpdateTrialComponent")

    def log_input(self, name: str, uri: Union[str, Artifact], kind: Union[ArtifactKind, str, None] = None) -> None:
        """Records an artifact the job consumed, e.g. ``log_input("train", "s3://...", kind="dataset")``."""
        self._link({name: _artifact(uri, kind)}, None)

    def log_output(self, name: str, uri: Union[str, Artifact], kind: Union[ArtifactKind, str, None] = None) -> None:
        """Records an artifact the job produced, e.g. ``log_output("model", "s3://...", kind="model")``."""
        self._link(None, {name: _artifact(uri, kind)})

    def _link(self, inputs: Any, outputs: Any) -> None:
        from . import _convert
        self._write(trial_components_pb2.LinkArtifactsRequest(
            trial_component_name=self.name, inputs=_convert.links(inputs, "inputs"),
            outputs=_convert.links(outputs, "outputs")),
            "/trialgraph.v1.TrialComponentService/LinkArtifacts", "components", "LinkArtifacts")

    def fail(self, message: str) -> None:
        """Marks the job failed: closing records Failed with this message."""
        self._failure = message or "failed"

    def stop(self) -> None:
        """Marks the job stopped before its end: closing records Stopped."""
        self._stopped = True

    # --- the end -------------------------------------------------------------------------------

    def close(self, timeout: Optional[float] = None) -> None:
        """Flushes the metrics (waiting up to ``timeout`` seconds; None: as long as it takes),
        then records the status and the end time. Calling it again does nothing."""
        if self._closed:
            return
        self._closed = True
        status = ComponentStatus.FAILED if self._failure is not None else \
            ComponentStatus.STOPPED if self._stopped else ComponentStatus.COMPLETED
        message = self._failure
        undelivered: Optional[TrialGraphError] = None
        try:
            self.metrics.flush(timeout)
        except TrialGraphError as e:
            undelivered = e
            status = ComponentStatus.FAILED
            message = (message + "; " if message else "") + f"metrics not delivered: {e}"
        try:
            update = Client.update_component_message(
                self.name, status=status, end_time=time.time(),
                status_message=None if message is None else message[:_STATUS_MESSAGE_MAX])
            self._write(update, "/trialgraph.v1.TrialComponentService/UpdateTrialComponent", "components",
                        "UpdateTrialComponent")
        finally:
            try:
                self.metrics.close(timeout if undelivered is None else 0)
            finally:
                if self._owns_client:
                    self.client.close()
        if undelivered is not None:
            raise undelivered

    def __enter__(self) -> "Tracker":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            if issubclass(exc_type, KeyboardInterrupt):
                self.stop()
            elif self._failure is None:
                self.fail(f"{exc_type.__name__}: {exc}")
        self.close()


def _artifact(uri: Union[str, Artifact], kind: Union[ArtifactKind, str, None]) -> Artifact:
    if isinstance(uri, Artifact):
        return uri
    return Artifact(uri, None if kind is None else ArtifactKind(str(kind).lower()))
