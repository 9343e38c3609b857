package io.trialgraph.store;

import static io.trialgraph.store.GraphValues.META;
import static io.trialgraph.store.GraphValues.PARAM;

import io.trialgraph.domain.AlreadyExistsException;
import io.trialgraph.domain.Artifact;
import io.trialgraph.domain.ArtifactKind;
import io.trialgraph.domain.ComponentStatus;
import io.trialgraph.domain.ComponentTimes;
import io.trialgraph.domain.FailedPreconditionException;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricBatch;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.mlflow.MlflowRun;
import io.trialgraph.domain.mlflow.MlflowTags;
import io.trialgraph.domain.mlflow.OrderKey;
import io.trialgraph.domain.mlflow.ParamValues;
import io.trialgraph.domain.mlflow.RunStatus;
import io.trialgraph.domain.mlflow.SearchClause;
import io.trialgraph.domain.mlflow.ViewType;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * MLflow runs in the graph. A run is a trial component (its name is the run id): parameters are
 * its {@code param.*} properties, tags its {@code meta.*} properties, metrics its {@code Metric}
 * nodes (written by {@link MetricStore}), dataset inputs {@code CONSUMED_BY} edges and models
 * {@code PRODUCED} edges. A run created through MLflow also gets a trial of the same name in its
 * experiment; any component of an experiment's trials is a run of that experiment. All Cypher of
 * MLflow's run view is here.
 */
@Singleton
public class MlflowRunStore {

    /** The component kind of runs created through MLflow. */
    public static final String RUN_KIND = "training";

    private static final String PROJECTION = """
            RETURN c {.*} AS c,
                   [(c)-[:PART_OF]->(t:Trial)-[:IN_EXPERIMENT]->(e:Experiment) | [t.name = c.name, e.name, e.mlflowId]] AS experiments,
                   [(c)-[:HAS_METRIC]->(m:Metric) | [m.name, m.last, m.lastTimestamp, m.lastStep]] AS metrics,
                   [(a:Artifact)-[r:CONSUMED_BY]->(c) WHERE a.kind = 'dataset' OR a.mlflowModelId IS NOT NULL | [a {.*}, r {.*}]] AS inputs,
                   [(c)-[r:PRODUCED]->(a:Artifact) WHERE a.mlflowModelId IS NOT NULL | [a.mlflowModelId, coalesce(r.step, 0)]] AS outputs""";

    private static final String FIND = "MATCH (c:TrialComponent {name: $id})\n" + PROJECTION;

    private static final String EXPERIMENT_STAGE =
            "MATCH (e:Experiment {mlflowId: $experiment}) RETURN e.lifecycleStage AS stage";

    private static final String CREATE = """
            MATCH (e:Experiment {mlflowId: $experiment})
            CREATE (t:Trial {name: $id, displayName: $runName, createdAt: $now, updatedAt: $now})-[:IN_EXPERIMENT]->(e)
            CREATE (c:TrialComponent {name: $id, displayName: $runName, kind: $kind, status: $status, statusMessage: '',
                                      startTime: $start, createdAt: $now, updatedAt: $now,
                                      mlflowUserId: $userId, mlflowArtifactUri: $artifactUri})-[:PART_OF]->(t)
            SET c += $properties""";

    /** Locks the run (its updatedAt) before reading what a write depends on. */
    private static final String LOCK = """
            MATCH (c:TrialComponent {name: $id})
            SET c.updatedAt = $now
            RETURN c.lifecycleStage AS stage, c.startTime AS start, c.endTime AS end,
                   [key IN $keys | c[key]] AS values, c.`meta.mlflow.log-model.history` AS history""";

    private static final String SET = "MATCH (c:TrialComponent {name: $id}) SET c += $changes";

    private static final String RENAME_OWN_TRIAL = """
            MATCH (:TrialComponent {name: $id})-[:PART_OF]->(t:Trial {name: $id})
            SET t.displayName = $name, t.updatedAt = $now""";

    private static final String SET_STAGE = """
            MATCH (c:TrialComponent {name: $id})
            SET c.lifecycleStage = $stage, c.updatedAt = $now
            RETURN count(c) AS found""";

