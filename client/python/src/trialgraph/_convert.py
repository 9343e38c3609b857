"""Conversions between the generated trialgraph.v1 messages and the client's dataclasses; no
rules live here (the server checks every rule and names the field)."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from google.protobuf import struct_pb2, timestamp_pb2

from .errors import invalid
from .types import (Artifact, ArtifactKind, ArtifactLink, ComponentStatus, Experiment, Lineage,
                    LineageEdge, LineageNode, MetricSummary, Node, Path, Relationship, Trial,
                    TrialComponent)
from .v1 import (artifacts_pb2, common_pb2, experiments_pb2, lineage_pb2, metrics_pb2, query_pb2,
                 trial_components_pb2, trials_pb2)

# --- time --------------------------------------------------------------------------------------


def to_datetime(ts: timestamp_pb2.Timestamp, present: bool = True) -> Optional[datetime]:
    if not present or (ts.seconds == 0 and ts.nanos == 0):
        return None
    return datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=timezone.utc)


def to_timestamp(value: Union[datetime, float, int]) -> timestamp_pb2.Timestamp:
    """A datetime (naive ones are local time, as Python takes them) or seconds since the epoch."""
    if isinstance(value, datetime):
        seconds = value.timestamp()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise invalid(f"time: must be a datetime or seconds since the epoch, is {type(value).__name__}")
    whole = math.floor(seconds)
    return timestamp_pb2.Timestamp(seconds=whole, nanos=int(round((seconds - whole) * 1e9)) % 1_000_000_000)


# --- enums -------------------------------------------------------------------------------------

_STATUS_TO_PROTO = {
    ComponentStatus.IN_PROGRESS: trial_components_pb2.TRIAL_COMPONENT_STATUS_IN_PROGRESS,
    ComponentStatus.COMPLETED: trial_components_pb2.TRIAL_COMPONENT_STATUS_COMPLETED,
    ComponentStatus.FAILED: trial_components_pb2.TRIAL_COMPONENT_STATUS_FAILED,
    ComponentStatus.STOPPED: trial_components_pb2.TRIAL_COMPONENT_STATUS_STOPPED,
}
_STATUS_FROM_PROTO = {v: k for k, v in _STATUS_TO_PROTO.items()}

_KIND_TO_PROTO = {
    ArtifactKind.DATASET: artifacts_pb2.ARTIFACT_KIND_DATASET,
    ArtifactKind.MODEL: artifacts_pb2.ARTIFACT_KIND_MODEL,
    ArtifactKind.CODE: artifacts_pb2.ARTIFACT_KIND_CODE,
    ArtifactKind.CHECKPOINT: artifacts_pb2.ARTIFACT_KIND_CHECKPOINT,
    ArtifactKind.OTHER: artifacts_pb2.ARTIFACT_KIND_OTHER,
}
_KIND_FROM_PROTO = {v: k for k, v in _KIND_TO_PROTO.items()}


def status(value: Union[ComponentStatus, str, None], field: str = "status") -> int:
    if value is None:
        return trial_components_pb2.TRIAL_COMPONENT_STATUS_UNSPECIFIED
    try:
        return _STATUS_TO_PROTO[ComponentStatus(value)]
    except ValueError:
        raise invalid(f"{field}: must be one of InProgress, Completed, Failed, Stopped, is '{value}'") from None


def status_of(value: int) -> Optional[ComponentStatus]:
    return _STATUS_FROM_PROTO.get(value)


def kind(value: Union[ArtifactKind, str, None], field: str = "kind") -> int:
    if value is None:
        return artifacts_pb2.ARTIFACT_KIND_UNSPECIFIED
    try:
        return _KIND_TO_PROTO[ArtifactKind(str(value).lower())]
    except ValueError:
        raise invalid(f"{field}: must be one of dataset, model, code, checkpoint, other, is '{value}'") from None


def kind_of(value: int) -> Optional[ArtifactKind]:
    return _KIND_FROM_PROTO.get(value)


# --- parameters --------------------------------------------------------------------------------


def parameter(name: str, value: Any) -> common_pb2.ParameterValue:
    """bool, int (integer_value), float (number_value) or str; numpy scalars by their kind."""
    if isinstance(value, bool):
        return common_pb2.ParameterValue(bool_value=value)
    if isinstance(value, int):
        return common_pb2.ParameterValue(integer_value=value)
    if isinstance(value, float):
        return common_pb2.ParameterValue(number_value=value)
    if isinstance(value, str):
        return common_pb2.ParameterValue(string_value=value)
    item = getattr(value, "item", None)  # numpy and torch scalars
    if callable(item) and getattr(value, "ndim", 0) == 0:
        return parameter(name, item())
    raise invalid(f"parameters.{name}: must be a bool, int, float or str, is {type(value).__name__}")


def parameters(values: Optional[Mapping[str, Any]]) -> Dict[str, common_pb2.ParameterValue]:
    return {str(k): parameter(str(k), v) for k, v in (values or {}).items()}


def parameter_of(value: common_pb2.ParameterValue) -> Any:
    case = value.WhichOneof("value")
    return None if case is None else getattr(value, case)


def parameters_of(values: Mapping[str, common_pb2.ParameterValue]) -> Dict[str, Any]:
    return {k: parameter_of(values[k]) for k in sorted(values)}


# --- resources ---------------------------------------------------------------------------------


def experiment_of(e: experiments_pb2.Experiment) -> Experiment:
    return Experiment(e.name, e.display_name, e.description, dict(e.tags), to_datetime(e.create_time),
                      to_datetime(e.update_time), e.trial_count)


def trial_of(t: trials_pb2.Trial) -> Trial:
    return Trial(t.name, t.experiment_name, t.display_name, dict(t.tags), to_datetime(t.create_time),
                 to_datetime(t.update_time), t.trial_component_count)


def artifact(a: Union[Artifact, str], field: str = "artifact") -> artifacts_pb2.Artifact:
    if isinstance(a, str):
        return artifacts_pb2.Artifact(uri=a)
    if not isinstance(a, Artifact):
        raise invalid(f"{field}: must be a URI or a trialgraph.Artifact, is {type(a).__name__}")
    return artifacts_pb2.Artifact(id=a.id, uri=a.uri, kind=kind(a.kind, field + ".kind"), name=a.name,
                                  digest=a.digest, media_type=a.media_type, size_bytes=a.size_bytes,
                                  metadata=dict(a.metadata))


def artifact_of(a: artifacts_pb2.Artifact) -> Artifact:
    return Artifact(a.uri, kind_of(a.kind), a.name, a.digest, a.media_type, a.size_bytes, dict(a.metadata), a.id,
                    to_datetime(a.create_time), to_datetime(a.update_time))


def links(values: Union[None, Mapping[str, Union[Artifact, str]], Iterable[ArtifactLink]],
          field: str) -> List[trial_components_pb2.ArtifactLink]:
    """Links from ``{"train": "s3://..." or Artifact(...)}`` or a list of :class:`ArtifactLink`."""
    if values is None:
        return []
    if isinstance(values, Mapping):
        pairs = list(values.items())
    else:
        pairs = []
        for link in values:
            if not isinstance(link, ArtifactLink):
                raise invalid(f"{field}: must be a mapping of name to URI or Artifact, or ArtifactLinks")
            pairs.append((link.name, link.artifact))
    return [trial_components_pb2.ArtifactLink(name=name, artifact=artifact(a, f"{field}.{name}")) for name, a in pairs]


def link_of(link: trial_components_pb2.ArtifactLink) -> ArtifactLink:
    return ArtifactLink(link.name, artifact_of(link.artifact))


def component_of(c: trial_components_pb2.TrialComponent) -> TrialComponent:
    return TrialComponent(
        name=c.name, display_name=c.display_name, kind=c.kind, status=status_of(c.status),
        status_message=c.status_message, start_time=to_datetime(c.start_time, c.HasField("start_time")),
        end_time=to_datetime(c.end_time, c.HasField("end_time")), parameters=parameters_of(c.parameters),
        metadata=dict(c.metadata), inputs=[link_of(i) for i in c.inputs], outputs=[link_of(o) for o in c.outputs],
        trial_names=list(c.trial_names), create_time=to_datetime(c.create_time),
        update_time=to_datetime(c.update_time))


def summary_of(s: metrics_pb2.MetricSummary) -> MetricSummary:
    return MetricSummary(s.trial_component_name, s.metric_name, s.count, s.non_finite_count, s.min, s.max, s.mean,
                         s.std, s.first, s.last, s.first_step, s.last_step, s.min_step, s.max_step,
                         s.first_timestamp, s.last_timestamp)


# --- lineage -----------------------------------------------------------------------------------

_DIRECTIONS = {
    "upstream": lineage_pb2.LINEAGE_DIRECTION_UPSTREAM,
    "downstream": lineage_pb2.LINEAGE_DIRECTION_DOWNSTREAM,
    "both": lineage_pb2.LINEAGE_DIRECTION_BOTH,
}


def node_ref(node: str) -> lineage_pb2.LineageNodeRef:
    """The command line's rule: ``artifact:<uri>`` or ``component:<name>`` say which; otherwise
    anything with ``:`` or ``/`` is an artifact URI and the rest a component name."""
    if not isinstance(node, str) or not node:
        raise invalid("start: a node is an artifact URI or a component name, is empty")
    if node.startswith("artifact:"):
        return lineage_pb2.LineageNodeRef(artifact_uri=node[len("artifact:"):])
    if node.startswith("component:"):
        return lineage_pb2.LineageNodeRef(trial_component_name=node[len("component:"):])
    if ":" in node or "/" in node:
        return lineage_pb2.LineageNodeRef(artifact_uri=node)
    return lineage_pb2.LineageNodeRef(trial_component_name=node)


def direction(value: str) -> int:
    try:
        return _DIRECTIONS[value.lower()]
    except (KeyError, AttributeError):
        raise invalid(f"direction: must be upstream, downstream or both, is '{value}'") from None


def lineage_of(r: lineage_pb2.GetLineageResponse) -> Lineage:
    return Lineage([LineageNode(n.key, n.kind, n.name, n.uri, n.artifact_id, n.status, n.digest, n.depth)
                    for n in r.nodes],
                   [LineageEdge(e.from_key, e.to_key, e.type, e.name) for e in r.edges],
                   r.truncated, r.next_page_token, r.has_cycle)


# --- values of tables and Cypher ----------------------------------------------------------------


def table_value_of(v: Any) -> Any:
    case = v.WhichOneof("value")
    return None if case is None else getattr(v, case)


def cypher(value: Any, field: str) -> query_pb2.CypherValue:
    """A query parameter: None, bool, int, float, str, bytes, lists/tuples and dicts of those."""
    if value is None:
        return query_pb2.CypherValue(null_value=struct_pb2.NULL_VALUE)
    if isinstance(value, bool):
        return query_pb2.CypherValue(bool_value=value)
    if isinstance(value, int):
        return query_pb2.CypherValue(int_value=value)
    if isinstance(value, float):
        return query_pb2.CypherValue(float_value=value)
    if isinstance(value, str):
        return query_pb2.CypherValue(string_value=value)
    if isinstance(value, (bytes, bytearray)):
        return query_pb2.CypherValue(bytes_value=bytes(value))
    if isinstance(value, Mapping):
        return query_pb2.CypherValue(map_value=query_pb2.CypherMap(
            entries={str(k): cypher(v, f"{field}.{k}") for k, v in value.items()}))
    if isinstance(value, (list, tuple)):
        return query_pb2.CypherValue(list_value=query_pb2.CypherList(
            values=[cypher(v, f"{field}[{i}]") for i, v in enumerate(value)]))
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 0) == 0:
        return cypher(item(), field)
    raise invalid(f"{field}: must be None, bool, int, float, str, bytes, a list or a dict, is {type(value).__name__}")


def _node_of(n: query_pb2.CypherNode) -> Node:
    return Node(n.element_id, list(n.labels), {k: cypher_of(v) for k, v in n.properties.items()})


def _relationship_of(r: query_pb2.CypherRelationship) -> Relationship:
    return Relationship(r.element_id, r.type, r.start_element_id, r.end_element_id,
                        {k: cypher_of(v) for k, v in r.properties.items()})


def cypher_of(v: query_pb2.CypherValue) -> Any:
    case = v.WhichOneof("value")
    if case is None or case == "null_value":
        return None
    if case == "list_value":
        return [cypher_of(x) for x in v.list_value.values]
    if case == "map_value":
        return {k: cypher_of(x) for k, x in v.map_value.entries.items()}
    if case == "node_value":
        return _node_of(v.node_value)
    if case == "relationship_value":
        return _relationship_of(v.relationship_value)
    if case == "path_value":
        return Path([_node_of(n) for n in v.path_value.nodes],
                    [_relationship_of(r) for r in v.path_value.relationships])
    return getattr(v, case)
