package io.trialgraph.store;

import static io.trialgraph.store.GraphValues.META;

import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.ArtifactKind;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.Updates.ArtifactKey;
import io.trialgraph.domain.Updates.ArtifactUpdate;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.rules.Quote;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Artifacts in the graph: {@code (:Artifact:Dataset|:Model|:Code|:Checkpoint {uri, id, kind, ...})}.
 * All Cypher about artifact nodes is here; the lineage edges to components are written by
 * {@link TrialComponentStore}.
 */
@Singleton
public class ArtifactStore {

    /** Gives each artifact the label of its kind; kinds are fixed words, so no label comes from input. */
    private static final String LABEL_BY_KIND = """
            MATCH (a:Artifact) WHERE a.uri IN $uris
            FOREACH (_ IN CASE WHEN a.kind = 'dataset' THEN [1] ELSE [] END | SET a:Dataset)
            FOREACH (_ IN CASE WHEN a.kind = 'model' THEN [1] ELSE [] END | SET a:Model)
            FOREACH (_ IN CASE WHEN a.kind = 'code' THEN [1] ELSE [] END | SET a:Code)
            FOREACH (_ IN CASE WHEN a.kind = 'checkpoint' THEN [1] ELSE [] END | SET a:Checkpoint)""";

    private static final String CREATE = """
            CREATE (a:Artifact {id: randomUUID(), uri: $uri, kind: $kind, createdAt: $now, updatedAt: $now})
            SET a += $properties""";

    /** Artifacts whose stored kind contradicts the one a description gives (other can become anything). */
    private static final String KIND_CONFLICTS = """
            UNWIND $descriptions AS d
            MATCH (a:Artifact {uri: d.uri})
            WHERE d.kind IS NOT NULL AND a.kind <> 'other' AND a.kind <> d.kind
            RETURN a.uri AS uri, a.kind AS stored, d.kind AS requested LIMIT 1""";

    private static final String UPSERT = """
            UNWIND $descriptions AS d
            MERGE (a:Artifact {uri: d.uri})
              ON CREATE SET a.id = randomUUID(), a.kind = coalesce(d.kind, 'other'), a.createdAt = $now, a.updatedAt = $now
            WITH a, d
            SET a += d.properties,
                a.kind = CASE WHEN d.kind IS NOT NULL THEN d.kind ELSE a.kind END,
                a.updatedAt = CASE WHEN size(keys(d.properties)) > 0 OR (d.kind IS NOT NULL AND d.kind <> a.kind)
                                   THEN $now ELSE a.updatedAt END""";

    private static final String FIND_BY_URI = "MATCH (a:Artifact {uri: $uri}) RETURN a {.*} AS a";
    private static final String FIND_BY_ID = "MATCH (a:Artifact {id: $id}) RETURN a {.*} AS a";

    private static final String LIST = """
            MATCH (a:Artifact)
            WHERE a.uri > $after AND a.uri STARTS WITH $prefix AND ($kind IS NULL OR a.kind = $kind)
            RETURN a {.*} AS a ORDER BY a.uri LIMIT $limit""";

    private static final String UPDATE = """
            MATCH (a:Artifact {uri: $uri})
            SET a += $changes, a.updatedAt = $now""";

    private static final String COUNT_LINKS = """
            MATCH (a:Artifact {uri: $uri})
            RETURN COUNT { (a)-[:CONSUMED_BY|PRODUCED]-(:TrialComponent) } AS links""";

    private static final String DELETE = "MATCH (a:Artifact {uri: $uri}) DETACH DELETE a";

    private final Neo4jConnection neo4j;

    ArtifactStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /** @throws AlreadyExistsException when an artifact has this URI */
    public Artifact create(Artifact artifact) {
        ArtifactKind kind = artifact.kind() == null ? ArtifactKind.OTHER : artifact.kind();
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("uri", artifact.uri());
        parameters.put("kind", kind.graphValue());
        parameters.put("properties", describedProperties(artifact));
        parameters.put("now", GraphValues.time(Instant.now()));
        try {
            return neo4j.write(tx -> {
                tx.run(CREATE, parameters).consume();
                tx.run(LABEL_BY_KIND, Map.of("uris", List.of(artifact.uri()))).consume();
                return find(tx, ArtifactKey.ofUri(artifact.uri())).orElseThrow();
            });
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("artifact", artifact.uri());
            }
            throw e;
        }
    }

    public Optional<Artifact> find(ArtifactKey key) {
        return neo4j.read(tx -> find(tx, key));
    }

    Optional<Artifact> find(TransactionContext tx, ArtifactKey key) {
        List<Record> rows = key.uri() != null
                ? tx.run(FIND_BY_URI, Map.of("uri", key.uri())).list()
                : tx.run(FIND_BY_ID, Map.of("id", key.id())).list();
        return rows.stream()
                .findFirst()
                .map(record -> toArtifact(record.get("a").asMap()));
    }

    /** Artifacts with a URI after {@code after}, in URI order, at most {@code limit}. */
    public List<Artifact> list(ArtifactKind kind, String uriPrefix, String after, int limit) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("kind", kind == null ? null : kind.graphValue());
        parameters.put("prefix", uriPrefix);
        parameters.put("after", after);
        parameters.put("limit", limit);
        return neo4j.read(tx -> tx.run(LIST, parameters)
                .list(record -> toArtifact(record.get("a").asMap())));
    }

    /**
     * @return the changed artifact, empty when there is none with that key
     * @throws FailedPreconditionException when the kind would change from one specific kind to another
     */
    public Optional<Artifact> update(ArtifactUpdate update) {
        return neo4j.write(tx -> {
            Optional<Artifact> found = find(tx, update.key());
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Artifact current = found.get();
            Map<String, Object> changes = GraphValues.changes(META, update.removeMetadata(), update.setMetadata());
            if (update.kind() != null && update.kind() != current.kind()) {
                if (current.kind() != ArtifactKind.OTHER) {
                    throw kindConflict(
                            current.uri(),
                            current.kind().graphValue(),
                            update.kind().graphValue());
                }
                changes.put("kind", update.kind().graphValue());
            }
            update.name().ifPresent(value -> changes.put("name", value));
            update.digest().ifPresent(value -> changes.put("digest", value));
            update.mediaType().ifPresent(value -> changes.put("mediaType", value));
            update.sizeBytes().ifPresent(value -> changes.put("sizeBytes", value));
            tx.run(UPDATE, Map.of("uri", current.uri(), "changes", changes, "now", GraphValues.time(Instant.now())))
                    .consume();
            tx.run(LABEL_BY_KIND, Map.of("uris", List.of(current.uri()))).consume();
            return find(tx, ArtifactKey.ofUri(current.uri()));
        });
    }

    /**
     * Deletes the artifact; with {@code cascade} also its lineage edges.
     *
     * @return the number of lineage edges removed, empty when there is no such artifact
     * @throws FailedPreconditionException when it is linked and {@code cascade} is false
     */
    public Optional<Long> delete(ArtifactKey key, boolean cascade) {
        return neo4j.write(tx -> {
            Optional<Artifact> found = find(tx, key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            String uri = found.get().uri();
            long links = tx.run(COUNT_LINKS, Map.of("uri", uri))
                    .single()
                    .get("links")
                    .asLong();
            if (links > 0 && !cascade) {
                throw new FailedPreconditionException("artifact " + Quote.of(uri) + " is consumed or produced by "
                        + links + " trial component link(s); unlink it first or set cascade");
            }
            tx.run(DELETE, Map.of("uri", uri)).consume();
            return Optional.of(links);
        });
    }

    /**
     * Creates the described artifacts that do not exist and describes the existing ones further,
     * inside the caller's transaction. Descriptions of the same URI must agree on the kind.
     *
     * @throws FailedPreconditionException when a description contradicts a stored kind
     */
    void upsert(TransactionContext tx, Collection<Artifact> descriptions, Instant now) {
        if (descriptions.isEmpty()) {
            return;
        }
        Map<String, Map<String, Object>> byUri = new LinkedHashMap<>();
        for (Artifact artifact : descriptions) {
            Map<String, Object> description = byUri.computeIfAbsent(artifact.uri(), uri -> {
                Map<String, Object> d = new HashMap<>();
                d.put("uri", uri);
                d.put("kind", null);
                d.put("properties", new HashMap<String, Object>());
                return d;
            });
            if (artifact.kind() != null) {
                description.put("kind", artifact.kind().graphValue());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) description.get("properties");
            properties.putAll(describedProperties(artifact));
        }
        List<Map<String, Object>> rows = new ArrayList<>(byUri.values());
        List<Record> conflicts =
                tx.run(KIND_CONFLICTS, Map.of("descriptions", rows)).list();
        if (!conflicts.isEmpty()) {
            Record conflict = conflicts.get(0);
            throw kindConflict(
                    conflict.get("uri").asString(),
                    conflict.get("stored").asString(),
                    conflict.get("requested").asString());
        }
        tx.run(UPSERT, Map.of("descriptions", rows, "now", GraphValues.time(now)))
                .consume();
        tx.run(LABEL_BY_KIND, Map.of("uris", new ArrayList<>(byUri.keySet()))).consume();
    }

    private static FailedPreconditionException kindConflict(String uri, String stored, String requested) {
        return new FailedPreconditionException("artifact " + Quote.of(uri) + " is a " + stored
                + " artifact; it cannot become a " + requested + " artifact (use another URI, or delete it first)");
    }

    /** The descriptive properties a request gave: empty strings and a zero size are "not given". */
    private static Map<String, Object> describedProperties(Artifact artifact) {
        Map<String, Object> properties = GraphValues.changes(META, List.of(), artifact.metadata());
        if (!artifact.name().isEmpty()) {
            properties.put("name", artifact.name());
        }
        if (!artifact.digest().isEmpty()) {
            properties.put("digest", artifact.digest());
        }
        if (!artifact.mediaType().isEmpty()) {
            properties.put("mediaType", artifact.mediaType());
        }
        if (artifact.sizeBytes() > 0) {
            properties.put("sizeBytes", artifact.sizeBytes());
        }
        return properties;
    }

    static Artifact toArtifact(Map<String, Object> a) {
        return new Artifact(
                GraphValues.string(a, "id"),
                GraphValues.string(a, "uri"),
                ArtifactKind.fromGraph(GraphValues.string(a, "kind")),
                GraphValues.string(a, "name"),
                GraphValues.string(a, "digest"),
                GraphValues.string(a, "mediaType"),
                GraphValues.number(a, "sizeBytes"),
                GraphValues.stringEntries(META, a),
                GraphValues.instant(a.get("createdAt")),
                GraphValues.instant(a.get("updatedAt")));
    }
}