    private static final String LINK_INPUTS = """
            MATCH (c:TrialComponent {name: $id})
            UNWIND $links AS link
            MATCH (a:Artifact {uri: link.uri})
            MERGE (a)-[r:CONSUMED_BY {name: link.name}]->(c)
            SET r += link.tags
            WITH collect(r) AS edges
            %s""".formatted(LineageKeys.keep("edges", "CONSUMED_BY"));

    private static final String MISSING_MODEL = """
            UNWIND $models AS model
            OPTIONAL MATCH (a:Artifact {mlflowModelId: model})
            WITH model, a WHERE a IS NULL OR a.lifecycleStage IS NOT NULL
            RETURN model LIMIT 1""";

    private static final String LINK_MODEL_INPUTS = """
            MATCH (c:TrialComponent {name: $id})
            UNWIND $models AS model
            MATCH (a:Artifact {mlflowModelId: model})
            MERGE (a)-[r:CONSUMED_BY {name: ''}]->(c)
            WITH collect(r) AS edges
            %s""".formatted(LineageKeys.keep("edges", "CONSUMED_BY"));

    private static final String LINK_MODEL_OUTPUTS = """
            MATCH (c:TrialComponent {name: $id})
            UNWIND $models AS model
            MATCH (a:Artifact {mlflowModelId: model.id})
            MERGE (c)-[r:PRODUCED {name: coalesce(a.name, '')}]->(a)
            SET r.step = model.step
            WITH collect(r) AS edges
            %s""".formatted(LineageKeys.keep("edges", "PRODUCED"));

    private static final String LINK_OUTPUT = """
            MATCH (c:TrialComponent {name: $id}), (a:Artifact {uri: $uri})
            MERGE (c)-[r:PRODUCED {name: $name}]->(a)
            WITH collect(r) AS edges
            %s""".formatted(LineageKeys.keep("edges", "PRODUCED"));

    private static final OrderKey NEWEST_FIRST = new OrderKey(SearchClause.Entity.ATTRIBUTE, "start_time", false);

    private final Neo4jConnection neo4j;
    private final ArtifactStore artifacts;
    private final MetricStore metrics;

    MlflowRunStore(Neo4jConnection neo4j, ArtifactStore artifacts, MetricStore metrics) {
        this.neo4j = neo4j;
        this.artifacts = artifacts;
        this.metrics = metrics;
    }

    /** What creating a run writes. */
    public record NewRun(
            String id,
            String experimentId,
            String runName,
            String userId,
            Instant startTime,
            String artifactUri,
            Map<String, String> tags) {}

    /**
     * Creates the run's trial and component in its experiment, in one transaction.
     *
     * @throws NotFoundException when the experiment does not exist
     * @throws FailedPreconditionException when it is deleted
     * @throws AlreadyExistsException when the run id is taken
     */
    public MlflowRun create(NewRun run) {
        Instant now = Instant.now();
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("id", run.id());
        parameters.put("experiment", run.experimentId());
        parameters.put("runName", run.runName());
        parameters.put("kind", RUN_KIND);
        parameters.put("status", ComponentStatus.IN_PROGRESS.graphValue());
        parameters.put("start", GraphValues.time(run.startTime()));
        parameters.put("now", GraphValues.time(now));
        parameters.put("userId", run.userId());
        parameters.put("artifactUri", run.artifactUri());
        parameters.put("properties", GraphValues.changes(META, List.of(), run.tags()));
        try {
            return neo4j.write(tx -> {
                List<Record> experiment = tx.run(EXPERIMENT_STAGE, Map.of("experiment", run.experimentId()))
                        .list();
                if (experiment.isEmpty()) {
                    throw new NotFoundException("experiment", run.experimentId());
                }
                if (!experiment.get(0).get("stage").isNull()) {
                    throw new FailedPreconditionException(
                            "experiment " + run.experimentId() + " is deleted; restore it before creating runs in it");
                }
                tx.run(CREATE, parameters).consume();
                return find(tx, run.id()).orElseThrow();
            });
        } catch (Neo4jException e) {
            if (GraphValues.isConstraintViolation(e)) {
                throw new AlreadyExistsException("run", run.id());
            }
            throw e;
        }
    }

    public Optional<MlflowRun> find(String id) {
        return neo4j.read(tx -> find(tx, id));
    }

    private static Optional<MlflowRun> find(TransactionContext tx, String id) {
        return tx.run(FIND, Map.of("id", id)).list().stream().findFirst().map(record -> toRun(record, null));
    }

