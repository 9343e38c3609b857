"""Every RPC through the Client against the real server, and the errors a user sees."""

from __future__ import annotations

import time

import grpc
import pytest

import trialgraph
from trialgraph import Artifact, ArtifactKind, ComponentStatus, TrialGraphError
from trialgraph.connection import Connection, is_on_this_machine


def test_experiments_and_trials_round_trip(client, unique):
    e = client.create_experiment(f"{unique}-exp", "my custom model beats ResNet50", display_name="CIFAR-10",
                                 tags={"team": "vision"})
    assert (e.name, e.description, e.display_name, e.tags) == \
        (f"{unique}-exp", "my custom model beats ResNet50", "CIFAR-10", {"team": "vision"})
    assert e.create_time is not None and e.create_time.tzinfo is not None
    with pytest.raises(TrialGraphError) as exists:
        client.create_experiment(f"{unique}-exp")
    assert exists.value.code == grpc.StatusCode.ALREADY_EXISTS
    client.create_trial(f"{unique}-exp", f"{unique}-t1", tags={"optimizer": "adam"})
    client.create_trial(f"{unique}-exp", f"{unique}-t2")
    assert [t.name for t in client.iter_trials(f"{unique}-exp")] == [f"{unique}-t1", f"{unique}-t2"]
    page = client.list_trials(f"{unique}-exp", page_size=1)
    assert len(page) == 1 and page.next_page_token
    assert client.get_experiment(f"{unique}-exp").trial_count == 2
    updated = client.update_experiment(f"{unique}-exp", description="new", set_tags={"stage": "2"},
                                       remove_tags=["team"])
    assert (updated.description, updated.tags) == ("new", {"stage": "2"})
    assert client.update_trial(f"{unique}-t1", display_name="first").display_name == "first"
    assert [x.name for x in client.iter_experiments(unique)] == [f"{unique}-exp"]
    assert [x.name for x in client.iter_experiments(tags={"stage": "2"}) if x.name.startswith(unique)] == \
        [f"{unique}-exp"]
    with pytest.raises(TrialGraphError) as refused:
        client.delete_experiment(f"{unique}-exp")
    assert refused.value.code == grpc.StatusCode.FAILED_PRECONDITION
    assert client.delete_trial(f"{unique}-t2").trial_components == 0
    assert client.delete_experiment(f"{unique}-exp", cascade=True).trials == 1
    with pytest.raises(TrialGraphError) as gone:
        client.get_experiment(f"{unique}-exp")
    assert gone.value.code == grpc.StatusCode.NOT_FOUND
    assert str(gone.value) == f"NOT_FOUND: experiment '{unique}-exp' does not exist"


