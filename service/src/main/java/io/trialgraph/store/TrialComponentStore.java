package io.trialgraph.store;

import static io.trialgraph.store.GraphValues.META;
import static io.trialgraph.store.GraphValues.PARAM;

import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.ArtifactLink;
import io.trialgraph.domain.ComponentStatus;
import io.trialgraph.domain.ComponentTimes;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.TrialComponent;
import io.trialgraph.domain.Updates.ComponentUpdate;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Trial components in the graph: {@code (:TrialComponent)-[:PART_OF]->(:Trial)}, their
 * parameters and metadata (prefixed properties) and their lineage edges
 * {@code (:Artifact)-[:CONSUMED_BY]->(:TrialComponent)-[:PRODUCED]->(:Artifact)}. All Cypher
 * about components is here.
 */
@Singleton
public class TrialComponentStore {

    private static final String PROJECTION = """
            RETURN c {.*} AS c,
                   [(c)-[:PART_OF]->(t:Trial) | t.name] AS trials,
                   [(a:Artifact)-[r:CONSUMED_BY]->(c) | {name: r.name, artifact: a {.*}}] AS inputs,
                   [(c)-[r:PRODUCED]->(a:Artifact) | {name: r.name, artifact: a {.*}}] AS outputs""";

    private static final String FIND = "MATCH (c:TrialComponent {name: $name})\n" + PROJECTION;

    private static final String CREATE = """
            CREATE (c:TrialComponent {name: $name, displayName: $displayName, kind: $kind, status: $status,
                                      statusMessage: $statusMessage, startTime: $startTime, endTime: $endTime,
                                      createdAt: $now, updatedAt: $now})
            SET c += $properties""";

    private static final String ASSOCIATE_ALL = """
            MATCH (c:TrialComponent {name: $name})
            UNWIND $trials AS trial
            MATCH (t:Trial {name: trial})
            MERGE (c)-[:PART_OF]->(t)""";

    private static final String LINK_INPUTS = """
            MATCH (c:TrialComponent {name: $name})
            UNWIND $links AS link
            MATCH (a:Artifact {uri: link.uri})
            MERGE (a)-[r:CONSUMED_BY {name: link.name}]->(c)
            WITH collect(r) AS edges
            %s""".formatted(LineageKeys.keep("edges", "CONSUMED_BY"));

    private static final String LINK_OUTPUTS = """
            MATCH (c:TrialComponent {name: $name})
            UNWIND $links AS link
            MATCH (a:Artifact {uri: link.uri})
            MERGE (c)-[r:PRODUCED {name: link.name}]->(a)
            WITH collect(r) AS edges
            %s""".formatted(LineageKeys.keep("edges", "PRODUCED"));

    private static final String UNLINK_INPUTS = """
            MATCH (c:TrialComponent {name: $name})
            UNWIND $links AS link
            MATCH (a:Artifact {uri: link.uri})-[r:CONSUMED_BY {name: link.name}]->(c)
            SET %s
            DELETE r
            RETURN count(r) AS removed""".formatted(LineageKeys.forget("r", "a", "c", "CONSUMED_BY"));

    private static final String UNLINK_OUTPUTS = """
            MATCH (c:TrialComponent {name: $name})
            UNWIND $links AS link
            MATCH (c)-[r:PRODUCED {name: link.name}]->(a:Artifact {uri: link.uri})
            SET %s
            DELETE r
            RETURN count(r) AS removed""".formatted(LineageKeys.forget("r", "c", "a", "PRODUCED"));

    private static final String SET_PROPERTIES = """
            MATCH (c:TrialComponent {name: $name})
            SET c += $changes, c.updatedAt = $now
            RETURN c {.*} AS c""";

    private static final String EXISTS =
            "MATCH (c:TrialComponent {name: $name}) RETURN c.startTime AS start, c.endTime AS end";

