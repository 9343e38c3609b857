package io.trialgraph.graph;

import static io.trialgraph.testing.ApiFixtures.artifacts;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.failure;
import static io.trialgraph.testing.ApiFixtures.instant;
import static io.trialgraph.testing.ApiFixtures.link;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.api.v1.Artifact;
import io.trialgraph.api.v1.ArtifactKey;
import io.trialgraph.api.v1.ArtifactKind;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.CreateArtifactRequest;
import io.trialgraph.api.v1.DeleteArtifactRequest;
import io.trialgraph.api.v1.GetArtifactRequest;
import io.trialgraph.api.v1.GetTrialComponentRequest;
import io.trialgraph.api.v1.ListArtifactsRequest;
import io.trialgraph.api.v1.ListArtifactsResponse;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.UpdateArtifactRequest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neo4j.driver.Record;

/** ArtifactService against a real server and Neo4j: the answers and the graph they leave. */
@TrialGraphTest
class ArtifactServiceIT {

    private TestServer server;
    private ArtifactServiceGrpc.ArtifactServiceBlockingStub artifacts;
    private TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components;

    @BeforeEach
    void stubs(TestServer server) {
        this.server = server;
        artifacts = artifacts(server, 60);
        components = components(server, 60);
    }

    @Test
    void createStoresTheDescriptionWithAnIdAndKindLabel() {
        Instant before = Instant.now().minusSeconds(1);
        Artifact created = artifacts.createArtifact(CreateArtifactRequest.newBuilder().setArtifact(Artifact.newBuilder()
                .setId("ignored-by-the-server")
                .setUri("s3://bucket/cifar10/train.tfrecords")
                .setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                .setName("cifar10-train")
                .setDigest("sha256:9f86d08")
                .setMediaType("application/x-tfrecord")
                .setSizeBytes(123_456_789L)
                .putMetadata("split", "train")).build()).getArtifact();

        assertThat(created.getId()).isNotEqualTo("ignored-by-the-server");
        assertThat(UUID.fromString(created.getId())).as("a UUID").isNotNull();
        assertThat(created.getUri()).isEqualTo("s3://bucket/cifar10/train.tfrecords");
        assertThat(created.getKind()).isEqualTo(ArtifactKind.ARTIFACT_KIND_DATASET);
        assertThat(created.getName()).isEqualTo("cifar10-train");
        assertThat(created.getDigest()).isEqualTo("sha256:9f86d08");
        assertThat(created.getMediaType()).isEqualTo("application/x-tfrecord");
        assertThat(created.getSizeBytes()).isEqualTo(123_456_789L);
        assertThat(created.getMetadataMap()).containsExactlyEntriesOf(Map.of("split", "train"));
        assertThat(instant(created.getCreateTime())).isAfter(before).isBefore(Instant.now().plusSeconds(1));

        Record node = server.single("""
                MATCH (a:Artifact {uri: 's3://bucket/cifar10/train.tfrecords'})
                RETURN a.id AS id, a.kind AS kind, labels(a) AS labels, a.name AS name, a.digest AS digest,
                       a.mediaType AS mediaType, a.sizeBytes AS sizeBytes, a.`meta.split` AS split""");
        assertThat(node.get("id").asString()).isEqualTo(created.getId());
        assertThat(node.get("kind").asString()).isEqualTo("dataset");
        assertThat(node.get("labels").asList(v -> v.asString())).containsExactlyInAnyOrder("Artifact", "Dataset");
        assertThat(node.get("name").asString()).isEqualTo("cifar10-train");
        assertThat(node.get("digest").asString()).isEqualTo("sha256:9f86d08");
        assertThat(node.get("mediaType").asString()).isEqualTo("application/x-tfrecord");
        assertThat(node.get("sizeBytes").asLong()).isEqualTo(123_456_789L);
        assertThat(node.get("split").asString()).isEqualTo("train");
    }

    @Test
    void anArtifactWithoutKindIsOtherWithNoKindLabel() {
        Artifact created = create("https://example.org/notes.txt", ArtifactKind.ARTIFACT_KIND_UNSPECIFIED);
        assertThat(created.getKind()).isEqualTo(ArtifactKind.ARTIFACT_KIND_OTHER);
        Record node = server.single("MATCH (a:Artifact {uri: 'https://example.org/notes.txt'}) RETURN a.kind AS kind, labels(a) AS labels");
        assertThat(node.get("kind").asString()).isEqualTo("other");
        assertThat(node.get("labels").asList(v -> v.asString())).containsExactly("Artifact");
    }

