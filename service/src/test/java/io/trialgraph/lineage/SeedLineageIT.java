package io.trialgraph.lineage;

import static io.trialgraph.testing.SeedStudy.SCRIPT;
import static io.trialgraph.testing.SeedStudy.SPLITS;
import static io.trialgraph.testing.SeedStudy.dataset;
import static io.trialgraph.testing.SeedStudy.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageEdge;
import io.trialgraph.api.v1.LineageNode;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.testing.ApiFixtures;
import io.trialgraph.testing.SeedStudy;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two lineage questions of the reference workflow (docs/workflow.md, step 7) asked of the
 * CIFAR-10 study recorded by {@link SeedStudy} (as {@code SeedWorkflowIT} checks it):
 *
 * <pre>
 *                                                              +--> [resnet-adam-30-training] --> resnet-adam-30 model
 *  generate_cifar10_tfrecords.py --> [cifar10-preprocessing] --+ train, validation, test --> ... 18 training jobs, one model each
 *                    |                (processing)             +--> [custom-rmsprop-120-training] --> custom-rmsprop-120 model
 *                    |                                         |
 *                    +-----------------------------------------+--> [experiment-metadata] (tracker: the script and the 3 datasets as inputs)
 * </pre>
 *
 * The 18 trial-metadata trackers hold parameters only and touch no artifact.
 */
@TrialGraphTest
class SeedLineageIT {

    private LineageServiceGrpc.LineageServiceBlockingStub lineage;
    private final List<String> trialNames = new ArrayList<>();

    @BeforeEach
    void recordTheStudy(TestServer server) {
        trialNames.addAll(SeedStudy.record(server).trialNames());
        assertThat(trialNames).hasSize(18).doesNotHaveDuplicates();
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)"))
                .as("script, 3 datasets, 18 models")
                .isEqualTo(22);

