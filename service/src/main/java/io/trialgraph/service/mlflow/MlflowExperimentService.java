package io.trialgraph.service.mlflow;

import io.trialgraph.config.MlflowConfiguration;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.Rules;
import io.trialgraph.domain.mlflow.MlflowExperiment;
import io.trialgraph.domain.mlflow.MlflowRules;
import io.trialgraph.domain.mlflow.MlflowTags;
import io.trialgraph.domain.mlflow.OrderKey;
import io.trialgraph.domain.mlflow.SearchClause;
import io.trialgraph.domain.mlflow.SearchFilter;
import io.trialgraph.domain.mlflow.ViewType;
import io.trialgraph.store.MlflowExperimentStore;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The rules of MLflow's experiments: ids, names (an MLflow name that is not a valid trialgraph
 * name is kept beside a derived one), the Default experiment, tags and lifecycle.
 */
@Singleton
public class MlflowExperimentService {

    /** MLflow's Default experiment: id "0", created on first use. */
    public static final String DEFAULT_ID = "0";

    public static final String DEFAULT_NAME = "Default";

    private static final Pattern GRAPH_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MlflowExperimentStore store;
    private final MlflowConfiguration config;

    MlflowExperimentService(MlflowExperimentStore store, MlflowConfiguration config) {
        this.store = store;
        this.config = config;
    }

    /**
     * Creates an experiment.
     *
     * @param artifactLocation empty for the default ({@code <artifact-root>/<id>})
     * @return its id
     */
    public String create(String name, String artifactLocation, Map<String, String> tags) {
        MlflowRules.experimentName("name", name);
        Rules.text("artifact_location", artifactLocation, Rules.URI_MAX);
        if (artifactLocation.startsWith("runs:")) {
            throw new InvalidArgumentException("artifact_location", "must not be a runs:/ URI");
        }
        String description = validateTags(tags);
        String id = newId();
        Map<String, String> graphTags = new TreeMap<>(tags);
        graphTags.remove(MlflowTags.NOTE);
        Names names = names(name, id);
        return store.create(
                        id,
                        names.graphName,
                        names.mlflowName,
                        names.displayName,
                        description,
                        artifactLocation,
                        graphTags)
                .id();
    }

    private static String validateTags(Map<String, String> tags) {
        tags.forEach((key, value) -> {
            MlflowRules.key("tags[" + key + "]", key);
            MlflowRules.experimentTagValue("tags[" + key + "].value", value);
        });
        String description = tags.getOrDefault(MlflowTags.NOTE, "");
        return Rules.text("tags[" + MlflowTags.NOTE + "].value", description, Rules.DESCRIPTION_MAX);
    }

    /** @return the experiment, deleted or not; the Default experiment is created on first use */
    public MlflowExperiment get(String id) {
        experimentId("experiment_id", id);
        Optional<MlflowExperiment> found = store.findById(id);
        if (found.isEmpty() && id.equals(DEFAULT_ID)) {
            store.ensureDefault(DEFAULT_NAME);
            found = store.findById(id);
        }
        return withLocation(found.orElseThrow(() -> new NotFoundException("experiment", id)));
    }

    /** @return the experiment of that MLflow name, deleted or not */
    public MlflowExperiment getByName(String name) {
        MlflowRules.experimentName("experiment_name", name);
        boolean graphName = isGraphName(name);
        Optional<MlflowExperiment> found = withIds(
                () -> store.findByName(name, graphName),
                experiment -> experiment.isPresent() && experiment.get().id() == null);
        if (found.isEmpty() && name.equals(DEFAULT_NAME)) {
            store.ensureDefault(DEFAULT_NAME);
            found = store.findByName(name, true);
        }
        return withLocation(found.orElseThrow(() -> new NotFoundException("experiment", name)));
    }

