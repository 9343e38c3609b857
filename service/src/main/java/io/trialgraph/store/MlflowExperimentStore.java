package io.trialgraph.store;

import static io.trialgraph.store.GraphValues.TAG;

import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.mlflow.MlflowExperiment;
import io.trialgraph.domain.mlflow.MlflowTags;
import io.trialgraph.domain.mlflow.OrderKey;
import io.trialgraph.domain.mlflow.SearchClause;
import io.trialgraph.domain.mlflow.ViewType;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.neo4j.driver.Record;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Experiments as MLflow's REST API sees them: the same {@code (:Experiment)} nodes, with MLflow's
 * id ({@code mlflowId}), the MLflow name where it is not a valid trialgraph name
 * ({@code mlflowName}), an artifact location and a lifecycle stage. All Cypher of that view is here.
 */
@Singleton
public class MlflowExperimentStore {

    /** The lifecycle stage of a soft-deleted experiment, run or model; absent means active. */
    static final String DELETED = "deleted";

    private static final String FIND_BY_ID = "MATCH (e:Experiment {mlflowId: $id}) RETURN e {.*} AS e";

    private static final String FIND_BY_GRAPH_NAME = """
            MATCH (e:Experiment {name: $name}) WHERE e.mlflowName IS NULL
            RETURN e {.*} AS e""";

    private static final String FIND_BY_MLFLOW_NAME = "MATCH (e:Experiment {mlflowName: $name}) RETURN e {.*} AS e";

    private static final String CREATE = """
            CREATE (e:Experiment {name: $name, displayName: $displayName, description: $description,
                                  createdAt: $now, updatedAt: $now, mlflowId: $id, mlflowName: $mlflowName,
                                  mlflowArtifactLocation: $artifactLocation})
            SET e += $tags
            RETURN e {.*} AS e""";

    /** An experiment named Default that MLflow has not seen yet becomes the Default experiment. */
    private static final String ADOPT_DEFAULT = """
            MATCH (e:Experiment {name: $name}) WHERE e.mlflowId IS NULL AND e.mlflowName IS NULL
            SET e.mlflowId = '0'
            RETURN count(e) AS adopted""";

    private static final String CREATE_DEFAULT = """
            MERGE (e:Experiment {mlflowId: '0'})
              ON CREATE SET e.name = $name, e.displayName = $name, e.description = '', e.createdAt = $now, e.updatedAt = $now""";

    private static final String WITHOUT_ID = """
            MATCH (e:Experiment) WHERE e.mlflowId IS NULL
            RETURN elementId(e) AS element, e.name AS name LIMIT 1000""";

    private static final String ASSIGN_IDS = """
            UNWIND $rows AS row
            MATCH (e:Experiment) WHERE elementId(e) = row.element AND e.mlflowId IS NULL
            SET e.mlflowId = row.id""";

    private static final String SET_PROPERTIES = """
            MATCH (e:Experiment {mlflowId: $id})
            SET e += $changes, e.updatedAt = $now
            RETURN e {.*} AS e""";

    /** Deleting or restoring an experiment does the same to the runs of its trials, as MLflow does. */
    private static final String SET_LIFECYCLE = """
            MATCH (e:Experiment {mlflowId: $id})
            SET e.lifecycleStage = $stage, e.updatedAt = $now
            WITH e
            CALL (e) {
              MATCH (c:TrialComponent)-[:PART_OF]->(:Trial)-[:IN_EXPERIMENT]->(e)
              WITH DISTINCT c
              SET c.lifecycleStage = $stage
            }
            RETURN e {.*} AS e""";

    private final Neo4jConnection neo4j;

    MlflowExperimentStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    public Optional<MlflowExperiment> findById(String id) {
        return neo4j.read(tx -> tx.run(FIND_BY_ID, Map.of("id", id)).list().stream()
                .findFirst()
                .map(MlflowExperimentStore::toExperiment));
    }

    /**
     * @param graphName true to look the name up as a trialgraph name (of an experiment without
     *     another MLflow name), false as an MLflow name kept beside its trialgraph name
     */
    public Optional<MlflowExperiment> findByName(String name, boolean graphName) {
        return neo4j.read(
                tx -> tx.run(graphName ? FIND_BY_GRAPH_NAME : FIND_BY_MLFLOW_NAME, Map.of("name", name)).list().stream()
                        .findFirst()
                        .map(MlflowExperimentStore::toExperiment));
    }

