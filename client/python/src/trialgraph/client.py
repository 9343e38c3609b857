"""The Python client of trialgraph: a method per RPC of the trialgraph.v1 API, dataclasses in
and out, one exception type (:class:`TrialGraphError`)."""

from __future__ import annotations

import os
import random
import threading
import time
from datetime import datetime
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple,
                    TypeVar, Union)

import grpc

from . import _convert as convert
from .connection import Connection
from .errors import TrialGraphError, failed_precondition, invalid
from .types import (Artifact, ArtifactKind, ArtifactLink, ComponentStatus, Deleted, Experiment, Lineage,
                    MetricSummary, Page, QueryResult, ServerInfo, Series, Table, Trial, TrialComponent)
from .v1 import (analytics_pb2, analytics_pb2_grpc, artifacts_pb2, artifacts_pb2_grpc, experiments_pb2,
                 experiments_pb2_grpc, lineage_pb2, lineage_pb2_grpc, metrics_pb2, metrics_pb2_grpc,
                 query_pb2, query_pb2_grpc, server_pb2, server_pb2_grpc, trial_components_pb2,
                 trial_components_pb2_grpc, trials_pb2, trials_pb2_grpc)

__all__ = ["Client"]

T = TypeVar("T")
Time = Union[datetime, float, int]

_STUBS = {
    "experiments": experiments_pb2_grpc.ExperimentServiceStub,
    "trials": trials_pb2_grpc.TrialServiceStub,
    "components": trial_components_pb2_grpc.TrialComponentServiceStub,
    "artifacts": artifacts_pb2_grpc.ArtifactServiceStub,
    "metrics": metrics_pb2_grpc.MetricServiceStub,
    "lineage": lineage_pb2_grpc.LineageServiceStub,
    "query": query_pb2_grpc.QueryServiceStub,
    "analytics": analytics_pb2_grpc.AnalyticsServiceStub,
    "server": server_pb2_grpc.ServerServiceStub,
}