    private static final String TRIAL_EXISTS = "MATCH (t:Trial {name: $trial}) RETURN count(t) > 0 AS exists";

    private static final String EXPERIMENT_EXISTS =
            "MATCH (e:Experiment {name: $experiment}) RETURN count(e) > 0 AS exists";

    private static final String ASSOCIATE = """
            MATCH (c:TrialComponent {name: $name}), (t:Trial {name: $trial})
            OPTIONAL MATCH (c)-[existing:PART_OF]->(t)
            WITH c, t, existing IS NULL AS created
            MERGE (c)-[:PART_OF]->(t)
            RETURN created""";

    private static final String DISASSOCIATE = """
            MATCH (:TrialComponent {name: $name})-[r:PART_OF]->(:Trial {name: $trial})
            DELETE r
            RETURN count(r) AS removed""";

    private static final String ARTIFACTS_OF = """
            MATCH (c:TrialComponent)-[:CONSUMED_BY|PRODUCED]-(a:Artifact)
            WHERE c.name IN $names
            RETURN collect(DISTINCT a.uri) AS uris, count(*) AS links""";

    private static final String DELETE_METRICS = """
            MATCH (c:TrialComponent)-[:HAS_METRIC]->(m:Metric)
            WHERE c.name IN $names
            OPTIONAL MATCH (m)-[:HAS_CHUNK]->(chunk)
            DETACH DELETE chunk, m""";

    private static final String DELETE_COMPONENTS = """
            MATCH (c:TrialComponent) WHERE c.name IN $names
            CALL (c) {
              OPTIONAL MATCH (c)-[:HAS_STATS]->(stats:MetricStats)
              DETACH DELETE stats
            }
            CALL (c) {
              MATCH (a:Artifact)-[r:CONSUMED_BY]->(c)
              SET %s
            }
            CALL (c) {
              MATCH (c)-[r:PRODUCED]->(a:Artifact)
              SET %s
            }
            DETACH DELETE c
            RETURN count(c) AS deleted""".formatted(
                    LineageKeys.forget("r", "a", "c", "CONSUMED_BY"), LineageKeys.forget("r", "c", "a", "PRODUCED"));

    private static final String DELETE_UNUSED_ARTIFACTS = """
            MATCH (a:Artifact) WHERE a.uri IN $uris AND NOT EXISTS { (a)-[:CONSUMED_BY|PRODUCED]-(:TrialComponent) }
            DETACH DELETE a
            RETURN count(a) AS deleted""";

    private final Neo4jConnection neo4j;
    private final ArtifactStore artifacts;

    TrialComponentStore(Neo4jConnection neo4j, ArtifactStore artifacts) {
        this.neo4j = neo4j;
        this.artifacts = artifacts;
    }