    /**
     * Creates an experiment with its MLflow id and tags in one transaction.
     *
     * @param mlflowName the MLflow name when it differs from {@code name}, else null
     * @throws AlreadyExistsException naming the MLflow name when it is taken
     */
    public MlflowExperiment create(
            String id,
            String name,
            String mlflowName,
            String displayName,
            String description,
            String artifactLocation,
            Map<String, String> tags) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("id", id);
        parameters.put("name", name);
        parameters.put("mlflowName", mlflowName);
        parameters.put("displayName", displayName);
        parameters.put("description", description);
        parameters.put("artifactLocation", artifactLocation);
        parameters.put("tags", GraphValues.changes(TAG, List.of(), tags));
        parameters.put("now", GraphValues.time(Instant.now()));
        try {
            return neo4j.write(tx -> toExperiment(tx.run(CREATE, parameters).single()));
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("experiment", mlflowName != null ? mlflowName : name);
            }
            throw e;
        }
    }

    /**
     * Makes sure the Default experiment (MLflow id "0") exists.
     *
     * @throws FailedPreconditionException when an experiment of that name has another MLflow id
     */
    public void ensureDefault(String name) {
        try {
            neo4j.write(tx -> {
                if (!tx.run(FIND_BY_ID, Map.of("id", "0")).list().isEmpty()
                        || tx.run(ADOPT_DEFAULT, Map.of("name", name))
                                        .single()
                                        .get("adopted")
                                        .asLong()
                                > 0) {
                    return null;
                }
                tx.run(CREATE_DEFAULT, Map.of("name", name, "now", GraphValues.time(Instant.now())))
                        .consume();
                return null;
            });
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new FailedPreconditionException(
                        "the Default experiment (id 0) cannot be created: an experiment named '" + name
                                + "' already has another MLflow id");
            }
            throw e;
        }
    }

    /**
     * Gives every experiment without an MLflow id one (those created through gRPC), up to 1,000 at
     * a time; an experiment named {@code defaultName} becomes "0" when no experiment has that id.
     *
     * @return how many got one
     */
    public int assignMissingIds(Supplier<String> newId, String defaultName) {
        try {
            return neo4j.write(tx -> {
                List<Record> missing = tx.run(WITHOUT_ID).list();
                if (missing.isEmpty()) {
                    return 0;
                }
                boolean defaultFree =
                        tx.run(FIND_BY_ID, Map.of("id", "0")).list().isEmpty();
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Record record : missing) {
                    boolean isDefault =
                            defaultFree && record.get("name").asString().equals(defaultName);
                    defaultFree &= !isDefault;
                    rows.add(Map.of("element", record.get("element").asString(), "id", isDefault ? "0" : newId.get()));
                }
                tx.run(ASSIGN_IDS, Map.of("rows", rows)).consume();
                return rows.size();
            });
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                return 0; // another replica assigned ids at the same time, or a random id collided: the caller reads
                // again
            }
            throw e;
        }
    }

    /**
     * Renames an experiment.
     *
     * @param mlflowName the MLflow name when it differs from {@code name}, else null
     * @return the experiment after the change, empty when there is none with that id
     * @throws AlreadyExistsException when the new name is taken
     */
    public Optional<MlflowExperiment> rename(String id, String name, String mlflowName, String displayName) {
        Map<String, Object> changes = new HashMap<>();
        changes.put("name", name);
        changes.put("mlflowName", mlflowName);
        changes.put("displayName", displayName);
        try {
            return setProperties(id, changes);
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("experiment", mlflowName != null ? mlflowName : name);
            }
            throw e;
        }
    }

    /**
     * Sets (value not null) or removes a tag; {@link MlflowTags#NOTE} is the description.
     *
     * @return the experiment after the change, empty when there is none with that id
     */
    public Optional<MlflowExperiment> setTag(String id, String key, String value) {
        Map<String, Object> changes = new HashMap<>();
        if (key.equals(MlflowTags.NOTE)) {
            changes.put("description", value == null ? "" : value);
        } else {
            changes.put(TAG + key, value);
        }
        return setProperties(id, changes);
    }

    private Optional<MlflowExperiment> setProperties(String id, Map<String, Object> changes) {
        return neo4j.write(tx -> tx
                .run(SET_PROPERTIES, Map.of("id", id, "changes", changes, "now", GraphValues.time(Instant.now())))
                .list()
                .stream()
                .findFirst()
                .map(MlflowExperimentStore::toExperiment));
    }

    /**
     * Marks an experiment and the runs of its trials deleted, or active again.
     *
     * @return the experiment after the change, empty when there is none with that id
     */
    public Optional<MlflowExperiment> setDeleted(String id, boolean deleted) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("id", id);
        parameters.put("stage", deleted ? DELETED : null);
        parameters.put("now", GraphValues.time(Instant.now()));
        return neo4j.write(tx ->
                tx.run(SET_LIFECYCLE, parameters).list().stream().findFirst().map(MlflowExperimentStore::toExperiment));
    }

    /**
     * Experiments matching every clause, in the order asked (then newest first, then by id),
     * {@code limit} of them after skipping {@code offset}.
     */
    public List<MlflowExperiment> search(
            List<SearchClause> clauses, ViewType view, List<OrderKey> order, int offset, int limit) {
        MlflowCypher cypher = new MlflowCypher();
        List<String> conditions = new ArrayList<>();
        if (view == ViewType.ACTIVE_ONLY) {
            conditions.add("e.lifecycleStage IS NULL");
        } else if (view == ViewType.DELETED_ONLY) {
            conditions.add("e.lifecycleStage = '" + DELETED + "'");
        }
        for (SearchClause clause : clauses) {
            conditions.add(cypher.compare(
                    expression(clause.entity(), clause.key(), cypher), clause.operator(), clause.value()));
        }
        StringBuilder query = new StringBuilder("MATCH (e:Experiment)\n");
        if (!conditions.isEmpty()) {
            query.append("WHERE ").append(String.join("\n  AND ", conditions)).append('\n');
        }
        List<String> sortKeys = new ArrayList<>();
        List<String> orderBy = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            OrderKey key = order.get(i);
            sortKeys.add(expression(key.entity(), key.key(), cypher) + " AS s" + i);
            orderBy.add("s" + i + " IS NULL, s" + i + (key.ascending() ? "" : " DESC"));
        }
        orderBy.add("e.createdAt DESC, e.mlflowId");
        query.append("WITH e")
                .append(sortKeys.isEmpty() ? "" : ", " + String.join(", ", sortKeys))
                .append('\n')
                .append("ORDER BY ")
                .append(String.join(", ", orderBy))
                .append('\n')
                .append("SKIP $offset LIMIT $limit\n")
                .append("RETURN e {.*} AS e");
        cypher.put("offset", offset);
        cypher.put("limit", limit);
        return neo4j.read(
                tx -> tx.run(query.toString(), cypher.parameters()).list(MlflowExperimentStore::toExperiment));
    }

    private static String expression(SearchClause.Entity entity, String key, MlflowCypher cypher) {
        if (entity == SearchClause.Entity.TAG) {
            return key.equals(MlflowTags.NOTE) ? "nullif(e.description, '')" : "e[" + cypher.parameter(TAG + key) + "]";
        }
        return switch (key) {
            case "name" -> "coalesce(e.mlflowName, e.name)";
            case "experiment_id" -> "e.mlflowId";
            case "creation_time" -> "e.createdAt.epochMillis";
            case "last_update_time" -> "e.updatedAt.epochMillis";
            default -> throw new IllegalArgumentException("not an experiment attribute: " + key);
        };
    }

    private static MlflowExperiment toExperiment(Record record) {
        Map<String, Object> e = record.get("e").asMap();
        Map<String, String> tags = new TreeMap<>(GraphValues.stringEntries(TAG, e));
        String description = GraphValues.string(e, "description");
        if (!description.isEmpty()) {
            tags.put(MlflowTags.NOTE, description);
        }
        String name = GraphValues.string(e, "name");
        String mlflowName = e.get("mlflowName") instanceof String kept ? kept : name;
        return new MlflowExperiment(
                e.get("mlflowId") instanceof String id ? id : null,
                mlflowName,
                name,
                GraphValues.string(e, "mlflowArtifactLocation"),
                DELETED.equals(e.get("lifecycleStage")),
                GraphValues.instant(e.get("createdAt")),
                GraphValues.instant(e.get("updatedAt")),
                tags);
    }
}