    /**
     * Experiments matching the filter, in the order asked.
     *
     * @param maxResults 0 for the default (1,000)
     */
    public Page<MlflowExperiment> search(
            String filter, List<String> orderBy, ViewType view, long maxResults, String pageToken) {
        List<SearchClause> clauses = SearchFilter.parse("filter", filter, SearchFilter.Target.EXPERIMENTS);
        List<OrderKey> order = orderKeys(orderBy, SearchFilter.Target.EXPERIMENTS);
        int limit = maxResults("max_results", maxResults);
        int offset = OffsetToken.decode("page_token", pageToken);
        List<MlflowExperiment> rows = withIds(
                () -> store.search(clauses, view, order, offset, limit + 1),
                list -> list.stream().anyMatch(experiment -> experiment.id() == null));
        List<MlflowExperiment> items = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            items.add(withLocation(rows.get(i)));
        }
        return new Page<>(items, rows.size() > limit ? OffsetToken.encode(offset + limit) : "");
    }

    /** Renames an experiment; the new name must be free. */
    public void rename(String id, String newName) {
        experimentId("experiment_id", id);
        MlflowRules.experimentName("new_name", newName);
        Names names = names(newName, id);
        store.rename(id, names.graphName, names.mlflowName, names.displayName)
                .orElseThrow(() -> new NotFoundException("experiment", id));
    }

    /** Sets a tag ({@code mlflow.note.content} sets the description). */
    public void setTag(String id, String key, String value) {
        experimentId("experiment_id", id);
        MlflowRules.key("key", key);
        MlflowRules.experimentTagValue("value", value);
        if (key.equals(MlflowTags.NOTE)) {
            Rules.text("value", value, Rules.DESCRIPTION_MAX);
        }
        requireDefault(id);
        store.setTag(id, key, value).orElseThrow(() -> new NotFoundException("experiment", id));
    }

    /** Removes a tag. */
    public void deleteTag(String id, String key) {
        experimentId("experiment_id", id);
        MlflowRules.key("key", key);
        MlflowExperiment experiment = get(id);
        if (!experiment.tags().containsKey(key)) {
            throw new NotFoundException("tag", key);
        }
        store.setTag(id, key, null).orElseThrow(() -> new NotFoundException("experiment", id));
    }

    /** Marks an experiment and its runs deleted (restorable), or restores them. */
    public void setDeleted(String id, boolean deleted) {
        experimentId("experiment_id", id);
        if (deleted && id.equals(DEFAULT_ID)) {
            throw new InvalidArgumentException("experiment_id", "the Default experiment (0) cannot be deleted");
        }
        store.setDeleted(id, deleted).orElseThrow(() -> new NotFoundException("experiment", id));
    }

    /** @return where the runs of this experiment put their artifacts, e.g. {@code mlartifacts/123/<run_id>/artifacts} */
    public String runArtifactUri(MlflowExperiment experiment, String runId) {
        return join(experiment.artifactLocation(), runId + "/artifacts");
    }

    /** @return where a logged model of this experiment puts its files */
    public String modelArtifactLocation(MlflowExperiment experiment, String modelId) {
        return join(experiment.artifactLocation(), "models/" + modelId + "/artifacts");
    }

    /**
     * Runs a read again after giving MLflow ids to experiments created through gRPC, when the
     * first answer met one without an id.
     */
    <T> T withIds(Supplier<T> read, Predicate<T> missingId) {
        T answer = read.get();
        for (int attempt = 0; attempt < 3 && missingId.test(answer); attempt++) {
            store.assignMissingIds(MlflowExperimentService::newId, DEFAULT_NAME);
            answer = read.get();
        }
        return answer;
    }

    /** Creates the Default experiment when a request names it first. */
    void requireDefault(String id) {
        if (id.equals(DEFAULT_ID) && store.findById(id).isEmpty()) {
            store.ensureDefault(DEFAULT_NAME);
        }
    }

    static List<OrderKey> orderKeys(List<String> orderBy, SearchFilter.Target target) {
        if (orderBy.size() > MlflowRules.MAX_ORDER_BY) {
            throw new InvalidArgumentException(
                    "order_by", "at most " + MlflowRules.MAX_ORDER_BY + " keys, has " + orderBy.size());
        }
        List<OrderKey> keys = new ArrayList<>();
        for (int i = 0; i < orderBy.size(); i++) {
            keys.add(SearchFilter.orderKey("order_by[" + i + "]", orderBy.get(i), target));
        }
        return keys;
    }

    static int maxResults(String field, long maxResults) {
        if (maxResults < 0 || maxResults > MlflowRules.MAX_RESULTS) {
            throw new InvalidArgumentException(
                    field, "must be between 1 and " + MlflowRules.MAX_RESULTS + ", is " + maxResults);
        }
        return maxResults == 0 ? MlflowRules.DEFAULT_MAX_RESULTS : (int) maxResults;
    }

    /** An experiment id: 1-64 letters, digits, '_' and '-' (MLflow's rule). */
    static String experimentId(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        if (id.length() > 64 || !id.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new InvalidArgumentException(
                    field, "must be 1-64 letters, digits, '_' and '-': '" + MlflowRules.quoted(id) + "'");
        }
        return id;
    }

    private MlflowExperiment withLocation(MlflowExperiment experiment) {
        if (!experiment.artifactLocation().isEmpty()) {
            return experiment;
        }
        return new MlflowExperiment(
                experiment.id(),
                experiment.name(),
                experiment.graphName(),
                join(config.getArtifactRoot(), experiment.id()),
                experiment.deleted(),
                experiment.createdAt(),
                experiment.updatedAt(),
                experiment.tags());
    }

    private static String join(String base, String path) {
        return base.endsWith("/") ? base + path : base + "/" + path;
    }

    /** A new experiment id: 18 random digits, like MLflow's file store. */
    static String newId() {
        return Long.toString(
                100_000_000_000_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 900_000_000_000_000_000L);
    }

    private static boolean isGraphName(String name) {
        return name.length() <= Rules.NAME_MAX && GRAPH_NAME.matcher(name).matches();
    }

    private record Names(String graphName, String mlflowName, String displayName) {}

    /**
     * The trialgraph name of an experiment MLflow calls {@code name}: the name itself when it is a
     * valid trialgraph name, else letters, digits, '.', '_' and '-' of it plus the id (unique),
     * with the MLflow name kept beside it.
     */
    private static Names names(String name, String id) {
        String display = name.length() <= Rules.DISPLAY_NAME_MAX ? name : name.substring(0, Rules.DISPLAY_NAME_MAX);
        if (isGraphName(name)) {
            return new Names(name, null, display);
        }
        String slug = name.replaceAll("[^A-Za-z0-9._-]+", "-")
                .replaceAll("^[^A-Za-z0-9]+", "")
                .replaceAll("-+$", "");
        if (slug.length() > Rules.NAME_MAX - id.length() - 1) {
            slug = slug.substring(0, Rules.NAME_MAX - id.length() - 1);
        }
        return new Names(slug.isEmpty() ? "experiment-" + id : slug + "-" + id, name, display);
    }
}
