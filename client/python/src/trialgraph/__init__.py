"""trialgraph: the Python client of the trialgraph metadata, lineage and metrics service.

>>> import trialgraph
>>> with trialgraph.Tracker("custom-adam-60-training", kind="training", experiment="cifar10",
...                         trial="custom-adam-60", parameters={"epochs": 60}) as job:
...     job.log("loss", 0.25, step=1)
"""

from .client import Client
from .connection import Connection
from .errors import TrialGraphError
from .logger import LoggerStats, MetricLogger, Rejection
from .tracker import Tracker
from .types import (Artifact, ArtifactKind, ArtifactLink, ComponentStatus, Deleted, Experiment, Lineage,
                    LineageEdge, LineageNode, MetricSummary, Node, Page, Path, QueryResult, Relationship, Series,
                    ServerInfo, Table, Trial, TrialComponent)

__version__ = "0.1.0"

__all__ = ["Client", "Connection", "TrialGraphError", "MetricLogger", "LoggerStats", "Rejection", "Tracker",
           "Artifact", "ArtifactKind", "ArtifactLink", "ComponentStatus", "Deleted", "Experiment", "Lineage",
           "LineageEdge", "LineageNode", "MetricSummary", "Node", "Page", "Path", "QueryResult", "Relationship",
           "Series", "ServerInfo", "Table", "Trial", "TrialComponent"]