    /**
     * Sets a run's status, end time and name.
     *
     * @param status null when unchanged
     * @param endTime null when the request gives none
     * @param runName null when unchanged
     * @return the run after the change
     * @throws NotFoundException when there is no such run
     * @throws FailedPreconditionException when it is deleted
     * @throws InvalidArgumentException when the end would precede the start
     */
    public MlflowRun update(String id, RunStatus status, Instant endTime, String runName) {
        Instant now = Instant.now();
        return neo4j.write(tx -> {
            Record stored = lock(tx, id, List.of(), now);
            ComponentTimes times = ComponentTimes.resolve(
                    GraphValues.instant(stored.get("start")),
                    GraphValues.instant(stored.get("end")),
                    status == null ? null : status.componentStatus(),
                    null,
                    endTime,
                    now,
                    "");
            Map<String, Object> changes = new HashMap<>();
            Instant end = times.end();
            if (status != null) {
                changes.put(
                        "status",
                        status.componentStatus() == null
                                ? null
                                : status.componentStatus().graphValue());
                if ((status.componentStatus() == null
                                || !status.componentStatus().isFinal())
                        && endTime == null) {
                    end = null; // a run that runs again (resumed) has not ended
                }
            }
            changes.put("startTime", GraphValues.time(times.start()));
            changes.put("endTime", GraphValues.time(end));
            if (runName != null) {
                rename(tx, id, runName, changes, now);
            }
            tx.run(SET, Map.of("id", id, "changes", changes)).consume();
            return find(tx, id).orElseThrow();
        });
    }

    /**
     * Logs parameters, sets and removes tags and appends metric points, in one transaction.
     *
     * @param params MLflow's string values by key; a key logged before must keep its value
     * @param setTags tags to set ({@link MlflowTags#RUN_NAME} also renames the run)
     * @param removeTags tags to remove; each must exist
     * @param series metric points, already checked by the metric rules
     * @param writerId who writes the points (one per run: their writes serialise)
     * @return the points stored
     * @throws NotFoundException when there is no such run, or a tag to remove does not exist
     * @throws FailedPreconditionException when the run is deleted
     * @throws InvalidArgumentException when a parameter would change its value
     */
    public long log(
            String id,
            Map<String, String> params,
            Map<String, String> setTags,
            Collection<String> removeTags,
            List<MetricBatch.Series> series,
            String writerId) {
        Instant now = Instant.now();
        List<String> keys = new ArrayList<>();
        params.keySet().forEach(key -> keys.add(PARAM + key));
        removeTags.forEach(key -> keys.add(META + key));
        return neo4j.write(tx -> {
            Record stored = lock(tx, id, keys, now);
            List<Object> values = stored.get("values").asList(Value::asObject);
            Map<String, Object> changes = new HashMap<>();
            int at = 0;
            for (Map.Entry<String, String> param : params.entrySet()) {
                Object existing = values.get(at++);
                if (existing != null && !ParamValues.text(existing).equals(param.getValue())) {
                    throw new InvalidArgumentException(
                            "params[" + param.getKey() + "]",
                            "was logged with the value '"
                                    + quoted(ParamValues.text(existing))
                                    + "'; a parameter's value cannot change (new value '"
                                    + quoted(param.getValue()) + "')");
                }
                changes.put(PARAM + param.getKey(), ParamValues.typed(param.getValue()));
            }
            for (String key : removeTags) {
                if (values.get(at++) == null) {
                    throw new NotFoundException("tag", key);
                }
                changes.put(META + key, null);
            }
            setTags.forEach((key, value) -> changes.put(META + key, value));
            String runName = setTags.get(MlflowTags.RUN_NAME);
            if (runName != null) {
                rename(tx, id, runName, changes, now);
            }
            if (!changes.isEmpty()) {
                tx.run(SET, Map.of("id", id, "changes", changes)).consume();
            }
            return series.isEmpty() ? 0L : metrics.appendUnsequenced(tx, writerId, series);
        });
    }

