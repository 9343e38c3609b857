package io.trialgraph.store;

import static io.trialgraph.store.GraphValues.TAG;

import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.Experiment;
import io.trialgraph.domain.ExperimentActivity;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.domain.Updates.ExperimentUpdate;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.exceptions.Neo4jException;

/** Experiments in the graph: {@code (:Experiment)}. All Cypher about experiments is here. */
@Singleton
public class ExperimentStore {

    private static final String PROJECTION = """
            RETURN e {.*} AS e, COUNT { (:Trial)-[:IN_EXPERIMENT]->(e) } AS trialCount""";

    private static final String CREATE = """
            CREATE (e:Experiment {name: $name, displayName: $displayName, description: $description,
                                  createdAt: $now, updatedAt: $now})
            SET e += $tags
            """ + PROJECTION;

    private static final String FIND = "MATCH (e:Experiment {name: $name})\n" + PROJECTION;

    private static final String LIST = """
            MATCH (e:Experiment)
            WHERE e.name > $after AND e.name STARTS WITH $prefix
              AND all(key IN keys($tags) WHERE e['tag.' + key] = $tags[key])
            WITH e ORDER BY e.name LIMIT $limit
            """ + PROJECTION;

    private static final String UPDATE = """
            MATCH (e:Experiment {name: $name})
            SET e += $changes, e.updatedAt = $now
            """ + PROJECTION;

    private static final String COUNT_TRIALS = """
            MATCH (e:Experiment {name: $name})
            RETURN COUNT { (:Trial)-[:IN_EXPERIMENT]->(e) } AS trials""";

    /** Components of this experiment's trials that belong to no trial of another experiment. */
    private static final String COMPONENTS_ONLY_HERE = """
            MATCH (c:TrialComponent)-[:PART_OF]->(:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $name})
            WITH DISTINCT c
            WHERE NOT EXISTS { (c)-[:PART_OF]->(:Trial)-[:IN_EXPERIMENT]->(other:Experiment) WHERE other.name <> $name }
            RETURN collect(c.name) AS names""";

    private static final String DELETE_TRIALS_AND_EXPERIMENT = """
            MATCH (e:Experiment {name: $name})
            OPTIONAL MATCH (t:Trial)-[:IN_EXPERIMENT]->(e)
            DETACH DELETE t
            WITH e, count(t) AS trials
            DETACH DELETE e
            RETURN trials""";

    /** Per experiment: its components once each, those with a status, the running ones, the latest change. */
    private static final String ACTIVITY = """
            UNWIND $names AS name
            MATCH (e:Experiment {name: name})
            OPTIONAL MATCH (c:TrialComponent)-[:PART_OF]->(:Trial)-[:IN_EXPERIMENT]->(e)
            WITH e, collect(DISTINCT c) AS components
            CALL (components) {
              UNWIND components AS c
              OPTIONAL MATCH (c)-[:HAS_METRIC]->(m:Metric)
              RETURN max(m.lastTimestamp) AS lastPoint, max(c.updatedAt) AS lastChange
            }
            RETURN e.name AS name, size(components) AS components,
                   size([c IN components WHERE c.status IS NOT NULL]) AS jobs,
                   size([c IN components WHERE c.status = 'InProgress']) AS running,
                   e.updatedAt AS updated, lastChange, lastPoint""";

    private final Neo4jConnection neo4j;
    private final TrialComponentStore components;

    ExperimentStore(Neo4jConnection neo4j, TrialComponentStore components) {
        this.neo4j = neo4j;
        this.components = components;
    }