def test_components_artifacts_lineage_query_and_table(client, unique):
    client.create_experiment(f"{unique}-exp", tags={"study": unique})
    client.create_trial(f"{unique}-exp", f"{unique}-trial")
    prep = client.create_trial_component(
        f"{unique}-prep", kind="processing", status="Completed", start_time=time.time() - 60, end_time=time.time(),
        inputs={"script": Artifact(f"s3://{unique}/code/prep.py", ArtifactKind.CODE)},
        outputs={"train": Artifact(f"s3://{unique}/data/train", "dataset")}, trials=[f"{unique}-trial"])
    assert prep.status == ComponentStatus.COMPLETED and prep.end_time > prep.start_time
    job = client.create_trial_component(
        f"{unique}-train", kind="training", parameters={"epochs": 60, "lr": 0.001, "optimizer": "adam",
                                                       "augment": True},
        metadata={"git": "abc123"}, inputs={"train": f"s3://{unique}/data/train"}, trials=[f"{unique}-trial"])
    assert job.parameters == {"augment": True, "epochs": 60, "lr": 0.001, "optimizer": "adam"}
    assert type(job.parameters["epochs"]) is int and type(job.parameters["lr"]) is float
    assert job.inputs[0].artifact.kind == ArtifactKind.DATASET  # the kind given first stays
    assert client.log_parameters(f"{unique}-train", {"batch": 128}, remove=["augment"]) == \
        {"batch": 128, "epochs": 60, "lr": 0.001, "optimizer": "adam"}
    inputs, outputs = client.link_artifacts(f"{unique}-train", outputs={"model": Artifact(
        f"s3://{unique}/models/m", "model", digest="sha256:00", size_bytes=42)})
    assert outputs[0].artifact.size_bytes == 42 and outputs[0].artifact.id
    model = client.get_artifact(f"s3://{unique}/models/m")
    assert client.get_artifact(id=model.id).uri == model.uri
    assert client.update_artifact(model.uri, name="model v1", set_metadata={"framework": "torch"}).metadata == \
        {"framework": "torch"}
    assert [a.uri for a in client.iter_artifacts("dataset", uri_prefix=f"s3://{unique}/")] == \
        [f"s3://{unique}/data/train"]
    client.create_artifact(f"s3://{unique}/loose", "other")
    assert client.delete_artifact(f"s3://{unique}/loose").links == 0
    assert client.update_trial_component(f"{unique}-train", status=ComponentStatus.FAILED,
                                         status_message="OOM").status_message == "OOM"
    assert [c.name for c in client.iter_trial_components(experiment=f"{unique}-exp", kind="training")] == \
        [f"{unique}-train"]
    assert [c.name for c in client.iter_trial_components(trial=f"{unique}-trial", status="Failed")] == \
        [f"{unique}-train"]
    client.create_trial(f"{unique}-exp", f"{unique}-other")
    assert client.associate_trial_component(f"{unique}-train", f"{unique}-other") is True
    assert client.associate_trial_component(f"{unique}-train", f"{unique}-other") is False
    assert client.disassociate_trial_component(f"{unique}-train", f"{unique}-other") is True

    lineage = client.lineage(f"s3://{unique}/models/m")
    assert [(n.depth, n.kind) for n in lineage.nodes] == \
        [(0, "model"), (1, "component:training"), (2, "dataset"), (3, "component:processing"), (4, "code")]
    assert len(lineage.edges) == 4 and not lineage.truncated
    assert [n.name for n in client.lineage(f"{unique}-prep", "downstream", include_kinds=["model"]).nodes] == \
        [f"{unique}-prep", "model v1"]
    assert client.lineage_dot(f"artifact:s3://{unique}/models/m").startswith("digraph")

    result = client.query("MATCH (c:TrialComponent) WHERE c.name STARTS WITH $p "
                          "RETURN c.name AS name, c.`param.epochs` AS epochs, c AS node, [1, 2.5, 'x'] AS l "
                          "ORDER BY name", {"p": unique})
    assert result.columns == ["name", "epochs", "node", "l"]
    assert [r[:2] for r in result.rows] == [[f"{unique}-prep", None], [f"{unique}-train", 60]]
    assert "TrialComponent" in result.rows[1][2].labels and result.rows[1][3] == [1, 2.5, "x"]
    capped = client.query("UNWIND range(1, 50) AS i RETURN i", max_rows=10)
    assert capped.truncated and len(capped.rows) == 10
    with pytest.raises(TrialGraphError) as write:
        client.query("CREATE (n:Hack) RETURN n")
    assert write.value.code == grpc.StatusCode.PERMISSION_DENIED

    table = client.table(f"{unique}-exp", columns=["name", "kind", "params.epochs"], sort=["name:desc"])
    assert table.columns == ["name", "kind", "params.epochs"] and table.total_rows == 2
    assert table.records() == [{"name": f"{unique}-train", "kind": "training", "params.epochs": 60},
                               {"name": f"{unique}-prep", "kind": "processing", "params.epochs": None}]
    filtered = client.table(f"{unique}-exp", filter='params.epochs = 60', columns=["name"])
    assert filtered.rows == [[f"{unique}-train"]]
    assert client.table_csv(f"{unique}-exp", columns=["name", "params.epochs"], sort=[("name", False)]) == \
        f"name,params.epochs\n{unique}-prep,\n{unique}-train,60\n"
    per_trial = client.table(f"{unique}-exp", per_trial=True, columns=["name", "training.params.epochs"],
                             filter="EXISTS training.params.epochs")
    assert per_trial.records() == [{"name": f"{unique}-trial", "training.params.epochs": 60}]
    consumers = client.table(dataset=f"s3://{unique}/data/train", columns=["name", "experiment"])
    assert consumers.rows == [[f"{unique}-train", f"{unique}-exp"]]
    tagged = client.table(experiment_tags={"study": unique}, columns=["name", "experiment"], sort=["name"])
    assert tagged.rows == [[f"{unique}-prep", f"{unique}-exp"], [f"{unique}-train", f"{unique}-exp"]]
    assert client.table(experiment_tags={"study": f"{unique}-none"}, columns=["name"]).rows == []
    with pytest.raises(TrialGraphError) as bad_filter:
        client.table(f"{unique}-exp", filter="params.epochs =")
    assert bad_filter.value.code == grpc.StatusCode.INVALID_ARGUMENT and "filter:" in bad_filter.value.message

    assert client.unlink_artifacts(f"{unique}-train", outputs={"model": f"s3://{unique}/models/m"}) == 1
    assert client.delete_trial_component(f"{unique}-prep").artifacts >= 1
    assert client.server_info().embedded_neo4j is True


