package io.trialgraph.lineage;

import static io.trialgraph.testing.ApiFixtures.artifacts;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.Artifact;
import io.trialgraph.api.v1.ArtifactKey;
import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.ArtifactLink;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.CreateArtifactRequest;
import io.trialgraph.api.v1.GetArtifactRequest;
import io.trialgraph.api.v1.GetLineageDotResponse;
import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageEdge;
import io.trialgraph.api.v1.LineageNode;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * LineageService against a real server and Neo4j, on a small hand-built graph recorded through
 * TrialComponentService. Every expectation below is worked out by hand from this picture
 * (artifacts in lower case with their kind, components in [brackets] with their kind; every
 * arrow is one data-flow edge, one hop; numbers are the edge names used in the constants):
 *
 * <pre>
 *  raw (dataset) ----e1---+                     +--e3--> train (dataset) --e5--+
 *                         +--> [preprocess] ----+                              +--> [train-a] --e7--> model-a (model)
 *  script (code) ----e2---+     (processing)    +--e4--> val (dataset) ---e6---+    (training) --e8--> ckpt (checkpoint)
 *                                                          |                                               |
 *                                                          +---e10---> [finetune-b] <---------e9-----------+ (model-a)
 *                                                                       (training)
 *                                                                          |
 *                                                                          +--e11--> model-b (model) --e12--> [eval-b] --e13--> report (other)
 *                                                                                                          (evaluation)
 * </pre>
 *
 * e1 raw -CONSUMED_BY "raw"-> preprocess; e2 script -CONSUMED_BY "code"-> preprocess;
 * e3 preprocess -PRODUCED "train"-> train; e4 preprocess -PRODUCED "validation"-> val;
 * e5 train -CONSUMED_BY "training"-> train-a; e6 val -CONSUMED_BY "validation"-> train-a;
 * e7 train-a -PRODUCED "model"-> model-a; e8 train-a -PRODUCED "checkpoint"-> ckpt;
 * e9 model-a -CONSUMED_BY "base-model"-> finetune-b; e10 val -CONSUMED_BY "validation"-> finetune-b;
 * e11 finetune-b -PRODUCED "model"-> model-b; e12 model-b -CONSUMED_BY "model"-> eval-b;
 * e13 eval-b -PRODUCED "report"-> report.
 *
 * <p>Some tests add a [recycle] component that consumes model-b and produces raw again
 * (e14 model-b -CONSUMED_BY "teacher"-> recycle, e15 recycle -PRODUCED "distilled"-> raw), which
 * closes the cycle raw -> ... -> model-b -> recycle -> raw.
 */
@TrialGraphTest
class LineageIT {

    private static final String RAW = "s3://lab/data/raw.csv";
    private static final String SCRIPT = "s3://lab/code/preprocess.py";
    private static final String TRAIN = "s3://lab/data/train.csv";
    private static final String VAL = "s3://lab/data/val.csv";
    private static final String MODEL_A = "s3://lab/models/a/model.tar.gz";
    private static final String CKPT = "s3://lab/checkpoints/a/epoch-10.ckpt";
    private static final String MODEL_B = "s3://lab/models/b/model.tar.gz";
    private static final String REPORT = "s3://lab/reports/b/eval.html";
    private static final String MODEL_B_DIGEST = "sha256:0b0b0b";

    private static final String K_RAW = "artifact:" + RAW;
    private static final String K_SCRIPT = "artifact:" + SCRIPT;
    private static final String K_TRAIN = "artifact:" + TRAIN;
    private static final String K_VAL = "artifact:" + VAL;
    private static final String K_MODEL_A = "artifact:" + MODEL_A;
    private static final String K_CKPT = "artifact:" + CKPT;
    private static final String K_MODEL_B = "artifact:" + MODEL_B;
    private static final String K_REPORT = "artifact:" + REPORT;
    private static final String K_PRE = "component:preprocess";
    private static final String K_TRAIN_A = "component:train-a";
    private static final String K_FINETUNE_B = "component:finetune-b";
    private static final String K_EVAL = "component:eval-b";
    private static final String K_RECYCLE = "component:recycle";

    private static final String E1 = edge(K_RAW, "CONSUMED_BY", "raw", K_PRE);
    private static final String E2 = edge(K_SCRIPT, "CONSUMED_BY", "code", K_PRE);
    private static final String E3 = edge(K_PRE, "PRODUCED", "train", K_TRAIN);
    private static final String E4 = edge(K_PRE, "PRODUCED", "validation", K_VAL);
    private static final String E5 = edge(K_TRAIN, "CONSUMED_BY", "training", K_TRAIN_A);
    private static final String E6 = edge(K_VAL, "CONSUMED_BY", "validation", K_TRAIN_A);
    private static final String E7 = edge(K_TRAIN_A, "PRODUCED", "model", K_MODEL_A);
    private static final String E8 = edge(K_TRAIN_A, "PRODUCED", "checkpoint", K_CKPT);
    private static final String E9 = edge(K_MODEL_A, "CONSUMED_BY", "base-model", K_FINETUNE_B);
    private static final String E10 = edge(K_VAL, "CONSUMED_BY", "validation", K_FINETUNE_B);
    private static final String E11 = edge(K_FINETUNE_B, "PRODUCED", "model", K_MODEL_B);
    private static final String E12 = edge(K_MODEL_B, "CONSUMED_BY", "model", K_EVAL);
    private static final String E13 = edge(K_EVAL, "PRODUCED", "report", K_REPORT);
    private static final String E14 = edge(K_MODEL_B, "CONSUMED_BY", "teacher", K_RECYCLE);
    private static final String E15 = edge(K_RECYCLE, "PRODUCED", "distilled", K_RAW);

