"""Plain data returned and taken by the client: dataclasses, never generated protobuf messages."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Any, Dict, Generic, List, Optional, TypeVar

__all__ = ["ArtifactKind", "ComponentStatus", "Experiment", "Trial", "Artifact", "ArtifactLink",
           "TrialComponent", "Page", "Deleted", "MetricSummary", "Series", "LineageNode",
           "LineageEdge", "Lineage", "Table", "QueryResult", "Node", "Relationship", "Path",
           "ServerInfo"]

T = TypeVar("T")


class ArtifactKind(str, enum.Enum):
    """What an artifact is; the first four are also Neo4j labels. Plain strings work too."""

    DATASET = "dataset"
    MODEL = "model"
    CODE = "code"
    CHECKPOINT = "checkpoint"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


class ComponentStatus(str, enum.Enum):
    """The status of a trial component, spelled as in the graph and the command line."""

    IN_PROGRESS = "InProgress"
    COMPLETED = "Completed"
    FAILED = "Failed"
    STOPPED = "Stopped"

    def __str__(self) -> str:
        return self.value


@dataclasses.dataclass(frozen=True)
class Experiment:
    name: str
    display_name: str = ""
    description: str = ""
    tags: Dict[str, str] = dataclasses.field(default_factory=dict)
    create_time: Optional[datetime] = None
    update_time: Optional[datetime] = None
    trial_count: int = 0


@dataclasses.dataclass(frozen=True)
class Trial:
    name: str
    experiment_name: str
    display_name: str = ""
    tags: Dict[str, str] = dataclasses.field(default_factory=dict)
    create_time: Optional[datetime] = None
    update_time: Optional[datetime] = None
    trial_component_count: int = 0


@dataclasses.dataclass(frozen=True)
class Artifact:
    """An artifact, identified by its URI. ``kind`` None leaves it to the server (a new URI
    becomes ``other``); the other fields describe it further when given."""

    uri: str
    kind: Optional[ArtifactKind] = None
    name: str = ""
    digest: str = ""
    media_type: str = ""
    size_bytes: int = 0
    metadata: Dict[str, str] = dataclasses.field(default_factory=dict)
    id: str = ""
    create_time: Optional[datetime] = None
    update_time: Optional[datetime] = None


@dataclasses.dataclass(frozen=True)
class ArtifactLink:
    """An input or output of a component: the link's name (its role, e.g. "train") and the artifact."""

    name: str
    artifact: Artifact


@dataclasses.dataclass(frozen=True)
class TrialComponent:
    name: str
    display_name: str = ""
    kind: str = ""
    status: Optional[ComponentStatus] = None
    status_message: str = ""
    start_time: Optional[datetime] = None
    end_time: Optional[datetime] = None
    parameters: Dict[str, Any] = dataclasses.field(default_factory=dict)
    metadata: Dict[str, str] = dataclasses.field(default_factory=dict)
    inputs: List[ArtifactLink] = dataclasses.field(default_factory=list)
    outputs: List[ArtifactLink] = dataclasses.field(default_factory=list)
    trial_names: List[str] = dataclasses.field(default_factory=list)
    create_time: Optional[datetime] = None
    update_time: Optional[datetime] = None


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; pass ``next_page_token`` back as ``page_token`` (empty: last page)."""

    items: List[T]
    next_page_token: str = ""

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclasses.dataclass(frozen=True)
class Deleted:
    """What a delete removed with the thing it deleted."""

    trials: int = 0
    trial_components: int = 0
    artifacts: int = 0
    links: int = 0


@dataclasses.dataclass(frozen=True)
class MetricSummary:
    """The live summary of one metric; statistics cover finite values only."""

    trial_component_name: str
    metric_name: str
    count: int
    non_finite_count: int
    min: float
    max: float
    mean: float
    std: float
    first: float
    last: float
    first_step: int
    last_step: int
    min_step: int
    max_step: int
    first_timestamp: int
    last_timestamp: int


@dataclasses.dataclass(frozen=True)
class Series:
    """Points of a metric in step order, in columns; ``total_points`` counts the range before
    downsampling. Timestamps are milliseconds since the epoch."""

    trial_component_name: str
    metric_name: str
    total_points: int
    steps: List[int]
    values: List[float]
    timestamps: List[int]

    def __len__(self) -> int:
        return len(self.steps)


@dataclasses.dataclass(frozen=True)
class LineageNode:
    key: str
    kind: str
    name: str
    uri: str
    artifact_id: str
    status: str
    digest: str
    depth: int


@dataclasses.dataclass(frozen=True)
class LineageEdge:
    from_key: str
    to_key: str
    type: str
    name: str


@dataclasses.dataclass(frozen=True)
class Lineage:
    nodes: List[LineageNode]
    edges: List[LineageEdge]
    truncated: bool = False
    next_page_token: str = ""
    has_cycle: bool = False


@dataclasses.dataclass(frozen=True)
class Table:
    """One page of an analytics table: values per row in column order (None: missing)."""

    columns: List[str]
    rows: List[List[Any]]
    total_rows: int
    next_page_token: str = ""

    def records(self) -> List[Dict[str, Any]]:
        """The rows as dictionaries by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclasses.dataclass(frozen=True)
class Node:
    element_id: str
    labels: List[str]
    properties: Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Relationship:
    element_id: str
    type: str
    start_element_id: str
    end_element_id: str
    properties: Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Path:
    nodes: List[Node]
    relationships: List[Relationship]


@dataclasses.dataclass(frozen=True)
class QueryResult:
    """Rows of a read-only Cypher query; ``truncated`` when there were more than ``max_rows``.
    Values: None, bool, int, float, str, bytes, lists, dicts, :class:`Node`,
    :class:`Relationship`, :class:`Path`; temporals and points as strings."""

    columns: List[str]
    rows: List[List[Any]]
    truncated: bool = False

    def records(self) -> List[Dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


@dataclasses.dataclass(frozen=True)
class ServerInfo:
    version: str
    embedded_neo4j: bool
    bolt_uri: str
    neo4j_version: str
    schema_version: str


