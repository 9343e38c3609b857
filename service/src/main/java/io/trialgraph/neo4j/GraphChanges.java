package io.trialgraph.neo4j;

import io.trialgraph.analytics.RowChange;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.LabelEntry;
import org.neo4j.graphdb.event.PropertyEntry;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells subscribers, after every commit to the embedded database (made by this service, any Bolt
 * client or a migration), which trial components' table rows it may have changed. Registered on
 * the database when {@link EmbeddedNeo4j} starts; there is none with an external Neo4j.
 *
 * <p>The components are worked out in {@code beforeCommit}, inside the transaction, where every
 * changed node can still be read (a deleted one through the properties its deletion removed), and
 * published in {@code afterCommit}, which Neo4j runs after the commit is visible and before the
 * writer is told it committed: so whoever learns of a commit can rely on subscribers having heard
 * of it. Whatever cannot be mapped to components cheaply (a trial or an experiment changed, an
 * IN_EXPERIMENT relationship, a relabelled node) is reported as {@link RowChange#everything()}.
 */
public final class GraphChanges implements TransactionEventListener<RowChange> {

    private static final Logger LOG = LoggerFactory.getLogger(GraphChanges.class);

    private static final Label COMPONENT = Label.label("TrialComponent");
    private static final Label STATS = Label.label("MetricStats");
    private static final Label TRIAL = Label.label("Trial");
    private static final Label EXPERIMENT = Label.label("Experiment");
    private static final Set<String> EVERYTHING_LABELS = Set.of("Trial", "Experiment");
    private static final Set<String> WATCHED_LABELS = Set.of("TrialComponent", "MetricStats", "Trial", "Experiment");
    private static final RelationshipType PART_OF = RelationshipType.withName("PART_OF");
    private static final RelationshipType HAS_STATS = RelationshipType.withName("HAS_STATS");
    private static final RelationshipType IN_EXPERIMENT = RelationshipType.withName("IN_EXPERIMENT");

    /** The embedded databases of this process by Bolt URI: a service given such a URI as an external one hears them too. */
    private static final Map<String, GraphChanges> IN_THIS_PROCESS = new ConcurrentHashMap<>();

    private final List<Consumer<RowChange>> subscribers = new CopyOnWriteArrayList<>();

    /**
     * @return the changes of the embedded Neo4j of this process that listens on {@code boltUri}, if
     *     one does (tests and benchmarks run one database for several services in one JVM)
     */
    public static Optional<GraphChanges> inThisProcess(String boltUri) {
        return Optional.ofNullable(IN_THIS_PROCESS.get(boltUri));
    }

    void register(String boltUri) {
        IN_THIS_PROCESS.put(boltUri, this);
    }

    void unregister(String boltUri) {
        IN_THIS_PROCESS.remove(boltUri, this);
    }

    /** Calls {@code subscriber} after every commit that may change a table row, in the committing thread. */
    public void subscribe(Consumer<RowChange> subscriber) {
        subscribers.add(subscriber);
    }

    @Override
    public RowChange beforeCommit(TransactionData data, Transaction transaction, GraphDatabaseService database) {
        if (subscribers.isEmpty()) {
            return null;
        }
        try {
            return change(data);
        } catch (RuntimeException e) {
            // Never fail a commit over bookkeeping: every row may have changed.
            LOG.debug("could not map a commit to table rows; every table row is refreshed", e);
            return RowChange.EVERYTHING;
        }
    }

    @Override
    public void afterCommit(TransactionData data, RowChange change, GraphDatabaseService database) {
        if (change == null || change.isEmpty()) {
            return;
        }
        for (Consumer<RowChange> subscriber : subscribers) {
            subscriber.accept(change);
        }
    }

    @Override
    public void afterRollback(TransactionData data, RowChange change, GraphDatabaseService database) {
        // Nothing changed.
    }

    private static RowChange change(TransactionData data) {
        Set<String> values = new HashSet<>();
        Set<String> membership = new HashSet<>();
        // What deleted nodes were: their labels and the properties their deletion removed.
        Map<String, Set<String>> deletedLabels = new HashMap<>();
        Map<String, Map<String, Object>> deletedProperties = new HashMap<>();
        for (LabelEntry entry : data.removedLabels()) {
            if (data.isDeleted(entry.node())) {
                deletedLabels
                        .computeIfAbsent(entry.node().getElementId(), id -> new HashSet<>())
                        .add(entry.label().name());
            } else if (WATCHED_LABELS.contains(entry.label().name())) {
                return RowChange.EVERYTHING;
            }
        }
        Set<String> created = new HashSet<>();
        for (Node node : data.createdNodes()) {
            created.add(node.getElementId());
        }
        for (LabelEntry entry : data.assignedLabels()) {
            if (!created.contains(entry.node().getElementId())
                    && WATCHED_LABELS.contains(entry.label().name())) {
                return RowChange.EVERYTHING;
            }
        }
        for (PropertyEntry<Node> entry : data.removedNodeProperties()) {
            if (data.isDeleted(entry.entity())) {
                deletedProperties
                        .computeIfAbsent(entry.entity().getElementId(), id -> new HashMap<>())
                        .put(entry.key(), entry.previouslyCommittedValue());
            }
        }
        for (Map.Entry<String, Set<String>> deleted : deletedLabels.entrySet()) {
            Set<String> labels = deleted.getValue();
            if (labels.stream().anyMatch(EVERYTHING_LABELS::contains)) {
                return RowChange.EVERYTHING;
            }
            Map<String, Object> properties = deletedProperties.getOrDefault(deleted.getKey(), Map.of());
            if (labels.contains(COMPONENT.name()) && properties.get("name") instanceof String name) {
                membership.add(name);
            } else if (labels.contains(STATS.name()) && properties.get("component") instanceof String name) {
                values.add(name);
            }
        }
        for (Node node : data.createdNodes()) {
            if (node.hasLabel(COMPONENT) && node.getProperty("name", null) instanceof String name) {
                membership.add(name);
            }
        }
        Set<String> seen = new HashSet<>();
        for (PropertyEntry<Node> entry : data.assignedNodeProperties()) {
            if (add(created, entry.entity(), seen, values)
                    || (entry.entity().hasLabel(COMPONENT) && entry.key().equals("name"))) {
                return RowChange.EVERYTHING;
            }
        }
        for (PropertyEntry<Node> entry : data.removedNodeProperties()) {
            if (!data.isDeleted(entry.entity()) && add(created, entry.entity(), seen, values)) {
                return RowChange.EVERYTHING;
            }
        }
        for (Relationship relationship : data.createdRelationships()) {
            if (relate(data, relationship, values, membership, deletedProperties)) {
                return RowChange.EVERYTHING;
            }
        }
        for (Relationship relationship : data.deletedRelationships()) {
            if (relate(data, relationship, values, membership, deletedProperties)) {
                return RowChange.EVERYTHING;
            }
        }
        return new RowChange(Set.copyOf(values), Set.copyOf(membership), false);
    }

    /**
     * A changed, living node: adds its component's row.
     *
     * @return true when it is a trial or an experiment (their values show in the trials and experiment columns)
     */
    private static boolean add(Set<String> created, Node node, Set<String> seen, Set<String> values) {
        if (!seen.add(node.getElementId()) || created.contains(node.getElementId())) {
            return false;
        }
        if (node.hasLabel(COMPONENT)) {
            if (node.getProperty("name", null) instanceof String name) {
                values.add(name);
            }
        } else if (node.hasLabel(STATS)) {
            if (node.getProperty("component", null) instanceof String name) {
                values.add(name);
            }
        } else {
            return node.hasLabel(TRIAL) || node.hasLabel(EXPERIMENT);
        }
        return false;
    }

    /** @return true when the relationship changes every row (IN_EXPERIMENT, or an unreadable end) */
    private static boolean relate(
            TransactionData data,
            Relationship relationship,
            Set<String> values,
            Set<String> membership,
            Map<String, Map<String, Object>> deletedProperties) {
        RelationshipType type = relationship.getType();
        if (type.equals(IN_EXPERIMENT)) {
            return true;
        }
        if (!type.equals(PART_OF) && !type.equals(HAS_STATS)) {
            return false;
        }
        Node start = relationship.getStartNode();
        Object name = data.isDeleted(start)
                ? deletedProperties.getOrDefault(start.getElementId(), Map.of()).get("name")
                : start.getProperty("name", null);
        if (!(name instanceof String component)) {
            return true;
        }
        (type.equals(PART_OF) ? membership : values).add(component);
        return false;
    }
}