    @Test
    void eachKindGetsItsLabel() {
        create("s3://b/model", ArtifactKind.ARTIFACT_KIND_MODEL);
        create("file:///src/train.py", ArtifactKind.ARTIFACT_KIND_CODE);
        create("s3://b/ckpt-1", ArtifactKind.ARTIFACT_KIND_CHECKPOINT);
        assertThat(server.count("MATCH (a:Artifact:Model {kind: 'model'}) RETURN count(a)")).isOne();
        assertThat(server.count("MATCH (a:Artifact:Code {kind: 'code'}) RETURN count(a)")).isOne();
        assertThat(server.count("MATCH (a:Artifact:Checkpoint {kind: 'checkpoint'}) RETURN count(a)")).isOne();
    }

    @Test
    void theSameUriIsAlreadyExistsAndTheFirstIsKept() {
        create("s3://bucket/data", ArtifactKind.ARTIFACT_KIND_DATASET);
        StatusRuntimeException e = failure(() -> create("s3://bucket/data", ArtifactKind.ARTIFACT_KIND_MODEL), Status.Code.ALREADY_EXISTS);
        assertThat(e.getStatus().getDescription()).contains("s3://bucket/data");
        assertThat(server.count("MATCH (a:Artifact {uri: 's3://bucket/data'}) RETURN count(a)")).isOne();
        assertThat(server.count("MATCH (a:Model) RETURN count(a)")).isZero();
    }