    /** Upstream from model-b with the default depth: everything that made it. */
    private static final Map<String, Integer> UPSTREAM_OF_MODEL_B = nodes(
            K_MODEL_B, 0,
            K_FINETUNE_B, 1,
            K_MODEL_A, 2, K_VAL, 2,
            K_TRAIN_A, 3, K_PRE, 3,
            K_TRAIN, 4, K_RAW, 4, K_SCRIPT, 4);
    private static final Set<String> UPSTREAM_OF_MODEL_B_EDGES = Set.of(E1, E2, E3, E4, E5, E6, E7, E9, E10, E11);

    private LineageServiceGrpc.LineageServiceBlockingStub lineage;
    private TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components;
    private ArtifactServiceGrpc.ArtifactServiceBlockingStub artifacts;

    @BeforeEach
    void recordTheGraph(TestServer server) {
        lineage = LineageServiceGrpc.newBlockingStub(server.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        components = components(server, 60);
        artifacts = artifacts(server, 60);

        createComponent(components, TrialComponent.newBuilder().setName("preprocess").setKind("processing")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .addInputs(link("raw", RAW, ArtifactKind.ARTIFACT_KIND_DATASET, "raw-data"))
                .addInputs(link("code", SCRIPT, ArtifactKind.ARTIFACT_KIND_CODE, "preprocess-script"))
                .addOutputs(link("train", TRAIN, ArtifactKind.ARTIFACT_KIND_DATASET, "train-split"))
                .addOutputs(link("validation", VAL, ArtifactKind.ARTIFACT_KIND_DATASET, "val-split")));
        createComponent(components, TrialComponent.newBuilder().setName("train-a").setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .addInputs(link("training", TRAIN, ArtifactKind.ARTIFACT_KIND_DATASET, "train-split"))
                .addInputs(link("validation", VAL, ArtifactKind.ARTIFACT_KIND_DATASET, "val-split"))
                .addOutputs(link("model", MODEL_A, ArtifactKind.ARTIFACT_KIND_MODEL, "model-a"))
                .addOutputs(link("checkpoint", CKPT, ArtifactKind.ARTIFACT_KIND_CHECKPOINT, "ckpt-a")));
        createComponent(components, TrialComponent.newBuilder().setName("finetune-b").setKind("training")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                .addInputs(link("base-model", MODEL_A, ArtifactKind.ARTIFACT_KIND_MODEL, "model-a"))
                .addInputs(link("validation", VAL, ArtifactKind.ARTIFACT_KIND_DATASET, "val-split"))
                .addOutputs(ArtifactLink.newBuilder().setName("model").setArtifact(Artifact.newBuilder()
                        .setUri(MODEL_B).setKind(ArtifactKind.ARTIFACT_KIND_MODEL).setName("model-b").setDigest(MODEL_B_DIGEST))));
        createComponent(components, TrialComponent.newBuilder().setName("eval-b").setKind("evaluation")
                .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_IN_PROGRESS)
                .addInputs(link("model", MODEL_B, ArtifactKind.ARTIFACT_KIND_MODEL, "model-b"))
                .addOutputs(link("report", REPORT, ArtifactKind.ARTIFACT_KIND_OTHER, "eval-report")));

        // The graph is the picture: 8 artifacts, 4 components, 13 data-flow edges.
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isEqualTo(8);
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).isEqualTo(4);
        assertThat(server.count("MATCH (:Artifact)-[r:CONSUMED_BY|PRODUCED]-(:TrialComponent) RETURN count(r)")).isEqualTo(13);
    }

    // --- directions ----------------------------------------------------------------------------

    @Test
    void upstreamFromAModelReturnsTheJobsDataAndCodeThatMadeIt() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).build());

        assertSubgraph(answer, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
        assertThat(answer.getHasCycle()).isFalse();
        assertThat(keys(answer)).as("the checkpoint is a sibling, eval and report are downstream")
                .doesNotContain(K_CKPT, K_EVAL, K_REPORT);
    }

    @Test
    void anUnspecifiedDirectionMeansUpstream() {
        GetLineageResponse answer = lineage.getLineage(GetLineageRequest.newBuilder().addStart(uri(MODEL_B)).build());

        assertSubgraph(answer, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
    }

    @Test
    void downstreamFromTheRawDatasetReturnsEverythingBuiltOnIt() {
        GetLineageResponse answer = lineage.getLineage(downstream(uri(RAW)).build());

        assertSubgraph(answer,
                nodes(K_RAW, 0,
                        K_PRE, 1,
                        K_TRAIN, 2, K_VAL, 2,
                        K_TRAIN_A, 3, K_FINETUNE_B, 3,
                        K_MODEL_A, 4, K_CKPT, 4, K_MODEL_B, 4,
                        K_EVAL, 5,
                        K_REPORT, 6),
                Set.of(E1, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13));
        assertThat(answer.getHasCycle()).isFalse();
        assertThat(keys(answer)).as("the script is an input of preprocess, not built on raw").doesNotContain(K_SCRIPT);
    }

    @Test
    void bothWaysFromAJobReturnsItsInputsAncestryAndEverythingItFed() {
        GetLineageResponse answer = lineage.getLineage(request(LineageDirection.LINEAGE_DIRECTION_BOTH, component("train-a")).build());

        assertSubgraph(answer,
                nodes(K_TRAIN_A, 0,
                        K_TRAIN, 1, K_VAL, 1, K_MODEL_A, 1, K_CKPT, 1,
                        K_PRE, 2, K_FINETUNE_B, 2,
                        K_RAW, 3, K_SCRIPT, 3, K_MODEL_B, 3,
                        K_EVAL, 4,
                        K_REPORT, 5),
                Set.of(E1, E2, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13));
        assertThat(answer.getHasCycle()).isFalse();
    }

    @Test
    void bothWaysDoesNotGoUpThenDownToSiblings() {
        GetLineageResponse answer = lineage.getLineage(request(LineageDirection.LINEAGE_DIRECTION_BOTH, uri(MODEL_A)).build());

        assertSubgraph(answer,
                nodes(K_MODEL_A, 0,
                        K_TRAIN_A, 1, K_FINETUNE_B, 1,
                        K_TRAIN, 2, K_VAL, 2, K_MODEL_B, 2,
                        K_PRE, 3, K_EVAL, 3,
                        K_RAW, 4, K_SCRIPT, 4, K_REPORT, 4),
                // e10 (val -> finetune-b) joins two returned nodes, so it is returned although neither walk took it.
                Set.of(E1, E2, E3, E4, E5, E6, E7, E9, E10, E11, E12, E13));
        assertThat(keys(answer)).as("the checkpoint is model-a's sibling (same producer), not its ancestor or descendant")
                .doesNotContain(K_CKPT);
    }

    @Test
    void nodesDescribeTheArtifactOrComponentTheyStandFor() {
        GetLineageResponse answer = lineage.getLineage(request(LineageDirection.LINEAGE_DIRECTION_BOTH, component("finetune-b")).build());
        Map<String, LineageNode> byKey = answer.getNodesList().stream().collect(Collectors.toMap(LineageNode::getKey, Function.identity()));
        String modelBId = artifactId(MODEL_B);

        LineageNode modelB = byKey.get(K_MODEL_B);
        assertThat(modelB).isNotNull();
        assertThat(modelB.getKind()).isEqualTo("model");
        assertThat(modelB.getName()).isEqualTo("model-b");
        assertThat(modelB.getUri()).isEqualTo(MODEL_B);
        assertThat(modelB.getArtifactId()).isEqualTo(modelBId);
        assertThat(modelB.getDigest()).isEqualTo(MODEL_B_DIGEST);
        assertThat(modelB.getStatus()).isEmpty();

        LineageNode job = byKey.get(K_FINETUNE_B);
        assertThat(job).isNotNull();
        assertThat(job.getKind()).isEqualTo("component:training");
        assertThat(job.getName()).isEqualTo("finetune-b");
        assertThat(job.getUri()).isEmpty();
        assertThat(job.getArtifactId()).isEmpty();
        assertThat(job.getDigest()).isEmpty();
        assertThat(job.getStatus()).isEqualTo("Completed");
        assertThat(job.getDepth()).isZero();

        assertThat(byKey.get(K_EVAL).getKind()).isEqualTo("component:evaluation");
        assertThat(byKey.get(K_EVAL).getStatus()).isEqualTo("InProgress");
        assertThat(byKey.get(K_REPORT).getKind()).isEqualTo("other");
        assertThat(byKey.get(K_REPORT).getName()).isEqualTo("eval-report");
        assertThat(byKey.get(K_SCRIPT).getKind()).isEqualTo("code");
        assertThat(byKey.get(K_VAL).getKind()).isEqualTo("dataset");
        assertThat(byKey.get(K_PRE).getKind()).isEqualTo("component:processing");
        assertThat(byKey.get(K_VAL).getDigest()).as("no digest recorded").isEmpty();
        for (LineageNode node : answer.getNodesList()) {
            if (node.getKey().startsWith("artifact:")) {
                assertThat(node.getArtifactId()).as(node.getKey()).isEqualTo(artifactId(node.getUri()));
            }
        }
    }

    // --- depth ---------------------------------------------------------------------------------

    @Test
    void maxDepthOneReturnsOnlyTheDirectNeighbours() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).setMaxDepth(1).build());

        assertSubgraph(answer, nodes(K_MODEL_B, 0, K_FINETUNE_B, 1), Set.of(E11));
    }

    @Test
    void maxDepthTwoReturnsTheJobAndItsInputs() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).setMaxDepth(2).build());

        assertSubgraph(answer, nodes(K_MODEL_B, 0, K_FINETUNE_B, 1, K_MODEL_A, 2, K_VAL, 2), Set.of(E9, E10, E11));
    }

    @Test
    void maxDepthThreeReturnsTheJobsThatMadeThoseInputs() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).setMaxDepth(3).build());

        assertSubgraph(answer,
                nodes(K_MODEL_B, 0, K_FINETUNE_B, 1, K_MODEL_A, 2, K_VAL, 2, K_TRAIN_A, 3, K_PRE, 3),
                // e6 (val -> train-a) joins two returned nodes: it is returned although train-a is at the depth limit.
                Set.of(E4, E6, E7, E9, E10, E11));
        assertThat(keys(answer)).doesNotContain(K_TRAIN, K_RAW, K_SCRIPT);
    }

    @Test
    void maxDepthOneDownstreamFromAJobReturnsItsOutputs() {
        GetLineageResponse answer = lineage.getLineage(downstream(component("train-a")).setMaxDepth(1).build());

        assertSubgraph(answer, nodes(K_TRAIN_A, 0, K_MODEL_A, 1, K_CKPT, 1), Set.of(E7, E8));
    }

    @Test
    void theDefaultDepthIsTenHops() {
        // A separate chain c0 -> [step1] -> c1 -> [step2] -> ... -> [step6] -> c6: c0 is 12 hops upstream of c6.
        for (int i = 1; i <= 6; i++) {
            createComponent(components, TrialComponent.newBuilder().setName("step" + i).setKind("job")
                    .addInputs(link("in", chain(i - 1), ArtifactKind.ARTIFACT_KIND_DATASET, "c" + (i - 1)))
                    .addOutputs(link("out", chain(i), ArtifactKind.ARTIFACT_KIND_DATASET, "c" + i)));
        }
        Map<String, Integer> withinTen = new LinkedHashMap<>();
        for (int i = 6; i >= 1; i--) {
            withinTen.put("artifact:" + chain(i), 2 * (6 - i));
        }
        for (int i = 6; i >= 2; i--) {
            withinTen.put("component:step" + i, 2 * (6 - i) + 1);
        }

        GetLineageResponse byDefault = lineage.getLineage(upstream(uri(chain(6))).build());
        GetLineageResponse zero = lineage.getLineage(upstream(uri(chain(6))).setMaxDepth(0).build());
        GetLineageResponse twelve = lineage.getLineage(upstream(uri(chain(6))).setMaxDepth(12).build());

        assertThat(depths(byDefault)).as("nodes within 10 hops, without step1 (11) and c0 (12)")
                .containsExactlyInAnyOrderEntriesOf(withinTen);
        assertThat(depths(zero)).as("max_depth 0 means 10").containsExactlyInAnyOrderEntriesOf(withinTen);
        assertThat(depths(twelve)).hasSize(13).containsEntry("component:step1", 11).containsEntry("artifact:" + chain(0), 12);
    }

    @Test
    void maxDepthFiftyIsAllowed() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).setMaxDepth(50).build());

        assertSubgraph(answer, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
    }

    // --- filters -------------------------------------------------------------------------------

    @Test
    void includeKindsReturnsOnlyThoseKindsButStillWalksThroughTheOthers() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).addIncludeKinds("dataset").build());

        assertSubgraph(answer,
                // model-b is returned as the start node; the datasets keep their distance through the jobs.
                nodes(K_MODEL_B, 0, K_VAL, 2, K_TRAIN, 4, K_RAW, 4),
                // no two returned nodes are joined by an edge (datasets only touch components)
                Set.of());
    }

    @Test
    void includeKindsSelectsComponentsOfOneKind() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).addIncludeKinds("component:training").build());

        assertSubgraph(answer, nodes(K_MODEL_B, 0, K_FINETUNE_B, 1, K_TRAIN_A, 3), Set.of(E11));
    }

    @Test
    void includeKindsComponentAndArtifactSelectWholeFamilies() {
        GetLineageResponse jobs = lineage.getLineage(downstream(uri(RAW)).addIncludeKinds("component").build());
        GetLineageResponse artifactsOnly = lineage.getLineage(downstream(component("preprocess")).addIncludeKinds("artifact").build());
        GetLineageResponse several = lineage.getLineage(downstream(uri(RAW)).addIncludeKinds("model").addIncludeKinds("checkpoint").build());

        assertSubgraph(jobs, nodes(K_RAW, 0, K_PRE, 1, K_TRAIN_A, 3, K_FINETUNE_B, 3, K_EVAL, 5), Set.of(E1));
        assertSubgraph(artifactsOnly,
                nodes(K_PRE, 0, K_TRAIN, 1, K_VAL, 1, K_MODEL_A, 3, K_CKPT, 3, K_MODEL_B, 3, K_REPORT, 5),
                Set.of(E3, E4));
        assertSubgraph(several, nodes(K_RAW, 0, K_MODEL_A, 4, K_CKPT, 4, K_MODEL_B, 4), Set.of());
    }

    @Test
    void edgeTypesProducedFollowsOnlyProducedEdges() {
        GetLineageResponse upstream = lineage.getLineage(upstream(uri(MODEL_B)).addEdgeTypes("PRODUCED").build());
        GetLineageResponse downstream = lineage.getLineage(downstream(component("preprocess")).addEdgeTypes("PRODUCED").build());

        assertSubgraph(upstream, nodes(K_MODEL_B, 0, K_FINETUNE_B, 1), Set.of(E11));
        assertSubgraph(downstream, nodes(K_PRE, 0, K_TRAIN, 1, K_VAL, 1), Set.of(E3, E4));
    }

    @Test
    void edgeTypesConsumedByFollowsOnlyConsumedByEdges() {
        GetLineageResponse answer = lineage.getLineage(downstream(uri(VAL)).addEdgeTypes("CONSUMED_BY").build());

        assertSubgraph(answer, nodes(K_VAL, 0, K_TRAIN_A, 1, K_FINETUNE_B, 1), Set.of(E6, E10));
    }

    @Test
    void bothEdgeTypesAreTheSameAsNoEdgeFilter() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B))
                .addEdgeTypes("CONSUMED_BY").addEdgeTypes("PRODUCED").build());

        assertSubgraph(answer, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
    }

    @Test
    void stopAtKindsReturnsTheStoppingNodeButDoesNotWalkPastIt() {
        GetLineageResponse answer = lineage.getLineage(upstream(component("eval-b")).addStopAtKinds("model").build());

        assertSubgraph(answer, nodes(K_EVAL, 0, K_MODEL_B, 1), Set.of(E12));
        assertThat(keys(answer)).as("finetune-b made model-b, but the walk stops at models").doesNotContain(K_FINETUNE_B);
    }

    @Test
    void stopAtKindsStillWalksFromTheStartNodes() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).addStopAtKinds("model").build());

        assertSubgraph(answer,
                // model-b is a model but the start; model-a is a model reached on the way: returned, not walked from.
                nodes(K_MODEL_B, 0, K_FINETUNE_B, 1, K_MODEL_A, 2, K_VAL, 2, K_PRE, 3, K_RAW, 4, K_SCRIPT, 4),
                Set.of(E1, E2, E4, E9, E10, E11));
        assertThat(keys(answer)).as("train-a is only reachable through model-a").doesNotContain(K_TRAIN_A, K_TRAIN);
    }

    @Test
    void stopAtAComponentKind() {
        GetLineageResponse answer = lineage.getLineage(downstream(uri(RAW)).addStopAtKinds("component:training").build());

        assertSubgraph(answer,
                nodes(K_RAW, 0, K_PRE, 1, K_TRAIN, 2, K_VAL, 2, K_TRAIN_A, 3, K_FINETUNE_B, 3),
                Set.of(E1, E3, E4, E5, E6, E10));
    }

    // --- node cap and pages --------------------------------------------------------------------

    @Test
    void maxNodesCutsTheAnswerNearestFirstAndPagesContinueIt() {
        GetLineageRequest capped = upstream(uri(MODEL_B)).setMaxNodes(4).build();
        List<String> order = byDepthThenKey(UPSTREAM_OF_MODEL_B);

        List<GetLineageResponse> pages = new ArrayList<>();
        GetLineageResponse page = lineage.getLineage(capped);
        pages.add(page);
        while (!page.getNextPageToken().isEmpty() && pages.size() < 10) {
            page = lineage.getLineage(capped.toBuilder().setPageToken(page.getNextPageToken()).build());
            pages.add(page);
        }

        assertThat(pages).as("9 nodes, 4 a page").hasSize(3);
        assertThat(keys(pages.get(0))).as("the start and the nearest nodes first").containsExactlyElementsOf(order.subList(0, 4));
        assertThat(keys(pages.get(1))).containsExactlyElementsOf(order.subList(4, 8));
        assertThat(keys(pages.get(2))).containsExactlyElementsOf(order.subList(8, 9));
        assertThat(pages.get(0).getTruncated()).isTrue();
        assertThat(pages.get(0).getNextPageToken()).isNotEmpty();
        assertThat(pages.get(1).getTruncated()).isTrue();
        assertThat(pages.get(1).getNextPageToken()).isNotEmpty();
        assertThat(pages.get(2).getTruncated()).isFalse();
        assertThat(pages.get(2).getNextPageToken()).isEmpty();

        Set<String> seenNodes = new HashSet<>();
        Set<String> seenEdges = new HashSet<>();
        Map<String, Integer> allDepths = new LinkedHashMap<>();
        for (int i = 0; i < pages.size(); i++) {
            GetLineageResponse p = pages.get(i);
            Set<String> pageNodes = new HashSet<>(keys(p));
            assertThat(pageNodes).as("page %d repeats no node of earlier pages", i).noneMatch(seenNodes::contains);
            seenNodes.addAll(pageNodes);
            p.getNodesList().forEach(n -> allDepths.put(n.getKey(), n.getDepth()));

            // The edges of a page are those that join its nodes to its own or earlier pages' nodes, each once.
            Set<String> expectedEdges = UPSTREAM_OF_MODEL_B_EDGES.stream()
                    .filter(e -> seenNodes.contains(from(e)) && seenNodes.contains(to(e)))
                    .filter(e -> !seenEdges.contains(e))
                    .collect(Collectors.toSet());
            List<String> pageEdges = edges(p);
            assertThat(pageEdges).as("page %d edges", i).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedEdges);
            for (String e : pageEdges) {
                assertThat(pageNodes.contains(from(e)) || pageNodes.contains(to(e))).as("%s touches page %d", e, i).isTrue();
            }
            assertThat(pageEdges).as("page %d repeats no edge", i).noneMatch(seenEdges::contains);
            seenEdges.addAll(pageEdges);
        }
        assertThat(allDepths).as("the pages together are the uncapped answer").containsExactlyInAnyOrderEntriesOf(UPSTREAM_OF_MODEL_B);
        assertThat(seenEdges).containsExactlyInAnyOrderElementsOf(UPSTREAM_OF_MODEL_B_EDGES);

        // Worked out by hand: the first page holds model-b, finetune-b, val and model-a.
        assertThat(edges(pages.get(0))).containsExactlyInAnyOrder(E9, E10, E11);
        assertThat(edges(pages.get(2))).as("train joins preprocess and train-a of page 2").containsExactlyInAnyOrder(E3, E5);
    }

    @Test
    void anAnswerThatFitsIsNotTruncated() {
        GetLineageResponse exact = lineage.getLineage(upstream(uri(MODEL_B)).setMaxNodes(9).build());
        GetLineageResponse oneShort = lineage.getLineage(upstream(uri(MODEL_B)).setMaxNodes(8).build());
        GetLineageResponse largest = lineage.getLineage(upstream(uri(MODEL_B)).setMaxNodes(10_000).build());

        assertSubgraph(exact, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
        assertSubgraph(largest, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
        assertThat(oneShort.getTruncated()).isTrue();
        assertThat(oneShort.getNextPageToken()).isNotEmpty();
        assertThat(keys(oneShort)).containsExactlyElementsOf(byDepthThenKey(UPSTREAM_OF_MODEL_B).subList(0, 8));
    }

    // --- start nodes ---------------------------------------------------------------------------

    @Test
    void severalStartNodesAllHaveDepthZeroAndOthersTakeTheNearestDistance() {
        GetLineageResponse answer = lineage.getLineage(downstream(uri(RAW)).addStart(uri(MODEL_A)).build());

        assertSubgraph(answer,
                // model-a is also 4 hops below raw, and finetune-b 3 hops: the nearer start wins.
                nodes(K_RAW, 0, K_MODEL_A, 0,
                        K_PRE, 1, K_FINETUNE_B, 1,
                        K_TRAIN, 2, K_VAL, 2, K_MODEL_B, 2,
                        K_TRAIN_A, 3, K_EVAL, 3,
                        K_CKPT, 4, K_REPORT, 4),
                Set.of(E1, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13));
    }

    @Test
    void startNodesMayMixComponentsAndArtifacts() {
        GetLineageResponse answer = lineage.getLineage(upstream(component("eval-b")).addStart(uri(CKPT)).build());

        assertSubgraph(answer,
                // train-a is 1 hop above the checkpoint (4 above eval-b); val 2 above the checkpoint (3 above eval-b).
                nodes(K_EVAL, 0, K_CKPT, 0,
                        K_MODEL_B, 1, K_TRAIN_A, 1,
                        K_FINETUNE_B, 2, K_TRAIN, 2, K_VAL, 2,
                        K_MODEL_A, 3, K_PRE, 3,
                        K_RAW, 4, K_SCRIPT, 4),
                Set.of(E1, E2, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12));
        assertThat(keys(answer)).doesNotContain(K_REPORT);
    }

    @Test
    void aStartNodeReachedFromAnotherStartKeepsDepthZero() {
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).addStart(uri(MODEL_A)).build());

        assertSubgraph(answer,
                nodes(K_MODEL_B, 0, K_MODEL_A, 0,
                        K_FINETUNE_B, 1, K_TRAIN_A, 1,
                        K_VAL, 2, K_TRAIN, 2,
                        K_PRE, 3,
                        K_RAW, 4, K_SCRIPT, 4),
                UPSTREAM_OF_MODEL_B_EDGES);
    }

    @Test
    void anArtifactCanBeNamedByItsId() {
        String id = artifactId(MODEL_B);

        GetLineageResponse byId = lineage.getLineage(upstream(LineageNodeRef.newBuilder().setArtifactId(id).build()).build());
        GetLineageResponse byIdAndUri = lineage.getLineage(upstream(LineageNodeRef.newBuilder().setArtifactId(id).build())
                .addStart(uri(MODEL_B)).build());

        assertSubgraph(byId, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
        assertThat(byId.getNodes(0).getArtifactId()).isEqualTo(id);
        assertSubgraph(byIdAndUri, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
    }

    // --- cycles --------------------------------------------------------------------------------

    @Test
    void aCycleEndsTheWalkWithEveryNodeOnceAndIsReported() {
        recordTheRecycleJob();

        GetLineageResponse upstream = lineage.getLineage(upstream(uri(MODEL_B)).build());
        GetLineageResponse downstream = lineage.getLineage(downstream(uri(RAW)).setMaxDepth(50).build());

        Map<String, Integer> upstreamNodes = new LinkedHashMap<>(UPSTREAM_OF_MODEL_B);
        upstreamNodes.put(K_RECYCLE, 5);
        Set<String> upstreamEdges = new HashSet<>(UPSTREAM_OF_MODEL_B_EDGES);
        upstreamEdges.addAll(Set.of(E14, E15));
        assertSubgraph(upstream, upstreamNodes, upstreamEdges);
        assertThat(upstream.getHasCycle()).isTrue();

        assertSubgraph(downstream,
                nodes(K_RAW, 0,
                        K_PRE, 1,
                        K_TRAIN, 2, K_VAL, 2,
                        K_TRAIN_A, 3, K_FINETUNE_B, 3,
                        K_MODEL_A, 4, K_CKPT, 4, K_MODEL_B, 4,
                        K_EVAL, 5, K_RECYCLE, 5,
                        K_REPORT, 6),
                Set.of(E1, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13, E14, E15));
        assertThat(downstream.getHasCycle()).isTrue();
    }

    @Test
    void aCycleOutsideTheReturnedEdgesIsNotReported() {
        recordTheRecycleJob();

        // Within 4 hops upstream of model-b, recycle (5 hops) is not returned, so the cycle is not closed.
        GetLineageResponse answer = lineage.getLineage(upstream(uri(MODEL_B)).setMaxDepth(4).build());

        assertSubgraph(answer, UPSTREAM_OF_MODEL_B, UPSTREAM_OF_MODEL_B_EDGES);
        assertThat(answer.getHasCycle()).isFalse();
    }

    @Test
    void theAcyclicGraphHasNoCycle() {
        assertThat(lineage.getLineage(upstream(uri(MODEL_B)).build()).getHasCycle()).isFalse();
        assertThat(lineage.getLineage(downstream(uri(RAW)).build()).getHasCycle()).isFalse();
        assertThat(lineage.getLineage(request(LineageDirection.LINEAGE_DIRECTION_BOTH, uri(MODEL_A)).build()).getHasCycle()).isFalse();
    }

    // --- DOT -----------------------------------------------------------------------------------

    @Test
    void dotDrawsTheSameSubgraph() {
        GetLineageResponse answer = lineage.getLineage(downstream(uri(RAW)).build());
        GetLineageDotResponse dot = lineage.getLineageDot(downstream(uri(RAW)).build());

        String text = dot.getDot();
        assertThat(text.strip()).startsWith("digraph").endsWith("}");
        assertThat(dot.getTruncated()).isFalse();
        for (LineageNode node : answer.getNodesList()) {
            assertThat(text).as("DOT mentions %s", node.getKey())
                    .contains(node.getKey().startsWith("artifact:") ? node.getUri() : node.getName());
        }
        assertThat(text).doesNotContain(SCRIPT);
        assertThat(arrowLines(text)).as("one line per edge").isEqualTo(answer.getEdgesCount()).isEqualTo(12);
        assertThat(text).as("components are boxes").contains("box");
        assertThat(text).as("the start node is bold").contains("bold");
    }

    @Test
    void dotOfACappedSubgraphSaysSo() {
        GetLineageDotResponse dot = lineage.getLineageDot(upstream(uri(MODEL_B)).setMaxNodes(4).build());

        assertThat(dot.getTruncated()).isTrue();
        assertThat(dot.getDot().strip()).startsWith("digraph");
        assertThat(dot.getDot()).contains(MODEL_B, "finetune-b", VAL, MODEL_A).doesNotContain(TRAIN, RAW, SCRIPT, "train-a");
        assertThat(arrowLines(dot.getDot())).as("e9, e10, e11").isEqualTo(3);
    }

    // --- errors --------------------------------------------------------------------------------

    @Test
    void noStartNodeIsInvalid() {
        StatusRuntimeException e = failure(() -> lineage.getLineage(GetLineageRequest.newBuilder()
                .setDirection(LineageDirection.LINEAGE_DIRECTION_UPSTREAM).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("start: ");

        StatusRuntimeException dot = failure(() -> lineage.getLineageDot(GetLineageRequest.newBuilder().build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(dot.getStatus().getDescription()).startsWith("start: ");
    }

    @Test
    void moreThanAHundredStartNodesAreInvalid() {
        GetLineageRequest.Builder hundred = GetLineageRequest.newBuilder().setDirection(LineageDirection.LINEAGE_DIRECTION_UPSTREAM);
        for (int i = 0; i < 101; i++) {
            String uri = "s3://lab/many/" + i;
            artifacts.createArtifact(CreateArtifactRequest.newBuilder()
                    .setArtifact(Artifact.newBuilder().setUri(uri).setKind(ArtifactKind.ARTIFACT_KIND_DATASET)).build());
            if (i < 100) {
                hundred.addStart(uri(uri));
            }
        }
        GetLineageResponse answer = lineage.getLineage(hundred.build());
        assertThat(answer.getNodesCount()).as("100 unlinked start nodes are allowed").isEqualTo(100);
        assertThat(answer.getNodesList()).allSatisfy(node -> assertThat(node.getDepth()).isZero());

        StatusRuntimeException e = failure(() -> lineage.getLineage(hundred.addStart(uri("s3://lab/many/100")).build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("start: ");
    }

    @Test
    void aStartRefWithNothingSetIsInvalid() {
        StatusRuntimeException e = failure(() -> lineage.getLineage(upstream(uri(MODEL_B))
                .addStart(LineageNodeRef.getDefaultInstance()).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("start[1]");
    }

    @Test
    void maxDepthOutsideOneToFiftyIsInvalid() {
        for (int depth : List.of(-1, 51)) {
            StatusRuntimeException e = failure(() -> lineage.getLineage(upstream(uri(MODEL_B)).setMaxDepth(depth).build()),
                    Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).as("max_depth %d", depth).startsWith("max_depth: ");
        }
    }

    @Test
    void maxNodesAboveTenThousandIsInvalid() {
        StatusRuntimeException e = failure(() -> lineage.getLineage(upstream(uri(MODEL_B)).setMaxNodes(10_001).build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("max_nodes: ");
    }

    @Test
    void unknownNodeKindsAreInvalid() {
        StatusRuntimeException include = failure(() -> lineage.getLineage(upstream(uri(MODEL_B)).addIncludeKinds("banana").build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(include.getStatus().getDescription()).startsWith("include_kinds[0]").contains("banana");

        StatusRuntimeException stop = failure(() -> lineage.getLineage(upstream(uri(MODEL_B))
                .addStopAtKinds("model").addStopAtKinds("banana").build()), Status.Code.INVALID_ARGUMENT);
        assertThat(stop.getStatus().getDescription()).startsWith("stop_at_kinds[1]").contains("banana");
    }

    @Test
    void unknownEdgeTypesAreInvalid() {
        StatusRuntimeException e = failure(() -> lineage.getLineage(upstream(uri(MODEL_B)).addEdgeTypes("KNOWS").build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("edge_types[0]").contains("KNOWS");
    }

    @Test
    void aGarbagePageTokenIsInvalid() {
        StatusRuntimeException e = failure(() -> lineage.getLineage(upstream(uri(MODEL_B)).setPageToken("not-a-token").build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("page_token: ");
    }

    @Test
    void anUnknownStartArtifactIsNotFound() {
        String missing = "s3://lab/models/never-trained/model.tar.gz";
        StatusRuntimeException e = failure(() -> lineage.getLineage(upstream(uri(MODEL_B)).addStart(uri(missing)).build()),
                Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains(missing);

        StatusRuntimeException dot = failure(() -> lineage.getLineageDot(upstream(uri(missing)).build()), Status.Code.NOT_FOUND);
        assertThat(dot.getStatus().getDescription()).contains(missing);
    }

    @Test
    void anUnknownStartArtifactIdIsNotFound() {
        String missing = UUID.randomUUID().toString();
        StatusRuntimeException e = failure(() -> lineage.getLineage(upstream(LineageNodeRef.newBuilder().setArtifactId(missing).build())
                .build()), Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains(missing);
    }

    @Test
    void anUnknownStartComponentIsNotFound() {
        StatusRuntimeException e = failure(() -> lineage.getLineage(downstream(component("train-z")).build()), Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("train-z");
    }

    // --- helpers -------------------------------------------------------------------------------

    private void recordTheRecycleJob() {
        createComponent(components, TrialComponent.newBuilder().setName("recycle").setKind("processing")
                .addInputs(link("teacher", MODEL_B, ArtifactKind.ARTIFACT_KIND_MODEL, "model-b"))
                .addOutputs(link("distilled", RAW, ArtifactKind.ARTIFACT_KIND_DATASET, "raw-data")));
    }

    private String artifactId(String uri) {
        return artifacts.getArtifact(GetArtifactRequest.newBuilder().setKey(ArtifactKey.newBuilder().setUri(uri)).build())
                .getArtifact().getId();
    }

    /**
     * Asserts the whole answer: exactly these nodes at these depths, each once, by depth then
     * key; exactly these edges, each once; not truncated.
     */
    private static void assertSubgraph(GetLineageResponse answer, Map<String, Integer> expectedNodes, Set<String> expectedEdges) {
        assertThat(keys(answer)).as("each node once").doesNotHaveDuplicates();
        assertThat(depths(answer)).as("nodes and their depths").containsExactlyInAnyOrderEntriesOf(expectedNodes);
        assertThat(keys(answer)).as("nearest first, then by key").containsExactlyElementsOf(byDepthThenKey(expectedNodes));
        assertThat(edges(answer)).as("each edge once").doesNotHaveDuplicates();
        assertThat(edges(answer)).as("edges").containsExactlyInAnyOrderElementsOf(expectedEdges);
        assertThat(answer.getTruncated()).as("truncated").isFalse();
        assertThat(answer.getNextPageToken()).as("next_page_token").isEmpty();
    }

    private static List<String> byDepthThenKey(Map<String, Integer> nodes) {
        return nodes.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
                .map(Map.Entry::getKey)
                .toList();
    }

    private static List<String> keys(GetLineageResponse answer) {
        return answer.getNodesList().stream().map(LineageNode::getKey).toList();
    }

    private static Map<String, Integer> depths(GetLineageResponse answer) {
        Map<String, Integer> depths = new LinkedHashMap<>();
        answer.getNodesList().forEach(node -> depths.put(node.getKey(), node.getDepth()));
        return depths;
    }

    private static List<String> edges(GetLineageResponse answer) {
        return answer.getEdgesList().stream().map(LineageIT::edge).toList();
    }

    private static String edge(LineageEdge edge) {
        return edge(edge.getFromKey(), edge.getType(), edge.getName(), edge.getToKey());
    }

    private static String edge(String from, String type, String name, String to) {
        return from + " -[" + type + " " + name + "]-> " + to;
    }

    private static String from(String edge) {
        return edge.substring(0, edge.indexOf(" -["));
    }

    private static String to(String edge) {
        return edge.substring(edge.indexOf("]-> ") + 4);
    }

    private static long arrowLines(String dot) {
        return dot.lines().filter(line -> line.contains("->")).count();
    }

    private static Map<String, Integer> nodes(Object... keysAndDepths) {
        Map<String, Integer> nodes = new LinkedHashMap<>();
        IntStream.iterate(0, i -> i < keysAndDepths.length, i -> i + 2)
                .forEach(i -> nodes.put((String) keysAndDepths[i], (Integer) keysAndDepths[i + 1]));
        assertThat(nodes).as("expected nodes are distinct").hasSize(keysAndDepths.length / 2);
        return nodes;
    }

    private static String chain(int i) {
        return "s3://lab/chain/c" + i;
    }

    private static ArtifactLink link(String name, String uri, ArtifactKind kind, String artifactName) {
        return ArtifactLink.newBuilder().setName(name)
                .setArtifact(Artifact.newBuilder().setUri(uri).setKind(kind).setName(artifactName)).build();
    }

    private static LineageNodeRef uri(String uri) {
        return LineageNodeRef.newBuilder().setArtifactUri(uri).build();
    }

    private static LineageNodeRef component(String name) {
        return LineageNodeRef.newBuilder().setTrialComponentName(name).build();
    }

    private static GetLineageRequest.Builder upstream(LineageNodeRef start) {
        return request(LineageDirection.LINEAGE_DIRECTION_UPSTREAM, start);
    }

    private static GetLineageRequest.Builder downstream(LineageNodeRef start) {
        return request(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM, start);
    }

    private static GetLineageRequest.Builder request(LineageDirection direction, LineageNodeRef start) {
        return GetLineageRequest.newBuilder().setDirection(direction).addStart(start);
    }
}