def test_metric_summaries_and_series(client, unique):
    client.create_trial_component(f"{unique}-job", kind="training")
    with client.metric_logger(f"{unique}-job") as metrics:
        for step in range(1000):
            metrics.log("loss", 1.0 / (step + 1), step)
        metrics.log("loss", float("nan"), 1000)
    [summary] = client.get_metric_summaries(f"{unique}-job")
    assert (summary.count, summary.non_finite_count, summary.max, summary.first_step, summary.last_step) == \
        (1001, 1, 1.0, 0, 1000)
    series = client.read_metric_series(f"{unique}-job", "loss", min_step=10, max_step=19)
    assert series.steps == list(range(10, 20)) and series.values[0] == 1.0 / 11 and series.total_points == 10
    assert len(client.read_metric_series(f"{unique}-job", "loss", max_points=100)) <= 100
    with pytest.raises(TrialGraphError) as missing:
        client.read_metric_series(f"{unique}-job", "nope")
    assert missing.value.code == grpc.StatusCode.NOT_FOUND


def test_bad_input_is_invalid_argument_naming_the_field(client):
    with pytest.raises(TrialGraphError) as bad:
        client.create_experiment("my exp")
    assert bad.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert bad.value.message.startswith("experiment.name: must be letters, digits")
    with pytest.raises(TrialGraphError) as param:
        client.create_trial_component("x", parameters={"p": [1, 2]})
    assert param.value.code == grpc.StatusCode.INVALID_ARGUMENT and param.value.message.startswith("parameters.p:")
    with pytest.raises(TrialGraphError) as direction:
        client.lineage("x", "sideways")
    assert direction.value.message.startswith("direction:")


def test_unreachable_server_is_unavailable_after_retries():
    port = __import__("conftest").free_port()
    with trialgraph.Client(f"localhost:{port}", deadline=2.0) as c:
        started = time.monotonic()
        with pytest.raises(TrialGraphError) as down:
            c.get_experiment("x")
        assert down.value.code == grpc.StatusCode.UNAVAILABLE and down.value.retryable
        assert time.monotonic() - started < 30


def test_environment_settings_mean_what_they_mean_for_the_java_client():
    c = Connection.from_environment({"TRIALGRAPH_TARGET": "tg.example.com:443", "TRIALGRAPH_TOKEN": "s3cr3t-token-123"})
    assert c.uses_tls and c.metadata() == (("authorization", "Bearer s3cr3t-token-123"),)
    assert not Connection.from_environment({}).uses_tls  # localhost:50051, plain text like the server's default
    assert Connection.from_environment({"TRIALGRAPH_TLS": "true"}).uses_tls
    with pytest.raises(TrialGraphError) as plain:
        Connection.from_environment({"TRIALGRAPH_TARGET": "tg.example.com:50051", "TRIALGRAPH_TLS": "false",
                                     "TRIALGRAPH_TOKEN": "s3cr3t-token-123"})
    assert plain.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert plain.value.message.startswith("token: not sent in plain text to tg.example.com:50051")
    assert Connection.from_environment({"TRIALGRAPH_TARGET": "tg.example.com:50051", "TRIALGRAPH_TLS": "false",
                                        "TRIALGRAPH_TOKEN": "s3cr3t-token-123",
                                        "TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT": "true"}).token
    with pytest.raises(TrialGraphError) as half:
        Connection.from_environment({"TRIALGRAPH_CLIENT_CERT": "/x.pem"})
    assert half.value.message == "TRIALGRAPH_CLIENT_CERT and TRIALGRAPH_CLIENT_KEY: set both or neither"
    with pytest.raises(TrialGraphError) as flag:
        Connection.from_environment({"TRIALGRAPH_TLS": "yes"})
    assert flag.value.message == "TRIALGRAPH_TLS: must be true or false, is 'yes'"
    assert Connection.from_environment({"TRIALGRAPH_MODE": "offline"}).offline
    for target, local in [("localhost:1", True), ("127.0.0.1:1", True), ("[::1]:1", True), ("unix:/tmp/s", True),
                          ("dns:///localhost:1", True), ("10.0.0.1:1", False), ("example.com", False)]:
        assert is_on_this_machine(target) is local, target


def test_offline_client_refuses_calls():
    with trialgraph.Client("localhost:1", offline=True) as c:
        with pytest.raises(TrialGraphError) as offline:
            c.get_experiment("x")
        assert offline.value.code == grpc.StatusCode.FAILED_PRECONDITION and "offline" in offline.value.message