    @Test
    void getFindsTheSameArtifactByUriAndById() {
        Artifact created = create("s3://bucket/model.tar.gz", ArtifactKind.ARTIFACT_KIND_MODEL);
        Artifact byUri = get(ArtifactKey.newBuilder().setUri("s3://bucket/model.tar.gz").build());
        Artifact byId = get(ArtifactKey.newBuilder().setId(created.getId()).build());
        assertThat(byUri).isEqualTo(created);
        assertThat(byId).isEqualTo(created);

        StatusRuntimeException unknownUri = failure(() -> get(ArtifactKey.newBuilder().setUri("s3://bucket/missing").build()),
                Status.Code.NOT_FOUND);
        assertThat(unknownUri.getStatus().getDescription()).contains("s3://bucket/missing");
        String unknownId = UUID.randomUUID().toString();
        StatusRuntimeException byUnknownId = failure(() -> get(ArtifactKey.newBuilder().setId(unknownId).build()), Status.Code.NOT_FOUND);
        assertThat(byUnknownId.getStatus().getDescription()).contains(unknownId);

        failure(() -> get(ArtifactKey.getDefaultInstance()), Status.Code.INVALID_ARGUMENT);
        failure(() -> artifacts.getArtifact(GetArtifactRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT);
        failure(() -> get(ArtifactKey.newBuilder().setUri("not a uri").build()), Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void listFiltersByKindAndUriPrefixAndPagesInUriOrder() {
        for (String uri : List.of("s3://bucket/data/d4", "s3://bucket/data/d2", "s3://bucket/data/d5", "s3://bucket/data/d1",
                "s3://bucket/data/d3")) {
            create(uri, ArtifactKind.ARTIFACT_KIND_DATASET);
        }
        create("s3://bucket/models/m2", ArtifactKind.ARTIFACT_KIND_MODEL);
        create("s3://bucket/models/m1", ArtifactKind.ARTIFACT_KIND_MODEL);
        create("file:///src/train.py", ArtifactKind.ARTIFACT_KIND_CODE);
        create("s3://other-bucket/data/x", ArtifactKind.ARTIFACT_KIND_DATASET);

        List<List<String>> pages = new ArrayList<>();
        String token = "";
        do {
            ListArtifactsResponse page = artifacts.listArtifacts(ListArtifactsRequest.newBuilder()
                    .setKind(ArtifactKind.ARTIFACT_KIND_DATASET).setUriPrefix("s3://bucket/").setPageSize(2).setPageToken(token).build());
            pages.add(page.getArtifactsList().stream().map(Artifact::getUri).toList());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pages.size() < 10);
        assertThat(pages).containsExactly(
                List.of("s3://bucket/data/d1", "s3://bucket/data/d2"),
                List.of("s3://bucket/data/d3", "s3://bucket/data/d4"),
                List.of("s3://bucket/data/d5"));

        assertThat(uris(ListArtifactsRequest.newBuilder().setUriPrefix("s3://bucket/").build())).hasSize(7);
        assertThat(uris(ListArtifactsRequest.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_MODEL).build()))
                .containsExactly("s3://bucket/models/m1", "s3://bucket/models/m2");
        assertThat(uris(ListArtifactsRequest.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_DATASET).build())).hasSize(6);
        assertThat(uris(ListArtifactsRequest.newBuilder().setKind(ArtifactKind.ARTIFACT_KIND_CODE).setUriPrefix("s3://").build())).isEmpty();
        assertThat(uris(ListArtifactsRequest.getDefaultInstance()))
                .as("all, in URI order").hasSize(9).startsWith("file:///src/train.py").endsWith("s3://other-bucket/data/x");
    }

    @Test
    void listRefusesBadPaging() {
        StatusRuntimeException negative = failure(() -> artifacts.listArtifacts(ListArtifactsRequest.newBuilder().setPageSize(-1).build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(negative.getStatus().getDescription()).startsWith("page_size: ");
        StatusRuntimeException large = failure(() -> artifacts.listArtifacts(ListArtifactsRequest.newBuilder().setPageSize(1001).build()),
                Status.Code.INVALID_ARGUMENT);
        assertThat(large.getStatus().getDescription()).startsWith("page_size: ");
        StatusRuntimeException token = failure(() -> artifacts.listArtifacts(ListArtifactsRequest.newBuilder()
                .setPageToken("%%% not a page token %%%").build()), Status.Code.INVALID_ARGUMENT);
        assertThat(token.getStatus().getDescription()).startsWith("page_token: ");
    }

    @Test
    void updateMayGiveAnOtherArtifactAKindButNotChangeAKind() {
        Artifact created = create("s3://bucket/thing", ArtifactKind.ARTIFACT_KIND_OTHER);

        Artifact dataset = artifacts.updateArtifact(UpdateArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri("s3://bucket/thing"))
                .setKind(ArtifactKind.ARTIFACT_KIND_DATASET)
                .setName("thing")
                .setSizeBytes(42)
                .putSetMetadata("split", "test")
                .build()).getArtifact();
        assertThat(dataset.getKind()).isEqualTo(ArtifactKind.ARTIFACT_KIND_DATASET);
        assertThat(dataset.getId()).isEqualTo(created.getId());
        assertThat(dataset.getName()).isEqualTo("thing");
        assertThat(dataset.getSizeBytes()).isEqualTo(42);
        assertThat(dataset.getMetadataMap()).containsExactlyEntriesOf(Map.of("split", "test"));
        Record node = server.single("MATCH (a:Artifact {uri: 's3://bucket/thing'}) RETURN a.kind AS kind, labels(a) AS labels");
        assertThat(node.get("kind").asString()).isEqualTo("dataset");
        assertThat(node.get("labels").asList(v -> v.asString())).containsExactlyInAnyOrder("Artifact", "Dataset");

        StatusRuntimeException e = failure(() -> artifacts.updateArtifact(UpdateArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setId(created.getId()))
                .setKind(ArtifactKind.ARTIFACT_KIND_MODEL)
                .setName("renamed")
                .build()), Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).containsAnyOf("s3://bucket/thing", created.getId());
        Record after = server.single("MATCH (a:Artifact {uri: 's3://bucket/thing'}) RETURN a.kind AS kind, labels(a) AS labels, a.name AS name");
        assertThat(after.get("kind").asString()).isEqualTo("dataset");
        assertThat(after.get("labels").asList(v -> v.asString())).doesNotContain("Model");
        assertThat(after.get("name").asString()).as("a refused update changes nothing").isEqualTo("thing");
    }

    @Test
    void updateChangesOnlyTheFieldsGivenAndRefusesBadValues() {
        artifacts.createArtifact(CreateArtifactRequest.newBuilder().setArtifact(Artifact.newBuilder()
                .setUri("s3://bucket/model").setKind(ArtifactKind.ARTIFACT_KIND_MODEL).setName("model").setDigest("sha256:old")
                .setMediaType("application/gzip").putMetadata("keep", "k").putMetadata("drop", "d")).build());

        Artifact updated = artifacts.updateArtifact(UpdateArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri("s3://bucket/model"))
                .setDigest("sha256:new").addRemoveMetadata("drop").putSetMetadata("added", "a").build()).getArtifact();
        assertThat(updated.getKind()).isEqualTo(ArtifactKind.ARTIFACT_KIND_MODEL);
        assertThat(updated.getName()).isEqualTo("model");
        assertThat(updated.getMediaType()).isEqualTo("application/gzip");
        assertThat(updated.getDigest()).isEqualTo("sha256:new");
        assertThat(updated.getMetadataMap()).containsExactlyInAnyOrderEntriesOf(Map.of("keep", "k", "added", "a"));

        StatusRuntimeException negative = failure(() -> artifacts.updateArtifact(UpdateArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri("s3://bucket/model")).setSizeBytes(-1).build()), Status.Code.INVALID_ARGUMENT);
        assertThat(negative.getStatus().getDescription()).startsWith("size_bytes: ");