    /**
     * Marks a run deleted, or active again.
     *
     * @throws NotFoundException when there is no such run
     */
    public void setDeleted(String id, boolean deleted) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("id", id);
        parameters.put("stage", deleted ? MlflowExperimentStore.DELETED : null);
        parameters.put("now", GraphValues.time(Instant.now()));
        long found = neo4j.write(
                tx -> tx.run(SET_STAGE, parameters).single().get("found").asLong());
        if (found == 0) {
            throw new NotFoundException("run", id);
        }
    }

    /** A dataset input: the artifact (created or described further) and the edge's name and tags. */
    public record Input(Artifact dataset, String name, Map<String, String> tags) {}

    /**
     * Links dataset inputs ({@code CONSUMED_BY}, named by their context) and logged models the
     * run used, in one transaction.
     *
     * @throws NotFoundException when the run or a model does not exist
     * @throws FailedPreconditionException when the run is deleted, or a dataset's URI is an artifact of another kind
     */
    public void logInputs(String id, List<Input> inputs, List<String> modelIds) {
        Instant now = Instant.now();
        neo4j.write(tx -> {
            lock(tx, id, List.of(), now);
            requireModels(tx, modelIds);
            if (!inputs.isEmpty()) {
                artifacts.upsert(tx, inputs.stream().map(Input::dataset).toList(), now);
                List<Map<String, Object>> links = new ArrayList<>();
                for (Input input : inputs) {
                    links.add(Map.of(
                            "uri",
                            input.dataset().uri(),
                            "name",
                            input.name(),
                            "tags",
                            GraphValues.changes(GraphValues.TAG, List.of(), input.tags())));
                }
                tx.run(LINK_INPUTS, Map.of("id", id, "links", links)).consume();
            }
            if (!modelIds.isEmpty()) {
                tx.run(LINK_MODEL_INPUTS, Map.of("id", id, "models", modelIds)).consume();
            }
            return null;
        });
    }

    /**
     * Records that the run produced these logged models at these steps.
     *
     * @throws NotFoundException when the run or a model does not exist
     * @throws FailedPreconditionException when the run is deleted
     */
    public void logOutputs(String id, Map<String, Long> stepByModel) {
        Instant now = Instant.now();
        neo4j.write(tx -> {
            lock(tx, id, List.of(), now);
            requireModels(tx, stepByModel.keySet());
            List<Map<String, Object>> models = new ArrayList<>();
            stepByModel.forEach((model, step) -> models.add(Map.of("id", model, "step", step)));
            tx.run(LINK_MODEL_OUTPUTS, Map.of("id", id, "models", models)).consume();
            return null;
        });
    }

    /**
     * Records an MLflow 2 model: a model artifact the run produced, named by the artifact path,
     * and its entry in the run's {@link MlflowTags#LOGGED_MODELS} tag.
     *
     * @param historyEntry the model's entry (JSON) appended to the tag's list
     * @param historyLimit the most characters the tag may hold
     * @throws NotFoundException when there is no such run
     * @throws FailedPreconditionException when the run is deleted, or the URI is an artifact of another kind
     * @throws InvalidArgumentException when the tag would grow beyond {@code historyLimit}
     */
    public void logModel(String id, Artifact model, String linkName, String historyEntry, int historyLimit) {
        Instant now = Instant.now();
        neo4j.write(tx -> {
            Record stored = lock(tx, id, List.of(), now);
            String history = stored.get("history").isNull()
                    ? ""
                    : stored.get("history").asString().strip();
            String updated = history.startsWith("[") && history.endsWith("]") && history.length() > 2
                    ? history.substring(0, history.length() - 1) + ", " + historyEntry + "]"
                    : "[" + historyEntry + "]";
            if (updated.length() > historyLimit) {
                throw new InvalidArgumentException(
                        "model_json",
                        "the run's " + MlflowTags.LOGGED_MODELS + " tag would hold " + updated.length()
                                + " characters, more than " + historyLimit);
            }
            artifacts.upsert(tx, List.of(model), now);
            tx.run(LINK_OUTPUT, Map.of("id", id, "uri", model.uri(), "name", linkName))
                    .consume();
            tx.run(SET, Map.of("id", id, "changes", Map.of(META + MlflowTags.LOGGED_MODELS, updated)))
                    .consume();
            return null;
        });
    }

    /**
     * Runs of the given experiments matching every clause, in the order asked (then newest start
     * first, then by run id), {@code limit} of them after skipping {@code offset}.
     */
    public List<MlflowRun> search(
            List<String> experimentIds,
            List<SearchClause> clauses,
            ViewType view,
            List<OrderKey> order,
            int offset,
            int limit) {
        MlflowCypher cypher = new MlflowCypher();
        cypher.put("experiments", experimentIds);
        cypher.put("offset", offset);
        cypher.put("limit", limit);
        List<String> conditions = new ArrayList<>();
        if (view == ViewType.ACTIVE_ONLY) {
            conditions.add("c.lifecycleStage IS NULL");
        } else if (view == ViewType.DELETED_ONLY) {
            conditions.add("c.lifecycleStage = '" + MlflowExperimentStore.DELETED + "'");
        }
        for (SearchClause clause : clauses) {
            conditions.add(condition(clause, cypher));
        }
        List<String> sortKeys = new ArrayList<>();
        List<String> orderBy = new ArrayList<>();
        boolean newestFirst =
                order.size() == 1 && order.get(0).equals(NEWEST_FIRST); // MLflow's UI asks for the default
        for (int i = 0; i < order.size() && !newestFirst; i++) {
            OrderKey key = order.get(i);
            sortKeys.add(sortExpression(key, cypher) + " AS s" + i);
            orderBy.add("s" + i + " IS NULL, s" + i + (key.ascending() ? "" : " DESC"));
        }
        // Ties of start time in a stable order that costs no property read (a run id is a long string, read from
        // another record: ordering 10,000 runs by it doubled a search's time).
        orderBy.add("c.startTime IS NULL, c.startTime DESC, elementId(c)");
        // One experiment (the usual search) needs no aggregation to name each run's experiment.
        String runs = experimentIds.size() == 1
                ? "MATCH (:Experiment {mlflowId: $experiment})<-[:IN_EXPERIMENT]-(:Trial)<-[:PART_OF]-(c:TrialComponent)\n"
                        + "WITH DISTINCT c, $experiment AS experimentId\n"
                : "UNWIND $experiments AS experiment\n"
                        + "MATCH (e:Experiment {mlflowId: experiment})<-[:IN_EXPERIMENT]-(:Trial)<-[:PART_OF]-(c:TrialComponent)\n"
                        + "WITH c, min(e.mlflowId) AS experimentId\n";
        cypher.put("experiment", experimentIds.get(0));
        String query = runs
                + (conditions.isEmpty() ? "" : "WHERE " + String.join("\n  AND ", conditions) + "\n")
                + "WITH c, experimentId" + (sortKeys.isEmpty() ? "" : ", " + String.join(", ", sortKeys)) + "\n"
                + "ORDER BY " + String.join(", ", orderBy) + "\n"
                + "SKIP $offset LIMIT $limit\n"
                + PROJECTION + ", experimentId";
        return neo4j.read(tx -> tx.run(query, cypher.parameters())
                .list(record -> toRun(record, record.get("experimentId").asString())));
    }

    private static String condition(SearchClause clause, MlflowCypher cypher) {
        String key = clause.key();
        return switch (clause.entity()) {
            // Expanding the run's few metrics measured several times faster than a seek of the (component, name) index
            // per run.
            case METRIC ->
                "EXISTS { MATCH (c)-[:HAS_METRIC]->(m:Metric) WHERE m.name = " + cypher.parameter(key) + " AND "
                        + cypher.compare("m.last", clause.operator(), clause.value()) + " }";
            case PARAM ->
                cypher.compare(
                        paramText("c[" + cypher.parameter(PARAM + key) + "]"), clause.operator(), clause.value());
            case TAG ->
                cypher.compare("toString(c[" + cypher.parameter(META + key) + "])", clause.operator(), clause.value());
            case ATTRIBUTE ->
                cypher.compare(
                        attribute(key),
                        clause.operator(),
                        clause.value() instanceof Long millis
                                ? GraphValues.time(Instant.ofEpochMilli(millis))
                                : clause.value());
            case DATASET ->
                "EXISTS { MATCH (a:Artifact {kind: 'dataset'})-[r:CONSUMED_BY]->(c) WHERE "
                        + cypher.compare(
                                switch (key) {
                                    case "name" -> "coalesce(a.name, a.uri)";
                                    case "digest" -> "a.digest";
                                    default ->
                                        "coalesce(r.`tag." + MlflowTags.DATASET_CONTEXT + "`, nullif(r.name, ''))";
                                },
                                clause.operator(),
                                clause.value())
                        + " }";
        };
    }

    private static String sortExpression(OrderKey key, MlflowCypher cypher) {
        return switch (key.entity()) {
            case METRIC ->
                "head([(c)-[:HAS_METRIC]->(m:Metric) WHERE m.name = " + cypher.parameter(key.key()) + " | m.last])";
            case PARAM -> paramText("c[" + cypher.parameter(PARAM + key.key()) + "]");
            case TAG -> "toString(c[" + cypher.parameter(META + key.key()) + "])";
            case ATTRIBUTE -> key.key().equals("experiment_id") ? "experimentId" : attribute(key.key());
            case DATASET -> throw new IllegalArgumentException("datasets do not order runs");
        };
    }

    /** A parameter as the string MLflow logged ({@link ParamValues#text}). */
    private static String paramText(String value) {
        return "CASE WHEN " + value + " IS :: BOOLEAN THEN CASE WHEN " + value
                + " THEN 'True' ELSE 'False' END ELSE toString(" + value + ") END";
    }

    private static String attribute(String key) {
        return switch (key) {
            case "run_id" -> "c.name";
            case "run_name" -> "c.displayName";
            case "status" ->
                "CASE c.status WHEN 'InProgress' THEN 'RUNNING' WHEN 'Completed' THEN 'FINISHED'"
                        + " WHEN 'Failed' THEN 'FAILED' WHEN 'Stopped' THEN 'KILLED' ELSE 'SCHEDULED' END";
            case "user_id" -> "coalesce(c.mlflowUserId, c.`meta." + MlflowTags.USER + "`)";
            case "artifact_uri" -> "c.mlflowArtifactUri";
            case "lifecycle_stage" -> "coalesce(c.lifecycleStage, 'active')";
            // Compared and ordered as DateTime values (a filter's milliseconds become one): no conversion per run.
            case "start_time" -> "c.startTime";
            case "end_time" -> "c.endTime";
            default -> throw new IllegalArgumentException("not a run attribute: " + key);
        };
    }

    private static Record lock(TransactionContext tx, String id, List<String> keys, Instant now) {
        List<Record> found = tx.run(LOCK, Map.of("id", id, "keys", keys, "now", GraphValues.time(now)))
                .list();
        if (found.isEmpty()) {
            throw new NotFoundException("run", id);
        }
        Record stored = found.get(0);
        if (!stored.get("stage").isNull()) {
            throw new FailedPreconditionException("run '" + id + "' is deleted; restore it before logging to it");
        }
        return stored;
    }

    private static void rename(
            TransactionContext tx, String id, String runName, Map<String, Object> changes, Instant now) {
        changes.put("displayName", runName);
        changes.put(META + MlflowTags.RUN_NAME, runName);
        tx.run(RENAME_OWN_TRIAL, Map.of("id", id, "name", runName, "now", GraphValues.time(now)))
                .consume();
    }

    private static void requireModels(TransactionContext tx, Collection<String> modelIds) {
        if (modelIds.isEmpty()) {
            return;
        }
        List<Record> missing =
                tx.run(MISSING_MODEL, Map.of("models", List.copyOf(modelIds))).list();
        if (!missing.isEmpty()) {
            throw new NotFoundException(
                    "logged model", missing.get(0).get("model").asString());
        }
    }

    private static String quoted(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "...";
    }

    private static MlflowRun toRun(Record record, String experimentId) {
        Map<String, Object> c = record.get("c").asMap();
        String experiment = experimentId != null ? experimentId : experimentOf(record.get("experiments"));
        List<MlflowRun.LatestMetric> latest = new ArrayList<>();
        for (Value m : record.get("metrics").values()) {
            latest.add(new MlflowRun.LatestMetric(
                    m.get(0).asString(),
                    number(m.get(1)),
                    m.get(2).isNull() ? 0 : m.get(2).asLong(),
                    m.get(3).isNull() ? 0 : m.get(3).asLong()));
        }
        latest.sort((a, b) -> a.key().compareTo(b.key()));
        Map<String, String> params = new TreeMap<>();
        GraphValues.entries(PARAM, c).forEach((key, value) -> params.put(key, ParamValues.text(value)));
        List<MlflowRun.DatasetInput> datasets = new ArrayList<>();
        List<String> modelInputs = new ArrayList<>();
        for (Value input : record.get("inputs").values()) {
            Map<String, Object> a = input.get(0).asMap();
            Map<String, Object> r = input.get(1).asMap();
            if (a.get("mlflowModelId") instanceof String model) {
                modelInputs.add(model);
                continue;
            }
            datasets.add(toDatasetInput(a, r));
        }
        datasets.sort((x, y) -> (x.dataset().name() + x.dataset().digest())
                .compareTo(y.dataset().name() + y.dataset().digest()));
        List<MlflowRun.ModelOutput> outputs = new ArrayList<>();
        for (Value output : record.get("outputs").values()) {
            outputs.add(new MlflowRun.ModelOutput(
                    output.get(0).asString(), output.get(1).asLong()));
        }
        Map<String, String> tags = GraphValues.stringEntries(META, c);
        String userId = c.get("mlflowUserId") instanceof String user && !user.isEmpty()
                ? user
                : tags.getOrDefault(MlflowTags.USER, "");
        return new MlflowRun(
                GraphValues.string(c, "name"),
                GraphValues.string(c, "displayName"),
                experiment,
                userId,
                RunStatus.of(ComponentStatus.fromGraph((String) c.get("status"))),
                GraphValues.instant(c.get("startTime")),
                GraphValues.instant(c.get("endTime")),
                GraphValues.string(c, "mlflowArtifactUri"),
                MlflowExperimentStore.DELETED.equals(c.get("lifecycleStage")),
                latest,
                params,
                tags,
                datasets,
                modelInputs,
                outputs);
    }

    /**
     * The experiment a run belongs to: that of its own trial (named like it), else the first by
     * name; empty when it is in none, null when that experiment has no MLflow id yet.
     */
    private static String experimentOf(Value experiments) {
        Value best = null;
        for (Value row : experiments.values()) {
            if (best == null || compareExperiments(row, best) < 0) {
                best = row;
            }
        }
        if (best == null) {
            return "";
        }
        return best.get(2).isNull() ? null : best.get(2).asString();
    }

    private static int compareExperiments(Value a, Value b) {
        boolean ownA = a.get(0).asBoolean();
        boolean ownB = b.get(0).asBoolean();
        if (ownA != ownB) {
            return ownA ? -1 : 1;
        }
        return a.get(1).asString().compareTo(b.get(1).asString());
    }

    private static MlflowRun.DatasetInput toDatasetInput(Map<String, Object> a, Map<String, Object> r) {
        Map<String, String> meta = GraphValues.stringEntries(META, a);
        String uri = GraphValues.string(a, "uri");
        String name = GraphValues.string(a, "name");
        String source = meta.getOrDefault(
                DatasetKeys.SOURCE, "{\"uri\": \"" + uri.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        MlflowRun.Dataset dataset = new MlflowRun.Dataset(
                name.isEmpty() ? uri : name,
                GraphValues.string(a, "digest"),
                meta.getOrDefault(DatasetKeys.SOURCE_TYPE, "uri"),
                source,
                meta.getOrDefault(DatasetKeys.SCHEMA, ""),
                meta.getOrDefault(DatasetKeys.PROFILE, ""));
        Map<String, String> tags = new LinkedHashMap<>(GraphValues.stringEntries(GraphValues.TAG, r));
        String role = GraphValues.string(r, "name");
        if (!role.isEmpty()) {
            tags.putIfAbsent(MlflowTags.DATASET_CONTEXT, role);
        }
        return new MlflowRun.DatasetInput(dataset, tags);
    }

    private static double number(Value value) {
        return value.isNull() ? Double.NaN : value.asDouble();
    }

    /** Where MLflow's description of a dataset lives on its artifact ({@code meta.*}). */
    public static final class DatasetKeys {
        public static final String SOURCE_TYPE = "mlflow.sourceType";
        public static final String SOURCE = "mlflow.source";
        public static final String SCHEMA = "mlflow.schema";
        public static final String PROFILE = "mlflow.profile";

        private DatasetKeys() {}
    }

    /** @return an artifact description of a dataset (kind dataset) */
    public static Artifact dataset(String uri, String name, String digest, Map<String, String> metadata) {
        return new Artifact("", uri, ArtifactKind.DATASET, name, digest, "", 0, metadata, null, null);
    }
}