        lineage = ApiFixtures.lineage(server, 60);
    }

    @Test
    void whatDataAndCodeProducedModelX() {
        String model = model("custom-sgd-60");
        GetLineageResponse answer = lineage.getLineage(GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setArtifactUri(model))
                .setDirection(LineageDirection.LINEAGE_DIRECTION_UPSTREAM)
                .setMaxDepth(10)
                .build());

        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("artifact:" + model, 0);
        expected.put("component:custom-sgd-60-training", 1);
        SPLITS.forEach(split -> expected.put("artifact:" + dataset(split), 2));
        expected.put("component:cifar10-preprocessing", 3);
        expected.put("artifact:" + SCRIPT, 4);
        assertThat(keys(answer)).doesNotHaveDuplicates();
        assertThat(depths(answer))
                .as("the job, its 3 datasets, their processing job and its script; no other job or model")
                .containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(answer.getNodesList().stream()
                        .filter(n -> n.getKey().startsWith("artifact:"))
                        .map(LineageNode::getUri))
                .containsExactlyInAnyOrder(model, dataset("train"), dataset("validation"), dataset("test"), SCRIPT);
        assertThat(kinds(answer))
                .containsEntry("artifact:" + SCRIPT, "code")
                .containsEntry("artifact:" + dataset("test"), "dataset")
                .containsEntry("component:cifar10-preprocessing", "component:processing")
                .containsEntry("component:custom-sgd-60-training", "component:training");

        Set<String> edges = new HashSet<>();
        edges.add(edge("artifact:" + SCRIPT, "CONSUMED_BY", "code", "component:cifar10-preprocessing"));
        for (String split : SPLITS) {
            edges.add(edge("component:cifar10-preprocessing", "PRODUCED", split, "artifact:" + dataset(split)));
            edges.add(edge("artifact:" + dataset(split), "CONSUMED_BY", split, "component:custom-sgd-60-training"));
        }
        edges.add(edge("component:custom-sgd-60-training", "PRODUCED", "model", "artifact:" + model));
        assertThat(edges(answer)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(edges);
        assertThat(answer.getTruncated()).isFalse();
        assertThat(answer.getHasCycle()).isFalse();

        GetLineageResponse dataAndCode = lineage.getLineage(GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setArtifactUri(model))
                .setDirection(LineageDirection.LINEAGE_DIRECTION_UPSTREAM)
                .addIncludeKinds("dataset")
                .addIncludeKinds("code")
                .build());
        assertThat(keys(dataAndCode))
                .as("the start model, the datasets and the script, nearest first")
                .containsExactly(
                        "artifact:" + model,
                        "artifact:" + dataset("test"),
                        "artifact:" + dataset("train"),
                        "artifact:" + dataset("validation"),
                        "artifact:" + SCRIPT);
        assertThat(dataAndCode.getEdgesList())
                .as("no returned nodes are adjacent")
                .isEmpty();
    }

    @Test
    void whichJobsAndModelsUsedTheTrainDataset() {
        GetLineageResponse answer = lineage.getLineage(GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setArtifactUri(dataset("train")))
                .setDirection(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM)
                .build());

        Map<String, Integer> expected = new LinkedHashMap<>();
        Set<String> edges = new HashSet<>();
        expected.put("artifact:" + dataset("train"), 0);
        // The experiment-metadata tracker records the datasets as its inputs, so it consumed train too.
        expected.put("component:experiment-metadata", 1);
        edges.add(edge("artifact:" + dataset("train"), "CONSUMED_BY", "train", "component:experiment-metadata"));
        for (String trial : trialNames) {
            expected.put("component:" + trial + "-training", 1);
            expected.put("artifact:" + model(trial), 2);
            edges.add(edge("artifact:" + dataset("train"), "CONSUMED_BY", "train", "component:" + trial + "-training"));
            edges.add(edge("component:" + trial + "-training", "PRODUCED", "model", "artifact:" + model(trial)));
        }
        assertThat(keys(answer)).doesNotHaveDuplicates();
        assertThat(depths(answer))
                .as("the train dataset, 18 training jobs and the tracker that used it, 18 models")
                .hasSize(1 + 18 + 1 + 18)
                .containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(edges(answer)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(edges);
        assertThat(kinds(answer).values()).containsOnly("dataset", "component:training", "component:tracker", "model");
        assertThat(answer.getTruncated()).isFalse();
        assertThat(answer.getHasCycle()).isFalse();
    }

    @Test
    void whichModelsWereTrainedOnTheTrainDataset() {
        GetLineageResponse answer = lineage.getLineage(GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setArtifactUri(dataset("train")))
                .setDirection(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM)
                .addIncludeKinds("model")
                .build());

        List<String> expected = new ArrayList<>();
        expected.add("artifact:" + dataset("train"));
        trialNames.stream().map(trial -> "artifact:" + model(trial)).sorted().forEach(expected::add);
        assertThat(keys(answer)).as("the start, then the 18 models by key").containsExactlyElementsOf(expected);
        assertThat(answer.getNodesList().subList(1, 19)).allSatisfy(node -> {
            assertThat(node.getKind()).isEqualTo("model");
            assertThat(node.getDepth()).as("through its training job").isEqualTo(2);
        });
        assertThat(answer.getEdgesList()).as("no returned nodes are adjacent").isEmpty();
        assertThat(answer.getTruncated()).isFalse();
    }

    private static List<String> keys(GetLineageResponse answer) {
        return answer.getNodesList().stream().map(LineageNode::getKey).toList();
    }

    private static Map<String, Integer> depths(GetLineageResponse answer) {
        Map<String, Integer> depths = new LinkedHashMap<>();
        answer.getNodesList().forEach(node -> depths.put(node.getKey(), node.getDepth()));
        return depths;
    }

    private static Map<String, String> kinds(GetLineageResponse answer) {
        Map<String, String> kinds = new LinkedHashMap<>();
        answer.getNodesList().forEach(node -> kinds.put(node.getKey(), node.getKind()));
        return kinds;
    }

    private static List<String> edges(GetLineageResponse answer) {
        return answer.getEdgesList().stream()
                .map((LineageEdge e) -> edge(e.getFromKey(), e.getType(), e.getName(), e.getToKey()))
                .toList();
    }

    private static String edge(String from, String type, String name, String to) {
        return from + " -[" + type + " " + name + "]-> " + to;
    }
}
