package io.trialgraph.store;

import static io.trialgraph.store.GraphValues.META;
import static io.trialgraph.store.GraphValues.PARAM;

import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.ArtifactKind;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.mlflow.LoggedModel;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * MLflow 3's logged models: model artifacts ({@code (:Artifact:Model {uri: "models:/<model_id>"})})
 * with MLflow's fields as {@code mlflow*} properties, their parameters as {@code param.*} and
 * their tags as {@code meta.*}. The run that logged one links it with a {@code PRODUCED} edge
 * ({@link MlflowRunStore#logOutputs}). All Cypher of that view is here.
 */
@Singleton
public class MlflowModelStore {

    private static final String EXPERIMENT_STAGE =
            "MATCH (e:Experiment {mlflowId: $experiment}) RETURN e.lifecycleStage AS stage";

    private static final String FIND = """
            MATCH (a:Artifact {mlflowModelId: $id}) WHERE a.lifecycleStage IS NULL
            RETURN a {.*} AS a""";

    private static final String SET_MLFLOW = """
            MATCH (a:Artifact {uri: $uri})
            SET a += $properties""";

    /** Locks the model before reading what a change depends on. */
    private static final String LOCK = """
            MATCH (a:Artifact {mlflowModelId: $id}) WHERE a.lifecycleStage IS NULL
            SET a.updatedAt = $now
            RETURN [key IN $keys | a[key]] AS values""";

    private static final String SET = "MATCH (a:Artifact {mlflowModelId: $id}) SET a += $changes";

    private static final String SEARCH = """
            MATCH (a:Artifact:Model) WHERE a.mlflowExperimentId IN $experiments AND a.lifecycleStage IS NULL
            RETURN a {.*} AS a
            ORDER BY a.createdAt DESC, a.mlflowModelId
            SKIP $offset LIMIT $limit""";

    private final Neo4jConnection neo4j;
    private final ArtifactStore artifacts;

    MlflowModelStore(Neo4jConnection neo4j, ArtifactStore artifacts) {
        this.neo4j = neo4j;
        this.artifacts = artifacts;
    }

    /**
     * Creates a pending logged model in an experiment, in one transaction.
     *
     * @throws NotFoundException when the experiment does not exist
     * @throws FailedPreconditionException when the experiment is deleted
     * @throws AlreadyExistsException when the model id is taken
     */
    public LoggedModel create(LoggedModel model) {
        Instant now = Instant.now();
        String uri = LoggedModel.uri(model.modelId());
        Map<String, Object> properties = new HashMap<>();
        properties.put("mlflowModelId", model.modelId());
        properties.put("mlflowExperimentId", model.experimentId());
        properties.put("mlflowStatus", model.status());
        properties.put("mlflowModelType", model.modelType());
        properties.put("mlflowSourceRunId", model.sourceRunId());
        properties.put("mlflowArtifactLocation", model.artifactLocation());
        properties.putAll(GraphValues.changes(PARAM, List.of(), model.params()));
        try {
            return neo4j.write(tx -> {
                List<Record> experiment = tx.run(EXPERIMENT_STAGE, Map.of("experiment", model.experimentId()))
                        .list();
                if (experiment.isEmpty()) {
                    throw new NotFoundException("experiment", model.experimentId());
                }
                if (!experiment.get(0).get("stage").isNull()) {
                    throw new FailedPreconditionException("experiment " + model.experimentId()
                            + " is deleted; restore it before logging models in it");
                }
                Artifact artifact =
                        new Artifact("", uri, ArtifactKind.MODEL, model.name(), "", "", 0, model.tags(), null, null);
                artifacts.upsert(tx, List.of(artifact), now);
                tx.run(SET_MLFLOW, Map.of("uri", uri, "properties", properties)).consume();
                return find(tx, model.modelId()).orElseThrow();
            });
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("logged model", model.modelId());
            }
            throw e;
        }
    }

    /** @return the model, empty when there is none with that id or it is deleted */
    public Optional<LoggedModel> find(String modelId) {
        return neo4j.read(tx -> find(tx, modelId));
    }

    private static Optional<LoggedModel> find(TransactionContext tx, String modelId) {
        return tx.run(FIND, Map.of("id", modelId)).list().stream().findFirst().map(MlflowModelStore::toModel);
    }

    /**
     * Changes a model's status and message, sets and removes tags, logs parameters.
     *
     * @param status null when unchanged
     * @param removeTags each must exist
     * @return the model after the change
     * @throws NotFoundException when there is no such model, or a tag to remove does not exist
     */
    public LoggedModel update(
            String modelId,
            String status,
            Map<String, String> setTags,
            List<String> removeTags,
            Map<String, String> params) {
        Instant now = Instant.now();
        List<String> keys = removeTags.stream().map(key -> META + key).toList();
        return neo4j.write(tx -> {
            List<Record> found = tx.run(LOCK, Map.of("id", modelId, "keys", keys, "now", GraphValues.time(now)))
                    .list();
            if (found.isEmpty()) {
                throw new NotFoundException("logged model", modelId);
            }
            List<Object> values = found.get(0).get("values").asList(value -> value.asObject());
            Map<String, Object> changes = new HashMap<>();
            for (int i = 0; i < removeTags.size(); i++) {
                if (values.get(i) == null) {
                    throw new NotFoundException("tag", removeTags.get(i));
                }
                changes.put(META + removeTags.get(i), null);
            }
            setTags.forEach((key, value) -> changes.put(META + key, value));
            params.forEach((key, value) -> changes.put(PARAM + key, value));
            if (status != null) {
                changes.put("mlflowStatus", status);
            }
            tx.run(SET, Map.of("id", modelId, "changes", changes)).consume();
            return find(tx, modelId).orElseThrow();
        });
    }

    /**
     * Marks a model deleted; its artifact and lineage edges stay.
     *
     * @throws NotFoundException when there is no such model
     */
    public void delete(String modelId) {
        Instant now = Instant.now();
        neo4j.write(tx -> {
            if (tx.run(LOCK, Map.of("id", modelId, "keys", List.of(), "now", GraphValues.time(now)))
                    .list()
                    .isEmpty()) {
                throw new NotFoundException("logged model", modelId);
            }
            tx.run(SET, Map.of("id", modelId, "changes", Map.of("lifecycleStage", MlflowExperimentStore.DELETED)))
                    .consume();
            return null;
        });
    }

    /** Models of the experiments, newest first, {@code limit} of them after skipping {@code offset}. */
    public List<LoggedModel> search(List<String> experimentIds, int offset, int limit) {
        return neo4j.read(tx -> tx.run(SEARCH, Map.of("experiments", experimentIds, "offset", offset, "limit", limit))
                .list(MlflowModelStore::toModel));
    }

    private static LoggedModel toModel(Record record) {
        Map<String, Object> a = record.get("a").asMap();
        Map<String, String> params = new TreeMap<>();
        GraphValues.entries(PARAM, a).forEach((key, value) -> params.put(key, String.valueOf(value)));
        return new LoggedModel(
                GraphValues.string(a, "mlflowModelId"),
                GraphValues.string(a, "mlflowExperimentId"),
                GraphValues.string(a, "name"),
                GraphValues.string(a, "mlflowArtifactLocation"),
                GraphValues.string(a, "mlflowStatus"),
                GraphValues.string(a, "mlflowStatusMessage"),
                GraphValues.string(a, "mlflowModelType"),
                GraphValues.string(a, "mlflowSourceRunId"),
                GraphValues.instant(a.get("createdAt")),
                GraphValues.instant(a.get("updatedAt")),
                params,
                GraphValues.stringEntries(META, a));
    }
}