        StatusRuntimeException unknown = failure(() -> artifacts.updateArtifact(UpdateArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri("s3://bucket/nothing")).setName("x").build()), Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("s3://bucket/nothing");
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isOne();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "no-scheme/path", "bucket/data.csv", "s3://bucket/with space", "s3://bucket/with\ttab", " s3://bucket/leading"})
    void badUrisAreInvalidAndNothingIsWritten(String uri) {
        StatusRuntimeException e = failure(() -> create(uri, ArtifactKind.ARTIFACT_KIND_DATASET), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("artifact.uri: ");
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isZero();
    }

    @Test
    void aTooLongUriIsInvalid() {
        String uri = "s3://bucket/" + "x".repeat(2048);
        StatusRuntimeException e = failure(() -> create(uri, ArtifactKind.ARTIFACT_KIND_DATASET), Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("artifact.uri: ");
    }

    @Test
    void deletingAnUnlinkedArtifactRemovesIt() {
        Artifact created = create("s3://bucket/lonely", ArtifactKind.ARTIFACT_KIND_DATASET);
        assertThat(artifacts.deleteArtifact(DeleteArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setId(created.getId())).build()).getDeletedLinks()).isZero();
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isZero();
        StatusRuntimeException again = failure(() -> artifacts.deleteArtifact(DeleteArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri("s3://bucket/lonely")).build()), Status.Code.NOT_FOUND);
        assertThat(again.getStatus().getDescription()).contains("s3://bucket/lonely");
    }

    @Test
    void aLinkedArtifactIsDeletedOnlyWithCascadeAndTheComponentsStay() {
        createComponent(components, TrialComponent.newBuilder()
                .setName("producer").addOutputs(link("train", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_DATASET)));
        createComponent(components, TrialComponent.newBuilder()
                .setName("consumer").addInputs(link("training", "s3://bucket/train", ArtifactKind.ARTIFACT_KIND_DATASET)));

        StatusRuntimeException refused = failure(() -> artifacts.deleteArtifact(DeleteArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri("s3://bucket/train")).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getStatus().getDescription()).contains("s3://bucket/train");
        assertThat(server.count("MATCH (a:Artifact {uri: 's3://bucket/train'}) RETURN count(a)")).isOne();
        assertThat(server.count("MATCH ()-[r:CONSUMED_BY|PRODUCED]-() RETURN count(DISTINCT r)")).isEqualTo(2);

        long deletedLinks = artifacts.deleteArtifact(DeleteArtifactRequest.newBuilder()
                .setKey(ArtifactKey.newBuilder().setUri("s3://bucket/train")).setCascade(true).build()).getDeletedLinks();

        assertThat(deletedLinks).isEqualTo(2);
        assertThat(server.count("MATCH (a:Artifact) RETURN count(a)")).isZero();
        assertThat(server.count("MATCH (c:TrialComponent) RETURN count(c)")).as("the components stay").isEqualTo(2);
        assertThat(components.getTrialComponent(GetTrialComponentRequest.newBuilder().setName("consumer").build())
                .getTrialComponent().getInputsList()).isEmpty();
        assertThat(components.getTrialComponent(GetTrialComponentRequest.newBuilder().setName("producer").build())
                .getTrialComponent().getOutputsList()).isEmpty();
    }

    // --- helpers -------------------------------------------------------------------------------

    private Artifact create(String uri, ArtifactKind kind) {
        return artifacts.createArtifact(CreateArtifactRequest.newBuilder()
                .setArtifact(Artifact.newBuilder().setUri(uri).setKind(kind)).build()).getArtifact();
    }

    private Artifact get(ArtifactKey key) {
        return artifacts.getArtifact(GetArtifactRequest.newBuilder().setKey(key).build()).getArtifact();
    }

    private List<String> uris(ListArtifactsRequest request) {
        return artifacts.listArtifacts(request).getArtifactsList().stream().map(Artifact::getUri).toList();
    }
}