    /**
     * Records the component with its parameters, metadata, artifacts and trial associations in
     * one transaction.
     *
     * @throws AlreadyExistsException when the name is taken
     * @throws NotFoundException when a named trial does not exist
     */
    public TrialComponent create(TrialComponent component) {
        Instant now = Instant.now();
        ComponentTimes times = ComponentTimes.resolve(
                null, null, component.status(), component.startTime(), component.endTime(), now, "trial_component");
        Map<String, Object> properties = GraphValues.changes(PARAM, List.of(), component.parameters());
        properties.putAll(GraphValues.changes(META, List.of(), component.metadata()));
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("name", component.name());
        parameters.put("displayName", component.displayName());
        parameters.put("kind", component.kind());
        parameters.put(
                "status", component.status() == null ? null : component.status().graphValue());
        parameters.put("statusMessage", component.statusMessage());
        parameters.put("startTime", GraphValues.time(times.start()));
        parameters.put("endTime", GraphValues.time(times.end()));
        parameters.put("properties", properties);
        parameters.put("now", GraphValues.time(now));
        try {
            return neo4j.write(tx -> {
                requireTrials(tx, component.trialNames());
                tx.run(CREATE, parameters).consume();
                if (!component.trialNames().isEmpty()) {
                    tx.run(ASSOCIATE_ALL, Map.of("name", component.name(), "trials", component.trialNames()))
                            .consume();
                }
                link(tx, component.name(), component.inputs(), component.outputs(), now);
                return find(tx, component.name()).orElseThrow();
            });
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("trial component", component.name());
            }
            throw e;
        }
    }

    public Optional<TrialComponent> find(String name) {
        return neo4j.read(tx -> find(tx, name));
    }

    private Optional<TrialComponent> find(TransactionContext tx, String name) {
        return tx.run(FIND, Map.of("name", name)).list().stream().findFirst().map(TrialComponentStore::toComponent);
    }

    /**
     * Components named after {@code after}, in name order, at most {@code limit}, matching every
     * filter that is not empty.
     *
     * @throws NotFoundException when the named trial or experiment does not exist
     */
    public List<TrialComponent> list(
            String trial, String experiment, String kind, ComponentStatus status, String after, int limit) {
        // The query starts where the fewest components are: at the trial, else the experiment.
        StringBuilder query = new StringBuilder();
        if (!trial.isEmpty()) {
            query.append("MATCH (:Trial {name: $trial})<-[:PART_OF]-(c:TrialComponent)\n");
            if (!experiment.isEmpty()) {
                query.append(
                        "WHERE EXISTS { (c)-[:PART_OF]->(:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $experiment}) }\n");
            }
        } else if (!experiment.isEmpty()) {
            query.append(
                    "MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(:Trial)<-[:PART_OF]-(c:TrialComponent)\n");
        } else {
            query.append("MATCH (c:TrialComponent)\n");
        }
        query.append("WITH DISTINCT c WHERE c.name > $after");
        if (!kind.isEmpty()) {
            query.append(" AND c.kind = $kind");
        }
        if (status != null) {
            query.append(" AND c.status = $status");
        }
        query.append("\nWITH c ORDER BY c.name LIMIT $limit\n").append(PROJECTION);
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("trial", trial);
        parameters.put("experiment", experiment);
        parameters.put("kind", kind);
        parameters.put("status", status == null ? null : status.graphValue());
        parameters.put("after", after);
        parameters.put("limit", limit);
        return neo4j.read(tx -> {
            if (!trial.isEmpty()
                    && !tx.run(TRIAL_EXISTS, Map.of("trial", trial))
                            .single()
                            .get("exists")
                            .asBoolean()) {
                throw new NotFoundException("trial", trial);
            }
            if (!experiment.isEmpty()
                    && !tx.run(EXPERIMENT_EXISTS, Map.of("experiment", experiment))
                            .single()
                            .get("exists")
                            .asBoolean()) {
                throw new NotFoundException("experiment", experiment);
            }
            return tx.run(query.toString(), parameters).list(TrialComponentStore::toComponent);
        });
    }

    /**
     * @return the changed component, empty when there is none of that name
     * @throws io.trialgraph.domain.InvalidArgumentException when the end would precede the start
     */
    public Optional<TrialComponent> update(ComponentUpdate update) {
        Instant now = Instant.now();
        return neo4j.write(tx -> {
            List<Record> found = tx.run(EXISTS, Map.of("name", update.name())).list();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Record stored = found.get(0);
            ComponentTimes times = ComponentTimes.resolve(
                    GraphValues.instant(stored.get("start")),
                    GraphValues.instant(stored.get("end")),
                    update.status(),
                    update.startTime(),
                    update.endTime(),
                    now,
                    "");
            Map<String, Object> changes = GraphValues.changes(META, update.removeMetadata(), update.setMetadata());
            update.displayName().ifPresent(value -> changes.put("displayName", value));
            update.statusMessage().ifPresent(value -> changes.put("statusMessage", value));
            if (update.status() != null) {
                changes.put("status", update.status().graphValue());
            }
            changes.put("startTime", GraphValues.time(times.start()));
            changes.put("endTime", GraphValues.time(times.end()));
            tx.run(SET_PROPERTIES, Map.of("name", update.name(), "changes", changes, "now", GraphValues.time(now)))
                    .consume();
            return find(tx, update.name());
        });
    }

    /**
     * Sets and removes parameters.
     *
     * @return all parameters after the change, empty when there is no component of that name
     */
    public Optional<Map<String, Object>> logParameters(
            String name, Map<String, Object> parameters, Collection<String> removals) {
        Map<String, Object> changes = GraphValues.changes(PARAM, removals, parameters);
        return neo4j.write(tx -> tx
                .run(SET_PROPERTIES, Map.of("name", name, "changes", changes, "now", GraphValues.time(Instant.now())))
                .list()
                .stream()
                .findFirst()
                .map(record -> GraphValues.entries(PARAM, record.get("c").asMap())));
    }

    /**
     * @return true when the association is new, false when it existed
     * @throws NotFoundException when the component or the trial does not exist
     */
    public boolean associate(String name, String trial) {
        return neo4j.write(tx -> {
            requireComponentAndTrial(tx, name, trial);
            return tx.run(ASSOCIATE, Map.of("name", name, "trial", trial))
                    .single()
                    .get("created")
                    .asBoolean();
        });
    }

    /**
     * @return true when an association was removed
     * @throws NotFoundException when the component or the trial does not exist
     */
    public boolean disassociate(String name, String trial) {
        return neo4j.write(tx -> {
            requireComponentAndTrial(tx, name, trial);
            return tx.run(DISASSOCIATE, Map.of("name", name, "trial", trial))
                            .single()
                            .get("removed")
                            .asLong()
                    > 0;
        });
    }

    /**
     * Links inputs and outputs, creating unknown artifacts.
     *
     * @return the component after the change
     * @throws NotFoundException when the component does not exist
     */
    public TrialComponent link(String name, List<ArtifactLink> inputs, List<ArtifactLink> outputs) {
        Instant now = Instant.now();
        return neo4j.write(tx -> {
            requireComponent(tx, name);
            link(tx, name, inputs, outputs, now);
            tx.run(SET_PROPERTIES, Map.of("name", name, "changes", Map.of(), "now", GraphValues.time(now)))
                    .consume();
            return find(tx, name).orElseThrow();
        });
    }

    /**
     * Removes input and output links; the artifacts stay.
     *
     * @return how many links were removed
     * @throws NotFoundException when the component does not exist
     */
    public long unlink(String name, List<ArtifactLink> inputs, List<ArtifactLink> outputs) {
        return neo4j.write(tx -> {
            requireComponent(tx, name);
            long removed = 0;
            if (!inputs.isEmpty()) {
                removed += tx.run(UNLINK_INPUTS, Map.of("name", name, "links", linkRows(inputs)))
                        .single()
                        .get("removed")
                        .asLong();
            }
            if (!outputs.isEmpty()) {
                removed += tx.run(UNLINK_OUTPUTS, Map.of("name", name, "links", linkRows(outputs)))
                        .single()
                        .get("removed")
                        .asLong();
            }
            return removed;
        });
    }

    /**
     * Deletes the component with its associations, metrics and lineage edges, and the artifacts
     * no other component uses.
     *
     * @return what was deleted, empty when there is no component of that name
     */
    public Optional<Deleted> delete(String name) {
        return neo4j.write(tx -> {
            Deleted deleted = deleteAll(tx, List.of(name));
            return deleted.components() == 0 ? Optional.<Deleted>empty() : Optional.of(deleted);
        });
    }

    /**
     * Deletes the named components inside the caller's transaction (see {@link #delete}); used by
     * the cascades of trials and experiments.
     */
    Deleted deleteAll(TransactionContext tx, List<String> names) {
        if (names.isEmpty()) {
            return new Deleted(0, 0, 0, 0);
        }
        Record linked = tx.run(ARTIFACTS_OF, Map.of("names", names)).single();
        List<String> candidates = linked.get("uris").asList(Value::asString);
        tx.run(DELETE_METRICS, Map.of("names", names)).consume();
        long components = tx.run(DELETE_COMPONENTS, Map.of("names", names))
                .single()
                .get("deleted")
                .asLong();
        long artifactsDeleted = candidates.isEmpty()
                ? 0
                : tx.run(DELETE_UNUSED_ARTIFACTS, Map.of("uris", candidates))
                        .single()
                        .get("deleted")
                        .asLong();
        return new Deleted(0, components, artifactsDeleted, linked.get("links").asLong());
    }

    private void link(
            TransactionContext tx, String name, List<ArtifactLink> inputs, List<ArtifactLink> outputs, Instant now) {
        if (inputs.isEmpty() && outputs.isEmpty()) {
            return;
        }
        List<Artifact> described = Stream.concat(inputs.stream(), outputs.stream())
                .map(ArtifactLink::artifact)
                .toList();
        artifacts.upsert(tx, described, now);
        if (!inputs.isEmpty()) {
            tx.run(LINK_INPUTS, Map.of("name", name, "links", linkRows(inputs))).consume();
        }
        if (!outputs.isEmpty()) {
            tx.run(LINK_OUTPUTS, Map.of("name", name, "links", linkRows(outputs)))
                    .consume();
        }
    }

    private static List<Map<String, Object>> linkRows(List<ArtifactLink> links) {
        List<Map<String, Object>> rows = new ArrayList<>();
        links.forEach(link ->
                rows.add(Map.of("name", link.name(), "uri", link.artifact().uri())));
        return rows;
    }

    private static void requireTrials(TransactionContext tx, List<String> trials) {
        if (trials.isEmpty()) {
            return;
        }
        Existence.requireAll(tx, Existence.Named.TRIAL, trials);
    }

    private static void requireComponent(TransactionContext tx, String name) {
        if (tx.run(EXISTS, Map.of("name", name)).list().isEmpty()) {
            throw new NotFoundException("trial component", name);
        }
    }

    private static void requireComponentAndTrial(TransactionContext tx, String name, String trial) {
        requireComponent(tx, name);
        if (!tx.run(TRIAL_EXISTS, Map.of("trial", trial)).single().get("exists").asBoolean()) {
            throw new NotFoundException("trial", trial);
        }
    }

    private static TrialComponent toComponent(Record record) {
        Map<String, Object> c = record.get("c").asMap();
        Comparator<ArtifactLink> byNameThenUri = Comparator.comparing(ArtifactLink::name)
                .thenComparing(link -> link.artifact().uri());
        return new TrialComponent(
                GraphValues.string(c, "name"),
                GraphValues.string(c, "displayName"),
                GraphValues.string(c, "kind"),
                ComponentStatus.fromGraph((String) c.get("status")),
                GraphValues.string(c, "statusMessage"),
                GraphValues.instant(c.get("startTime")),
                GraphValues.instant(c.get("endTime")),
                GraphValues.entries(PARAM, c),
                GraphValues.stringEntries(META, c),
                record.get("inputs").asList(TrialComponentStore::toLink).stream()
                        .sorted(byNameThenUri)
                        .toList(),
                record.get("outputs").asList(TrialComponentStore::toLink).stream()
                        .sorted(byNameThenUri)
                        .toList(),
                record.get("trials").asList(Value::asString).stream().sorted().toList(),
                GraphValues.instant(c.get("createdAt")),
                GraphValues.instant(c.get("updatedAt")));
    }

    private static ArtifactLink toLink(Value value) {
        return new ArtifactLink(
                value.get("name").asString(""),
                ArtifactStore.toArtifact(value.get("artifact").asMap()));
    }
}