    /** @throws AlreadyExistsException when the name is taken */
    public Experiment create(Experiment experiment) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("name", experiment.name());
        parameters.put("displayName", experiment.displayName());
        parameters.put("description", experiment.description());
        parameters.put("tags", GraphValues.changes(TAG, List.of(), experiment.tags()));
        parameters.put("now", GraphValues.time(Instant.now()));
        try {
            return neo4j.write(tx -> toExperiment(tx.run(CREATE, parameters).single()));
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("experiment", experiment.name());
            }
            throw e;
        }
    }

    public Optional<Experiment> find(String name) {
        return neo4j.read(tx ->
                tx.run(FIND, Map.of("name", name)).list().stream().findFirst().map(ExperimentStore::toExperiment));
    }

    /** Experiments named after {@code after}, in name order, at most {@code limit}. */
    public List<Experiment> list(String prefix, Map<String, String> tags, String after, int limit) {
        return neo4j.read(tx -> tx.run(LIST, Map.of("prefix", prefix, "tags", tags, "after", after, "limit", limit))
                .list(ExperimentStore::toExperiment));
    }

    /** @return the changed experiment, empty when there is none of that name */
    public Optional<Experiment> update(ExperimentUpdate update) {
        Map<String, Object> changes = GraphValues.changes(TAG, update.removeTags(), update.setTags());
        update.displayName().ifPresent(value -> changes.put("displayName", value));
        update.description().ifPresent(value -> changes.put("description", value));
        Map<String, Object> parameters =
                Map.of("name", update.name(), "changes", changes, "now", GraphValues.time(Instant.now()));
        return neo4j.write(
                tx -> tx.run(UPDATE, parameters).list().stream().findFirst().map(ExperimentStore::toExperiment));
    }

    /**
     * Deletes the experiment; with {@code cascade} also its trials, the components only they
     * hold and the artifacts only those components used.
     *
     * @return what was deleted, empty when there is no experiment of that name
     * @throws FailedPreconditionException when it has trials and {@code cascade} is false
     */
    public Optional<Deleted> delete(String name, boolean cascade) {
        return neo4j.write(tx -> {
            List<Record> found = tx.run(COUNT_TRIALS, Map.of("name", name)).list();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            long trials = found.get(0).get("trials").asLong();
            if (trials > 0 && !cascade) {
                throw new FailedPreconditionException("experiment '" + name + "' still has " + trials
                        + " trial(s); delete them first or set cascade to delete them with it");
            }
            List<String> doomed = tx.run(COMPONENTS_ONLY_HERE, Map.of("name", name))
                    .single()
                    .get("names")
                    .asList(value -> value.asString());
            Deleted removed = components.deleteAll(tx, doomed);
            long deletedTrials = tx.run(DELETE_TRIALS_AND_EXPERIMENT, Map.of("name", name))
                    .single()
                    .get("trials")
                    .asLong();
            return Optional.of(new Deleted(deletedTrials, removed.components(), removed.artifacts(), removed.links()));
        });
    }

    /** @return the activity of each named experiment that exists, in the order given */
    public List<ExperimentActivity> activity(List<String> names) {
        return neo4j.read(tx -> tx.run(ACTIVITY, Map.of("names", names)).list(record -> {
            Instant last = GraphValues.instant(record.get("updated"));
            Instant change = GraphValues.instant(record.get("lastChange"));
            if (change != null && (last == null || change.isAfter(last))) {
                last = change;
            }
            if (!record.get("lastPoint").isNull()) {
                Instant point = Instant.ofEpochMilli(record.get("lastPoint").asLong());
                if (last == null || point.isAfter(last)) {
                    last = point;
                }
            }
            return new ExperimentActivity(
                    record.get("name").asString(),
                    record.get("components").asLong(),
                    record.get("jobs").asLong(),
                    record.get("running").asLong(),
                    last);
        }));
    }

    private static Experiment toExperiment(Record record) {
        Map<String, Object> e = record.get("e").asMap();
        return new Experiment(
                GraphValues.string(e, "name"),
                GraphValues.string(e, "displayName"),
                GraphValues.string(e, "description"),
                GraphValues.stringEntries(TAG, e),
                GraphValues.instant(e.get("createdAt")),
                GraphValues.instant(e.get("updatedAt")),
                record.get("trialCount").asLong());
    }
}