class Client:
    """A connection to a trialgraph server; thread-safe, one per process is enough.

    >>> client = trialgraph.Client("localhost:50051")            # or Client() for TRIALGRAPH_* settings
    >>> client.create_experiment("cifar10", description="my custom model beats ResNet50")

    Every method is one blocking call with the client's deadline (default 30 s). Reads are
    retried on ``UNAVAILABLE`` (up to ``max_attempts`` attempts, pausing longer each time);
    writes are not (a write that failed with ``UNAVAILABLE`` may or may not have happened).
    The server checks every rule and answers ``INVALID_ARGUMENT`` naming the field.

    Settings not given come from the environment, as for the Java client and the command line
    (``TRIALGRAPH_TARGET``, ``TRIALGRAPH_TOKEN``, ``TRIALGRAPH_TLS``, ``TRIALGRAPH_CA_CERT``,
    ``TRIALGRAPH_CLIENT_CERT``/``_KEY``, ``TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT``,
    ``TRIALGRAPH_MODE``); see :class:`Connection`. The channel is made lazily and again in a
    forked child process (gRPC channels must not cross ``fork()``).
    """

    def __init__(self, target: Optional[str] = None, *, tls: Optional[bool] = None, ca_cert: Optional[str] = None,
                 client_cert: Optional[str] = None, client_key: Optional[str] = None, token: Optional[str] = None,
                 allow_token_over_plaintext: Optional[bool] = None, deadline: Optional[float] = None,
                 offline: Optional[bool] = None, max_attempts: int = 3,
                 connection: Optional[Connection] = None) -> None:
        if connection is None:
            connection = Connection.from_environment(
                target=target, tls=tls, ca_cert=ca_cert, client_cert=client_cert, client_key=client_key, token=token,
                allow_token_over_plaintext=allow_token_over_plaintext, deadline=deadline, offline=offline)
        if max_attempts < 1:
            raise invalid(f"max_attempts: must be at least 1, is {max_attempts}")
        self.connection = connection
        self._max_attempts = max_attempts
        self._lock = threading.Lock()
        self._channel: Optional[grpc.Channel] = None
        self._pid = 0
        self._stubs: Dict[str, Any] = {}
        self._closed = False

    # --- plumbing ------------------------------------------------------------------------------

    @property
    def target(self) -> str:
        return self.connection.target

    @property
    def offline(self) -> bool:
        """True in offline mode: nothing is sent; trackers and loggers write their spool only."""
        return self.connection.offline

    def channel(self) -> grpc.Channel:
        """This process's channel to the server (made on first use, and anew after ``fork()``)."""
        with self._lock:
            if self._closed:
                raise failed_precondition("the client is closed")
            if self._channel is None or self._pid != os.getpid():
                # A channel inherited through fork() belongs to the parent: never touch it here.
                self._channel = self.connection.channel()
                self._pid = os.getpid()
                self._stubs = {}
            return self._channel

    def _stub(self, name: str) -> Any:
        if self.connection.offline:
            raise failed_precondition("offline mode (TRIALGRAPH_MODE=offline): the client makes no calls; "
                                      "metric loggers and trackers record into the spool for trialgraph-sync")
        channel = self.channel()
        stub = self._stubs.get(name)
        if stub is None:
            stub = self._stubs[name] = _STUBS[name](channel)
        return stub

    def _call(self, service: str, method: str, request: Any, read: bool, deadline: Optional[float] = None) -> Any:
        timeout = deadline or self.connection.deadline
        attempts = self._max_attempts if read else 1
        pause = 0.1
        for attempt in range(1, attempts + 1):
            try:
                return getattr(self._stub(service), method)(request, timeout=timeout,
                                                            metadata=self.connection.metadata())
            except grpc.RpcError as e:
                error = TrialGraphError.of(e)
                if error.code != grpc.StatusCode.UNAVAILABLE or attempt >= attempts:
                    raise error from e
            time.sleep(pause / 2 + random.random() * pause / 2)
            pause = min(pause * 2, 2.0)
        raise AssertionError("unreachable")

    def _stream(self, service: str, method: str, request: Any, consume: Callable[[Iterator[Any]], T],
                deadline: Optional[float] = None, partial: Optional[Callable[[TrialGraphError], Optional[T]]] = None
                ) -> T:
        """A server-streaming read, retried like unary reads when it fails before its first answer."""
        timeout = deadline or self.connection.deadline
        pause = 0.1
        for attempt in range(1, self._max_attempts + 1):
            started = [False]

            def parts(call: Iterator[Any]) -> Iterator[Any]:
                for part in call:
                    started[0] = True
                    yield part

            try:
                call = getattr(self._stub(service), method)(request, timeout=timeout,
                                                            metadata=self.connection.metadata())
                return consume(parts(call))
            except grpc.RpcError as e:
                error = TrialGraphError.of(e)
                if partial is not None:
                    result = partial(error)
                    if result is not None:
                        return result
                if error.code != grpc.StatusCode.UNAVAILABLE or started[0] or attempt >= self._max_attempts:
                    raise error from e
            time.sleep(pause / 2 + random.random() * pause / 2)
            pause = min(pause * 2, 2.0)
        raise AssertionError("unreachable")

    @staticmethod
    def _all(page: Callable[[str], Page[T]]) -> Iterator[T]:
        token = ""
        while True:
            p = page(token)
            yield from p.items
            token = p.next_page_token
            if not token:
                return

    # --- experiments ---------------------------------------------------------------------------

    def create_experiment(self, name: str, description: str = "", *, display_name: str = "",
                          tags: Optional[Mapping[str, str]] = None) -> Experiment:
        """Creates an experiment (ALREADY_EXISTS when the name is taken); ``description`` states
        the hypothesis."""
        e = experiments_pb2.Experiment(name=name, display_name=display_name or "", description=description or "",
                                       tags=dict(tags or {}))
        return convert.experiment_of(self._call("experiments", "CreateExperiment",
                                                experiments_pb2.CreateExperimentRequest(experiment=e), False).experiment)

    def get_experiment(self, name: str) -> Experiment:
        return convert.experiment_of(self._call("experiments", "GetExperiment",
                                                experiments_pb2.GetExperimentRequest(name=name), True).experiment)

    def list_experiments(self, name_prefix: str = "", *, tags: Optional[Mapping[str, str]] = None,
                         page_size: int = 0, page_token: str = "") -> Page[Experiment]:
        """One page of experiments in name order (``page_size`` 0 means 100, at most 1,000)."""
        r = self._call("experiments", "ListExperiments", experiments_pb2.ListExperimentsRequest(
            name_prefix=name_prefix or "", tags=dict(tags or {}), page_size=page_size, page_token=page_token or ""),
            True)
        return Page([convert.experiment_of(e) for e in r.experiments], r.next_page_token)

    def iter_experiments(self, name_prefix: str = "", *, tags: Optional[Mapping[str, str]] = None
                         ) -> Iterator[Experiment]:
        """Every matching experiment, fetching page after page."""
        return self._all(lambda token: self.list_experiments(name_prefix, tags=tags, page_size=1000,
                                                             page_token=token))

    def update_experiment(self, name: str, *, display_name: Optional[str] = None,
                          description: Optional[str] = None, set_tags: Optional[Mapping[str, str]] = None,
                          remove_tags: Sequence[str] = ()) -> Experiment:
        """Changes what is given; the rest keeps its value."""
        r = experiments_pb2.UpdateExperimentRequest(name=name, set_tags=dict(set_tags or {}),
                                                    remove_tags=list(remove_tags))
        if display_name is not None:
            r.display_name = display_name
        if description is not None:
            r.description = description
        return convert.experiment_of(self._call("experiments", "UpdateExperiment", r, False).experiment)

    def delete_experiment(self, name: str, *, cascade: bool = False) -> Deleted:
        """Deletes an experiment; one with trials only with ``cascade`` (else FAILED_PRECONDITION)."""
        r = self._call("experiments", "DeleteExperiment",
                       experiments_pb2.DeleteExperimentRequest(name=name, cascade=cascade), False)
        return Deleted(trials=r.deleted_trials, trial_components=r.deleted_trial_components,
                       artifacts=r.deleted_artifacts)

    # --- trials --------------------------------------------------------------------------------

    def create_trial(self, experiment: str, name: str, *, display_name: str = "",
                     tags: Optional[Mapping[str, str]] = None) -> Trial:
        t = trials_pb2.Trial(name=name, experiment_name=experiment, display_name=display_name or "",
                             tags=dict(tags or {}))
        return convert.trial_of(self._call("trials", "CreateTrial", trials_pb2.CreateTrialRequest(trial=t),
                                           False).trial)

    def get_trial(self, name: str) -> Trial:
        return convert.trial_of(self._call("trials", "GetTrial", trials_pb2.GetTrialRequest(name=name), True).trial)

    def list_trials(self, experiment: str = "", *, page_size: int = 0, page_token: str = "") -> Page[Trial]:
        r = self._call("trials", "ListTrials", trials_pb2.ListTrialsRequest(
            experiment_name=experiment or "", page_size=page_size, page_token=page_token or ""), True)
        return Page([convert.trial_of(t) for t in r.trials], r.next_page_token)

    def iter_trials(self, experiment: str = "") -> Iterator[Trial]:
        return self._all(lambda token: self.list_trials(experiment, page_size=1000, page_token=token))

    def update_trial(self, name: str, *, display_name: Optional[str] = None,
                     set_tags: Optional[Mapping[str, str]] = None, remove_tags: Sequence[str] = ()) -> Trial:
        r = trials_pb2.UpdateTrialRequest(name=name, set_tags=dict(set_tags or {}), remove_tags=list(remove_tags))
        if display_name is not None:
            r.display_name = display_name
        return convert.trial_of(self._call("trials", "UpdateTrial", r, False).trial)

    def delete_trial(self, name: str, *, cascade: bool = False) -> Deleted:
        r = self._call("trials", "DeleteTrial", trials_pb2.DeleteTrialRequest(name=name, cascade=cascade), False)
        return Deleted(trial_components=r.deleted_trial_components, artifacts=r.deleted_artifacts)

    # --- trial components ----------------------------------------------------------------------

    def create_trial_component(self, name: str, *, kind: str = "", display_name: str = "",
                               status: Union[ComponentStatus, str, None] = None, status_message: str = "",
                               start_time: Optional[Time] = None, end_time: Optional[Time] = None,
                               parameters: Optional[Mapping[str, Any]] = None,
                               metadata: Optional[Mapping[str, str]] = None,
                               inputs: Union[None, Mapping[str, Union[Artifact, str]], Iterable[ArtifactLink]] = None,
                               outputs: Union[None, Mapping[str, Union[Artifact, str]], Iterable[ArtifactLink]] = None,
                               trials: Sequence[str] = ()) -> TrialComponent:
        """Records a component (a job) in one transaction: parameters (bool, int, float, str),
        metadata, status and times, inputs and outputs (``{"train": "s3://..."}`` or
        ``{"train": Artifact(uri, kind="dataset")}``) and the trials it belongs to."""
        request = trial_components_pb2.CreateTrialComponentRequest(
            trial_component=self.component_message(name, kind=kind, display_name=display_name, status=status,
                                                   status_message=status_message, start_time=start_time,
                                                   end_time=end_time, parameters=parameters, metadata=metadata,
                                                   inputs=inputs, outputs=outputs, trials=trials))
        return convert.component_of(self._call("components", "CreateTrialComponent", request, False).trial_component)

    @staticmethod
    def component_message(name: str, *, kind: str = "", display_name: str = "",
                          status: Union[ComponentStatus, str, None] = None, status_message: str = "",
                          start_time: Optional[Time] = None, end_time: Optional[Time] = None,
                          parameters: Optional[Mapping[str, Any]] = None,
                          metadata: Optional[Mapping[str, str]] = None, inputs: Any = None, outputs: Any = None,
                          trials: Sequence[str] = ()) -> trial_components_pb2.TrialComponent:
        c = trial_components_pb2.TrialComponent(
            name=name, display_name=display_name or "", kind=kind or "", status=convert.status(status),
            status_message=status_message or "", parameters=convert.parameters(parameters),
            metadata=dict(metadata or {}), inputs=convert.links(inputs, "inputs"),
            outputs=convert.links(outputs, "outputs"), trial_names=list(trials))
        if start_time is not None:
            c.start_time.CopyFrom(convert.to_timestamp(start_time))
        if end_time is not None:
            c.end_time.CopyFrom(convert.to_timestamp(end_time))
        return c

    def get_trial_component(self, name: str) -> TrialComponent:
        return convert.component_of(self._call("components", "GetTrialComponent",
                                               trial_components_pb2.GetTrialComponentRequest(name=name),
                                               True).trial_component)

    def list_trial_components(self, *, trial: str = "", experiment: str = "", kind: str = "",
                              status: Union[ComponentStatus, str, None] = None, page_size: int = 0,
                              page_token: str = "") -> Page[TrialComponent]:
        """One page of components in name order; the filters combine with AND."""
        r = self._call("components", "ListTrialComponents", trial_components_pb2.ListTrialComponentsRequest(
            trial_name=trial or "", experiment_name=experiment or "", kind=kind or "", status=convert.status(status),
            page_size=page_size, page_token=page_token or ""), True)
        return Page([convert.component_of(c) for c in r.trial_components], r.next_page_token)

    def iter_trial_components(self, *, trial: str = "", experiment: str = "", kind: str = "",
                              status: Union[ComponentStatus, str, None] = None) -> Iterator[TrialComponent]:
        return self._all(lambda token: self.list_trial_components(
            trial=trial, experiment=experiment, kind=kind, status=status, page_size=1000, page_token=token))

    def update_trial_component(self, name: str, *, display_name: Optional[str] = None,
                               status: Union[ComponentStatus, str, None] = None,
                               status_message: Optional[str] = None, start_time: Optional[Time] = None,
                               end_time: Optional[Time] = None, set_metadata: Optional[Mapping[str, str]] = None,
                               remove_metadata: Sequence[str] = ()) -> TrialComponent:
        request = self.update_component_message(name, display_name=display_name, status=status,
                                                status_message=status_message, start_time=start_time,
                                                end_time=end_time, set_metadata=set_metadata,
                                                remove_metadata=remove_metadata)
        return convert.component_of(self._call("components", "UpdateTrialComponent", request, False).trial_component)

    @staticmethod
    def update_component_message(name: str, *, display_name: Optional[str] = None,
                                 status: Union[ComponentStatus, str, None] = None,
                                 status_message: Optional[str] = None, start_time: Optional[Time] = None,
                                 end_time: Optional[Time] = None, set_metadata: Optional[Mapping[str, str]] = None,
                                 remove_metadata: Sequence[str] = ()
                                 ) -> trial_components_pb2.UpdateTrialComponentRequest:
        r = trial_components_pb2.UpdateTrialComponentRequest(
            name=name, status=convert.status(status), set_metadata=dict(set_metadata or {}),
            remove_metadata=list(remove_metadata))
        if display_name is not None:
            r.display_name = display_name
        if status_message is not None:
            r.status_message = status_message
        if start_time is not None:
            r.start_time.CopyFrom(convert.to_timestamp(start_time))
        if end_time is not None:
            r.end_time.CopyFrom(convert.to_timestamp(end_time))
        return r

    def delete_trial_component(self, name: str) -> Deleted:
        r = self._call("components", "DeleteTrialComponent",
                       trial_components_pb2.DeleteTrialComponentRequest(name=name), False)
        return Deleted(artifacts=r.deleted_artifacts)

    def log_parameters(self, component: str, parameters: Mapping[str, Any], *,
                       remove: Sequence[str] = ()) -> Dict[str, Any]:
        """Sets typed parameters (bool, int, float, str; logging one again overwrites it) and
        removes others; returns all parameters of the component after the change."""
        r = self._call("components", "LogParameters", trial_components_pb2.LogParametersRequest(
            trial_component_name=component, parameters=convert.parameters(parameters),
            remove_parameters=list(remove)), False)
        return convert.parameters_of(r.parameters)

    def associate_trial_component(self, component: str, trial: str) -> bool:
        """Adds the component to a trial; False when it was there already."""
        return self._call("components", "AssociateTrialComponent",
                          trial_components_pb2.AssociateTrialComponentRequest(trial_component_name=component,
                                                                              trial_name=trial), False).created

    def disassociate_trial_component(self, component: str, trial: str) -> bool:
        return self._call("components", "DisassociateTrialComponent",
                          trial_components_pb2.DisassociateTrialComponentRequest(trial_component_name=component,
                                                                                 trial_name=trial), False).removed

    def link_artifacts(self, component: str, *, inputs: Any = None, outputs: Any = None
                       ) -> Tuple[List[ArtifactLink], List[ArtifactLink]]:
        """Records inputs and outputs (``{"train": "s3://..."}`` or ``Artifact`` values); returns
        the links as stored (inputs, outputs)."""
        r = self._call("components", "LinkArtifacts", trial_components_pb2.LinkArtifactsRequest(
            trial_component_name=component, inputs=convert.links(inputs, "inputs"),
            outputs=convert.links(outputs, "outputs")), False)
        return [convert.link_of(x) for x in r.inputs], [convert.link_of(x) for x in r.outputs]

    def unlink_artifacts(self, component: str, *, inputs: Any = None, outputs: Any = None) -> int:
        """Removes links (the artifacts stay); returns how many were removed."""
        return self._call("components", "UnlinkArtifacts", trial_components_pb2.UnlinkArtifactsRequest(
            trial_component_name=component, inputs=convert.links(inputs, "inputs"),
            outputs=convert.links(outputs, "outputs")), False).removed_links

    # --- artifacts -----------------------------------------------------------------------------

    def create_artifact(self, uri: str, kind: Union[ArtifactKind, str, None] = None, *, name: str = "",
                        digest: str = "", media_type: str = "", size_bytes: int = 0,
                        metadata: Optional[Mapping[str, str]] = None) -> Artifact:
        a = Artifact(uri, kind, name, digest, media_type, size_bytes, dict(metadata or {}))
        return convert.artifact_of(self._call("artifacts", "CreateArtifact", artifacts_pb2.CreateArtifactRequest(
            artifact=convert.artifact(a)), False).artifact)

    @staticmethod
    def _key(uri: Optional[str], id: Optional[str]) -> artifacts_pb2.ArtifactKey:
        if (uri is None) == (id is None):
            raise invalid("key: give the artifact's uri or its id")
        return artifacts_pb2.ArtifactKey(uri=uri) if uri is not None else artifacts_pb2.ArtifactKey(id=id)

    def get_artifact(self, uri: Optional[str] = None, *, id: Optional[str] = None) -> Artifact:
        return convert.artifact_of(self._call("artifacts", "GetArtifact", artifacts_pb2.GetArtifactRequest(
            key=self._key(uri, id)), True).artifact)

    def list_artifacts(self, kind: Union[ArtifactKind, str, None] = None, *, uri_prefix: str = "",
                       page_size: int = 0, page_token: str = "") -> Page[Artifact]:
        r = self._call("artifacts", "ListArtifacts", artifacts_pb2.ListArtifactsRequest(
            kind=convert.kind(kind), uri_prefix=uri_prefix or "", page_size=page_size, page_token=page_token or ""),
            True)
        return Page([convert.artifact_of(a) for a in r.artifacts], r.next_page_token)

    def iter_artifacts(self, kind: Union[ArtifactKind, str, None] = None, *, uri_prefix: str = ""
                       ) -> Iterator[Artifact]:
        return self._all(lambda token: self.list_artifacts(kind, uri_prefix=uri_prefix, page_size=1000,
                                                           page_token=token))

    def update_artifact(self, uri: Optional[str] = None, *, id: Optional[str] = None,
                        kind: Union[ArtifactKind, str, None] = None, name: Optional[str] = None,
                        digest: Optional[str] = None, media_type: Optional[str] = None,
                        size_bytes: Optional[int] = None, set_metadata: Optional[Mapping[str, str]] = None,
                        remove_metadata: Sequence[str] = ()) -> Artifact:
        r = artifacts_pb2.UpdateArtifactRequest(key=self._key(uri, id), kind=convert.kind(kind),
                                                set_metadata=dict(set_metadata or {}),
                                                remove_metadata=list(remove_metadata))
        for field, value in (("name", name), ("digest", digest), ("media_type", media_type),
                             ("size_bytes", size_bytes)):
            if value is not None:
                setattr(r, field, value)
        return convert.artifact_of(self._call("artifacts", "UpdateArtifact", r, False).artifact)

    def delete_artifact(self, uri: Optional[str] = None, *, id: Optional[str] = None,
                        cascade: bool = False) -> Deleted:
        """Deletes an artifact; one still linked only with ``cascade`` (its links go with it)."""
        r = self._call("artifacts", "DeleteArtifact", artifacts_pb2.DeleteArtifactRequest(
            key=self._key(uri, id), cascade=cascade), False)
        return Deleted(links=r.deleted_links)

    # --- metrics -------------------------------------------------------------------------------

    def get_metric_summaries(self, components: Union[str, Sequence[str]], metrics: Sequence[str] = ()
                             ) -> List[MetricSummary]:
        """Summaries of the metrics of 1 to 1,000 components, by component then metric name."""
        names = [components] if isinstance(components, str) else list(components)
        r = self._call("metrics", "GetMetricSummaries", metrics_pb2.GetMetricSummariesRequest(
            trial_component_names=names, metric_names=list(metrics)), True)
        return [convert.summary_of(s) for s in r.summaries]

    def read_metric_series(self, component: str, metric: str, *, min_step: Optional[int] = None,
                           max_step: Optional[int] = None, max_points: int = 0) -> Series:
        """A metric's points in step order, optionally in a step range and downsampled to at
        most ``max_points`` (at least 4) points that keep the curve's shape."""
        request = metrics_pb2.ReadMetricSeriesRequest(trial_component_name=component, metric_name=metric,
                                                      max_points=max_points)
        if min_step is not None:
            request.min_step = min_step
        if max_step is not None:
            request.max_step = max_step

        def consume(parts: Iterator[metrics_pb2.ReadMetricSeriesResponse]) -> Series:
            total, steps, values, stamps = 0, [], [], []
            for i, part in enumerate(parts):
                if i == 0:
                    total = part.total_points
                steps.extend(part.points.steps)
                values.extend(part.points.values)
                stamps.extend(part.points.timestamps)
            return Series(component, metric, total, steps, values, stamps)

        return self._stream("metrics", "ReadMetricSeries", request, consume)

    def metric_logger(self, component: Optional[str] = None, **options: Any) -> "MetricLogger":
        """A new :class:`MetricLogger` over this client's connection; close it when done (``with``)."""
        from .logger import MetricLogger
        return MetricLogger(self, component, **options)

    def tracker(self, component: str, **options: Any) -> "Tracker":
        """A new :class:`Tracker` for a job recorded through this client."""
        from .tracker import Tracker
        return Tracker(component, client=self, **options)

    # --- lineage -------------------------------------------------------------------------------

    def _lineage_request(self, start: Union[str, Sequence[str]], direction: str, max_depth: int,
                         include_kinds: Sequence[str], edge_types: Sequence[str], stop_at_kinds: Sequence[str],
                         max_nodes: int, page_token: str) -> lineage_pb2.GetLineageRequest:
        nodes = [start] if isinstance(start, str) else list(start)
        return lineage_pb2.GetLineageRequest(
            start=[convert.node_ref(n) for n in nodes], direction=convert.direction(direction), max_depth=max_depth,
            include_kinds=list(include_kinds), edge_types=list(edge_types), stop_at_kinds=list(stop_at_kinds),
            max_nodes=max_nodes, page_token=page_token or "")

    def lineage(self, start: Union[str, Sequence[str]], direction: str = "upstream", *, max_depth: int = 0,
                include_kinds: Sequence[str] = (), edge_types: Sequence[str] = (),
                stop_at_kinds: Sequence[str] = (), max_nodes: int = 0, page_token: str = "") -> Lineage:
        """The subgraph around the start nodes: artifact URIs or component names (the command
        line's rule: ``artifact:<uri>`` and ``component:<name>`` say which explicitly).
        ``direction``: upstream (what produced it), downstream (what used it) or both."""
        request = self._lineage_request(start, direction, max_depth, include_kinds, edge_types, stop_at_kinds,
                                        max_nodes, page_token)
        return convert.lineage_of(self._call("lineage", "GetLineage", request, True))

    def lineage_dot(self, start: Union[str, Sequence[str]], direction: str = "upstream", *, max_depth: int = 0,
                    include_kinds: Sequence[str] = (), edge_types: Sequence[str] = (),
                    stop_at_kinds: Sequence[str] = (), max_nodes: int = 0) -> str:
        """The same subgraph as Graphviz DOT text (``dot -Tsvg``)."""
        request = self._lineage_request(start, direction, max_depth, include_kinds, edge_types, stop_at_kinds,
                                        max_nodes, "")
        return self._call("lineage", "GetLineageDot", request, True).dot

    # --- query ---------------------------------------------------------------------------------

    def query(self, cypher: str, parameters: Optional[Mapping[str, Any]] = None, *,
              timeout: Optional[float] = None, max_rows: int = 0) -> QueryResult:
        """Runs read-only Cypher with ``$parameters`` (a write is PERMISSION_DENIED before it
        runs). ``timeout``: seconds Neo4j may run it (default 10, at most 300; the call's
        deadline grows to fit). More rows than ``max_rows`` (default 10,000): the rows up to the
        cap with ``truncated``."""
        request = query_pb2.RunQueryRequest(
            cypher=cypher, parameters={str(k): convert.cypher(v, f"parameters.{k}") for k, v in
                                       (parameters or {}).items()}, max_rows=max_rows)
        if timeout is not None:
            request.timeout_ms = max(1, min(2**31 - 1, int(timeout * 1000)))
        columns: List[str] = []
        rows: List[List[Any]] = []

        def consume(parts: Iterator[query_pb2.RunQueryResponse]) -> QueryResult:
            for part in parts:
                if part.columns and not columns:
                    columns.extend(part.columns)
                rows.extend([convert.cypher_of(v) for v in row.values] for row in part.rows)
            return QueryResult(list(columns), rows, False)

        def cut(error: TrialGraphError) -> Optional[QueryResult]:
            if error.code == grpc.StatusCode.RESOURCE_EXHAUSTED and columns:
                return QueryResult(list(columns), rows, True)
            return None

        deadline = max(self.connection.deadline, (timeout or 10.0) + 5.0)
        return self._stream("query", "RunQuery", request, consume, deadline=deadline, partial=cut)

    # --- analytics -----------------------------------------------------------------------------

    @staticmethod
    def _table_request(experiment: Optional[str], trials: Optional[Sequence[str]], experiment_prefix: Optional[str],
                       dataset: Optional[str], experiment_tags: Optional[Mapping[str, str]], per_trial: bool,
                       columns: Sequence[str], filter: str, sort: Sequence[Union[str, Tuple[str, bool]]],
                       group_by: str, page_size: int, page_token: str) -> analytics_pb2.GetTableRequest:
        scopes = [s for s in (experiment, trials, experiment_prefix, dataset, experiment_tags) if s is not None]
        if len(scopes) != 1:
            raise invalid("scope: give exactly one of experiment, trials, experiment_prefix, dataset or "
                          "experiment_tags")
        r = analytics_pb2.GetTableRequest(columns=list(columns), filter=filter or "", group_by=group_by or "",
                                          page_size=page_size, page_token=page_token or "",
                                          rows=analytics_pb2.TABLE_ROWS_TRIALS if per_trial
                                          else analytics_pb2.TABLE_ROWS_COMPONENTS)
        if experiment is not None:
            r.experiment_name = experiment
        elif trials is not None:
            r.trial_names.names.extend(trials)
        elif dataset is not None:
            r.dataset_uri = dataset
        elif experiment_tags is not None:
            r.experiment_tags.tags.update(experiment_tags)
        else:
            r.experiment_name_prefix = experiment_prefix or ""
        for key in sort:
            if isinstance(key, str):
                column, _, order = key.partition(":")
                if order not in ("", "asc", "desc"):
                    raise invalid(f"sort: '{key}' must be COLUMN, COLUMN:asc or COLUMN:desc")
                r.sort.add(column=column, descending=order == "desc")
            else:
                column, descending = key
                r.sort.add(column=column, descending=bool(descending))
        return r

    def table(self, experiment: Optional[str] = None, *, trials: Optional[Sequence[str]] = None,
              experiment_prefix: Optional[str] = None, dataset: Optional[str] = None,
              experiment_tags: Optional[Mapping[str, str]] = None, per_trial: bool = False,
              columns: Sequence[str] = (), filter: str = "",
              sort: Sequence[Union[str, Tuple[str, bool]]] = (), group_by: str = "", page_size: int = 0,
              page_token: str = "") -> Table:
        """One page of the analytics table: a row per component of an experiment (or of
        ``trials``, of every experiment starting with ``experiment_prefix``, of every job that
        consumed the artifact ``dataset``, or of the experiments carrying all ``experiment_tags``),
        or with ``per_trial`` a row per trial (columns like ``training.metrics.test_acc.last``), e.g.
        ``client.table("cifar10", filter='kind = "training"', sort=["metrics.test_acc.last:desc"])``."""
        request = self._table_request(experiment, trials, experiment_prefix, dataset, experiment_tags, per_trial,
                                      columns, filter, sort, group_by, page_size, page_token)
        r = self._call("analytics", "GetTable", request, True)
        rows = [[convert.table_value_of(v) for v in row.values] for row in r.rows]
        return Table(list(r.columns), rows, r.total_rows, r.next_page_token)

    def table_csv(self, experiment: Optional[str] = None, *, trials: Optional[Sequence[str]] = None,
                  experiment_prefix: Optional[str] = None, dataset: Optional[str] = None,
                  experiment_tags: Optional[Mapping[str, str]] = None, per_trial: bool = False,
                  columns: Sequence[str] = (), filter: str = "",
                  sort: Sequence[Union[str, Tuple[str, bool]]] = (), group_by: str = "") -> str:
        """The whole table (every page) as CSV text with a header line; the same scopes as ``table``."""
        request = self._table_request(experiment, trials, experiment_prefix, dataset, experiment_tags, per_trial,
                                      columns, filter, sort, group_by, 0, "")
        return self._stream("analytics", "ExportTableCsv", request, lambda parts: "".join(p.csv for p in parts))

    # --- server --------------------------------------------------------------------------------

    def server_info(self) -> ServerInfo:
        r = self._call("server", "GetServerInfo", server_pb2.GetServerInfoRequest(), True)
        return ServerInfo(r.version, r.embedded_neo4j, r.bolt_uri, r.neo4j_version, r.schema_version)

    # --- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the channel (in the process that made it). Calling it again does nothing."""
        with self._lock:
            channel, self._channel, self._closed = self._channel, None, True
            if channel is not None and self._pid == os.getpid():
                channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(target={self.connection.target!r}, tls={self.connection.uses_tls}, " \
               f"offline={self.connection.offline})"


if False:  # pragma: no cover - names for type checkers only
    from .logger import MetricLogger  # noqa: F401
    from .tracker import Tracker  # noqa: F401
