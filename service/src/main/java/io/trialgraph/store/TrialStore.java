package io.trialgraph.store;

import static io.trialgraph.store.GraphValues.TAG;

import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Trial;
import io.trialgraph.domain.Updates.Deleted;
import io.trialgraph.domain.Updates.TrialUpdate;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.exceptions.Neo4jException;

/** Trials in the graph: {@code (:Trial)-[:IN_EXPERIMENT]->(:Experiment)}. All Cypher about trials is here. */
@Singleton
public class TrialStore {

    private static final String PROJECTION = """
            RETURN t {.*} AS t, e.name AS experimentName, COUNT { (:TrialComponent)-[:PART_OF]->(t) } AS componentCount""";

    private static final String CREATE = """
            MATCH (e:Experiment {name: $experiment})
            CREATE (t:Trial {name: $name, displayName: $displayName, createdAt: $now, updatedAt: $now})-[:IN_EXPERIMENT]->(e)
            SET t += $tags
            """ + PROJECTION;

    private static final String FIND = "MATCH (t:Trial {name: $name})-[:IN_EXPERIMENT]->(e:Experiment)\n" + PROJECTION;

    private static final String EXPERIMENT_EXISTS = "MATCH (e:Experiment {name: $experiment}) RETURN count(e) > 0 AS exists";

    private static final String LIST_IN_EXPERIMENT = """
            MATCH (t:Trial)-[:IN_EXPERIMENT]->(e:Experiment {name: $experiment})
            WHERE t.name > $after
            WITH t, e ORDER BY t.name LIMIT $limit
            """ + PROJECTION;

    private static final String LIST_ALL = """
            MATCH (t:Trial)-[:IN_EXPERIMENT]->(e:Experiment)
            WHERE t.name > $after
            WITH t, e ORDER BY t.name LIMIT $limit
            """ + PROJECTION;

    private static final String UPDATE = """
            MATCH (t:Trial {name: $name})-[:IN_EXPERIMENT]->(e:Experiment)
            SET t += $changes, t.updatedAt = $now
            """ + PROJECTION;

    private static final String COUNT_COMPONENTS = """
            MATCH (t:Trial {name: $name})
            RETURN COUNT { (:TrialComponent)-[:PART_OF]->(t) } AS components""";

    /** Components of this trial that belong to no other trial. */
    private static final String COMPONENTS_ONLY_HERE = """
            MATCH (c:TrialComponent)-[:PART_OF]->(:Trial {name: $name})
            WHERE NOT EXISTS { (c)-[:PART_OF]->(other:Trial) WHERE other.name <> $name }
            RETURN collect(c.name) AS names""";

    private static final String DELETE = "MATCH (t:Trial {name: $name}) DETACH DELETE t";

    private final Neo4jConnection neo4j;
    private final TrialComponentStore components;

    TrialStore(Neo4jConnection neo4j, TrialComponentStore components) {
        this.neo4j = neo4j;
        this.components = components;
    }

    /**
     * @throws NotFoundException when the experiment does not exist
     * @throws AlreadyExistsException when the trial name is taken
     */
    public Trial create(Trial trial) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("name", trial.name());
        parameters.put("experiment", trial.experimentName());
        parameters.put("displayName", trial.displayName());
        parameters.put("tags", GraphValues.changes(TAG, List.of(), trial.tags()));
        parameters.put("now", GraphValues.time(Instant.now()));
        try {
            return neo4j.write(tx -> tx.run(CREATE, parameters).list().stream().findFirst().map(TrialStore::toTrial)
                    .orElseThrow(() -> new NotFoundException("experiment", trial.experimentName())));
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("trial", trial.name());
            }
            throw e;
        }
    }

    public Optional<Trial> find(String name) {
        return neo4j.read(tx -> tx.run(FIND, Map.of("name", name)).list().stream().findFirst().map(TrialStore::toTrial));
    }

    /**
     * Trials named after {@code after}, in name order, at most {@code limit}; of one experiment
     * when {@code experiment} is not empty.
     *
     * @throws NotFoundException when the experiment does not exist
     */
    public List<Trial> list(String experiment, String after, int limit) {
        return neo4j.read(tx -> {
            if (experiment.isEmpty()) {
                return tx.run(LIST_ALL, Map.of("after", after, "limit", limit)).list(TrialStore::toTrial);
            }
            if (!tx.run(EXPERIMENT_EXISTS, Map.of("experiment", experiment)).single().get("exists").asBoolean()) {
                throw new NotFoundException("experiment", experiment);
            }
            return tx.run(LIST_IN_EXPERIMENT, Map.of("experiment", experiment, "after", after, "limit", limit))
                    .list(TrialStore::toTrial);
        });
    }

    /** @return the changed trial, empty when there is none of that name */
    public Optional<Trial> update(TrialUpdate update) {
        Map<String, Object> changes = GraphValues.changes(TAG, update.removeTags(), update.setTags());
        update.displayName().ifPresent(value -> changes.put("displayName", value));
        Map<String, Object> parameters = Map.of("name", update.name(), "changes", changes, "now", GraphValues.time(Instant.now()));
        return neo4j.write(tx -> tx.run(UPDATE, parameters).list().stream().findFirst().map(TrialStore::toTrial));
    }

    /**
     * Deletes the trial; with {@code cascade} also the components only it holds and the
     * artifacts only those components used.
     *
     * @return what was deleted besides the trial, empty when there is no trial of that name
     * @throws FailedPreconditionException when components are associated and {@code cascade} is false
     */
    public Optional<Deleted> delete(String name, boolean cascade) {
        return neo4j.write(tx -> {
            List<Record> found = tx.run(COUNT_COMPONENTS, Map.of("name", name)).list();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            long associated = found.get(0).get("components").asLong();
            if (associated > 0 && !cascade) {
                throw new FailedPreconditionException("trial '" + name + "' still has " + associated
                        + " associated trial component(s); disassociate them or set cascade");
            }
            List<String> doomed = tx.run(COMPONENTS_ONLY_HERE, Map.of("name", name)).single().get("names")
                    .asList(value -> value.asString());
            Deleted removed = components.deleteAll(tx, doomed);
            tx.run(DELETE, Map.of("name", name)).consume();
            return Optional.of(new Deleted(1, removed.components(), removed.artifacts(), removed.links()));
        });
    }

    private static Trial toTrial(Record record) {
        Map<String, Object> t = record.get("t").asMap();
        return new Trial(
                GraphValues.string(t, "name"),
                record.get("experimentName").asString(),
                GraphValues.string(t, "displayName"),
                GraphValues.stringEntries(TAG, t),
                GraphValues.instant(t.get("createdAt")),
                GraphValues.instant(t.get("updatedAt")),
                record.get("componentCount").asLong());
    }
}
