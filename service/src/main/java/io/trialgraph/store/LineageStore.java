package io.trialgraph.store;

import io.trialgraph.config.ReadConfiguration;
import io.trialgraph.domain.Lineage;
import io.trialgraph.domain.Lineage.Direction;
import io.trialgraph.domain.Lineage.Node;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;

/**
 * Walks the data-flow edges {@code (:Artifact)-[:CONSUMED_BY]->(:TrialComponent)-[:PRODUCED]->(:Artifact)}
 * and cuts one page of the answer (nearest nodes first, then by key, after the page token, up to
 * {@code max_nodes}). All lineage Cypher is here.
 *
 * <p>The work is bounded by the page, not by the graph:
 * <ul>
 *   <li><b>Small walks</b> (everything within {@code max_depth} of each start node is at most
 *       {@value #WHOLE_WALK_LIMIT} nodes, and no stop kinds): one query, run as a transaction of
 *       its own (one round trip), that resolves the start nodes, walks them with one variable-length match per start node and direction (which Neo4j
 *       runs with its pruning BFS, visiting each node once, and stops after
 *       {@value #WHOLE_WALK_LIMIT} + 1 nodes) and reads the edges among the nodes walked. A start
 *       node with more edges than that in a direction is not walked there at all.</li>
 *   <li><b>Larger walks</b> go level by level. A level whose edges number at most
 *       {@value #LEVEL_EXPAND_LIMIT} is read whole; the walk stops at the level where the page
 *       fills. On a larger level only the page's nodes are read: the smallest keys among the
 *       level's nodes. Where the level comes from a few hubs whose edges all carry their order
 *       keys ({@link LineageKeys}: only nodes with at least {@value LineageKeys#HUB_EDGES} edges of
 *       the step have them), by seeking in the keys' index from each node's key of the page token
 *       (about as many entries as the page holds, after comparing each node's count of keyed
 *       edges, a property, with its degree); else either
 *       by scanning the name (or URI) index in order and keeping the nodes linked to the level
 *       before, where a short probe of the index finds them dense enough, or by expanding the
 *       level with a top-k sort, which reads one property per edge and so grows with the
 *       degree.</li>
 *   <li>No walk holds more than {@code trialgraph.reads.max-lineage-nodes} nodes: one that would
 *       is refused with RESOURCE_EXHAUSTED rather than answered slowly.</li>
 * </ul>
 * Relationship types come from the fixed set {@link Lineage#EDGE_TYPES} only, so building them
 * into the query text is safe.
 */
@Singleton
public class LineageStore {

    /** Most nodes per start node and direction that a walk reads in one match. */
    static final int WHOLE_WALK_LIMIT = 2_000;

    /** Most edges of one level that are read whole; beyond, only the page's part of the level is read. */
    static final int LEVEL_EXPAND_LIMIT = 10_000;

    private static final String RESOLVE = """
            UNWIND $refs AS ref
            OPTIONAL MATCH (a:Artifact {uri: ref.uri})
            OPTIONAL MATCH (b:Artifact {id: ref.id})
            OPTIONAL MATCH (c:TrialComponent {name: ref.component})
            RETURN ref.index AS index, coalesce(elementId(a), elementId(b), elementId(c)) AS id""";

    private static final String NODE_COLUMNS =
            "m:Artifact AS artifact, m {.uri, .id, .kind, .name, .status, .digest} AS properties";

    /**
     * A small walk in one query: resolves the start references, walks each direction from each
     * start node, nearest first, at most $limit nodes a start and direction, and gives each node
     * its incoming edges from the nodes walked (the edges among a page are among these). {@code
     * %1$s} is the walk of one or both directions, {@code %2$s} the relationship types, {@code
     * %3$s} the node columns. Neo4j runs each {@code min(length(p))} over a variable-length match
     * as a pruning breadth-first search that yields each node once, in order of depth, so the
     * limit stops the walk itself. One query instead of three (resolve, walk, edges) saves two
     * round trips, most of a small walk's time.
     */
    private static final String SMALL_WALK = """
            UNWIND $refs AS ref
            OPTIONAL MATCH (a:Artifact {uri: ref.uri})
            OPTIONAL MATCH (b:Artifact {id: ref.id})
            OPTIONAL MATCH (c:TrialComponent {name: ref.component})
            WITH ref.index AS index, coalesce(a, b, c) AS s
            CALL (s) {
            %1$s
            }
            WITH collect({index: index, start: elementId(s), direction: direction, m: m, depth: depth}) AS walk
            WITH walk, [w IN walk | w.m] AS walked
            UNWIND walk AS w
            WITH w, walked, w.m AS m
            RETURN w.index AS index, w.start AS start, w.direction AS direction, elementId(m) AS id, w.depth AS depth,
                   %3$s,
                   COLLECT { MATCH (a)-[r:%2$s]->(m) WHERE a IN walked
                             RETURN [elementId(a), type(r), r.name] } AS incoming""";

    /**
     * The walk of one direction in {@link #SMALL_WALK}: {@code %1$s} the direction, {@code %2$s}
     * the pattern, {@code %3$s} one step of it. A start node with more edges in the direction
     * than a small walk holds (a dataset used by thousands of jobs) is not walked: it comes back
     * once at depth -1, and the walk goes level by level. Neo4j answers its degree from the
     * node's relationship groups without reading the edges. The direction is named outside the inner call: a constant among the returned
     * columns makes Neo4j group by it, which turns the pruning search into an eager one that
     * reads the whole walk before the limit (200,001 rows for the benchmark's hub).
     */
    private static final String SMALL_WALK_DIRECTION = """
                CALL (s) {
                    WITH s WHERE COUNT { (s)%3$s() } <= $degree
                    MATCH p = (s)%2$s(m)
                    RETURN m, min(length(p)) AS depth
                    LIMIT $limit
                    UNION ALL
                    WITH s WHERE COUNT { (s)%3$s() } > $degree
                    RETURN s AS m, -1 AS depth
                }
                RETURN '%1$s' AS direction, m, depth""";

    /** Edges of one level: how many the frontier has in the walk's direction; {@code %s} is the pattern from f. */
    private static final String LEVEL_DEGREE = """
            UNWIND $frontier AS id
            MATCH (f) WHERE elementId(f) = id
            RETURN sum(COUNT { (f)%s() }) AS edges""";

    /** The nodes one step from the frontier; {@code %s} is the pattern from f to m. */
    private static final String LEVEL = """
            UNWIND $frontier AS id
            MATCH (f) WHERE elementId(f) = id
            MATCH (f)%s(m)
            WITH DISTINCT m
            RETURN elementId(m) AS id, %s
            LIMIT $limit""";

    /**
     * The smallest keys of one step from the frontier, by expanding it and sorting the top (a node
     * linked twice comes twice; nodes already reached are left to the caller, which asks for a
     * few more): {@code %1$s} the pattern from f to m, {@code %2$s} the label (implied by the
     * step: artifacts lead to components and back), {@code %3$s} the key property, {@code %4$s}
     * the node columns, {@code %5$s} the conditions on the key and kind ({@link #expandedFilter}).
     * Per edge it reads one property and compares it to the top's last key (as many edges cost
     * about three times as much as counting them).
     */
    private static final String LEVEL_TOP_BY_EXPANDING = """
            UNWIND $frontier AS id
            MATCH (f) WHERE elementId(f) = id
            MATCH (f)%1$s(m)
            WITH m, m.%3$s AS key
            WHERE %5$s
            WITH m, key ORDER BY key LIMIT $limit
            RETURN elementId(m) AS id, %4$s""";

    /**
     * The smallest keys of one step from a few frontier nodes, by seeking in the order keys of their
     * edges ({@link LineageKeys}): per frontier node, the index of {@code %1$s} on {@code %2$s} is
     * read in order from just after the node's key of the page token up to its last key (or the
     * upper bound), reading only as many entries as the page takes, then the tops of all frontier
     * nodes are merged. {@code %3$s} is the pattern of the edge {@code r} with the level's node
     * {@code m} at the right end, {@code %4$s} the kind condition or nothing, {@code %5$s} the node
     * columns, {@code %6$s} the page key property (which the index's order follows). Both bounds
     * are one range: with a third condition Neo4j scanned the whole index and filtered it.
     */
    private static final String LEVEL_TOP_BY_SEEKING = """
            UNWIND $ranges AS range
            CALL (range) {
                MATCH %3$s
                WHERE r.%2$s > range.after AND r.%2$s < range.end %4$s
                RETURN m, m.%6$s AS key
                ORDER BY r.%2$s
                LIMIT $limit
            }
            WITH m, key ORDER BY key LIMIT $limit
            RETURN elementId(m) AS id, %5$s""";

    /**
     * Whether every frontier node is a hub whose edges in the walk's step all carry their order key
     * ({@link LineageKeys}): its degree (from the degree store, free) at least {@link
     * LineageKeys#HUB_EDGES} and equal to its count of keyed edges, which the writers keep in the
     * statement that writes the edges. An edge written or deleted without the count (straight over
     * Bolt) makes them differ, and the level is expanded instead of sought, so a page never misses
     * it. {@code %1$s} the step from f, {@code %2$s} the count property.
     */
    private static final String LEVEL_KEYED = """
            UNWIND $ids AS id
            MATCH (f) WHERE elementId(f) = id
            WITH COUNT { (f)%1$s() } AS degree, f.%2$s AS keyed
            RETURN count(*) = size($ids) AND all(ok IN collect(degree >= $hub AND coalesce(keyed, -1) = degree) WHERE ok) AS complete""";

    /** Most frontier nodes a level is sought for; larger frontiers are expanded or scanned. */
    private static final int SEEK_SOURCES = 64;

    /**
     * The smallest keys of one step from the frontier, by scanning at most $scan entries of the
     * key's index in order and keeping the nodes linked to the frontier: {@code %1$s} the label,
     * {@code %2$s} the key property, {@code %3$s} the pattern from m back to f, {@code %4$s} the
     * node columns, {@code %5$s} an upper bound on the key or nothing.
     */
    private static final String LEVEL_TOP_BY_INDEX = """
            MATCH (m:%1$s) WHERE m.%2$s > $after %5$s
            WITH m ORDER BY m.%2$s
            LIMIT $scan
            WITH m WHERE ($kinds IS NULL OR m.kind IN $kinds)
              AND EXISTS { MATCH (m)%3$s(f) WHERE elementId(f) IN $frontier }
            RETURN elementId(m) AS id, %4$s
            LIMIT $limit""";

    /**
     * How many index entries per node wanted a scan of the index may read: scanning is tried when
     * at least one node in this many of the label is on the level, and given up past this many
     * entries per node wanted (then the level is expanded and its top sorted instead).
     */
    private static final int SCAN_PER_NODE = 20;

    /**
     * How many index entries per node wanted the probe before a scan reads: when it finds too few
     * of the level's nodes to fill the page within {@link #SCAN_PER_NODE} entries a node, the
     * level is expanded instead, having cost a tenth of a full scan.
     */
    private static final int PROBE_PER_NODE = 2;

    /** How many nodes carry a label: Neo4j answers from its counts store. */
    private static final String LABEL_COUNT = "MATCH (m:%s) RETURN count(m) AS nodes";

    /**
     * Edges between the given nodes, found from their incoming side: in lineage graphs in-degrees
     * are small (a job's inputs, an artifact's producer) while out-degrees are not (a script or
     * dataset used by thousands of jobs), and expanding outgoing edges cost 2,600 relationship
     * reads for an 11-node answer in the lineage benchmark.
     */
    private static final String EDGES = """
            UNWIND $ids AS id
            MATCH (b) WHERE elementId(b) = id
            MATCH (a)-[r]->(b)
            WHERE type(r) IN $types AND elementId(a) IN $ids
            RETURN elementId(a) AS from, elementId(b) AS to, type(r) AS type, r.name AS name""";

    private final Neo4jConnection neo4j;
    private final int walkLimit;

    LineageStore(Neo4jConnection neo4j, ReadConfiguration config) {
        this.neo4j = neo4j;
        this.walkLimit = config.getMaxLineageNodes();
    }

    /** A node reached by a walk, with its database id for the edge query. */
    public record Reached(String elementId, Node node) {}

    /** An edge between database ids. */
    public record Link(String fromId, String toId, String type, String name) {}

    /**
     * One page of an answer.
     *
     * @param upToPageEnd the nodes shown on this page and the pages before, nearest first
     * @param pageStart where in {@code upToPageEnd} this page begins
     * @param truncated whether nodes follow this page
     * @param links the edges among {@code upToPageEnd}
     */
    public record Walk(List<Reached> upToPageEnd, int pageStart, boolean truncated, List<Link> links) {}

    /**
     * Walks from the start nodes and reads one page of the answer with its edges, in one read
     * transaction.
     *
     * @throws NotFoundException when a start node does not exist
     * @throws ResourceExhaustedException when the walk would hold more than {@code trialgraph.reads.max-lineage-nodes} nodes
     */
    public Walk walk(Lineage.Query query) {
        if (query.stopKinds().isEmpty()) {
            // One query in a transaction of its own: the answer of most walks, in one round trip.
            SmallWalk small = neo4j.readQuery(
                    smallWalkCypher(query), smallWalkParameters(query), records -> smallWalk(query, records));
            if (small.links() != null) {
                return page(null, query, small.reached().values(), small.links());
            }
        }
        return neo4j.read(tx -> page(
                tx,
                query,
                new LevelWalk(tx, query, resolve(tx, query.start()), walkLimit)
                        .run()
                        .values(),
                null));
    }

    /**
     * Cuts the page out of the nodes reached and finds the edges among it and the pages before.
     *
     * @param tx the transaction that read {@code reached}; used only when {@code walkedLinks} is null
     * @param walkedLinks edges among (at least) the nodes reached, or null to read them
     */
    private static Walk page(
            TransactionContext tx, Lineage.Query query, Collection<Reached> reached, Collection<Link> walkedLinks) {
        List<Reached> shown = new ArrayList<>();
        for (Reached r : reached) {
            if (Lineage.shown(r.node(), query)) {
                shown.add(r);
            }
        }
        shown.sort(Comparator.comparing(Reached::node, Lineage.NEAREST_FIRST));
        int from = 0;
        while (from < shown.size() && !Lineage.afterCursor(shown.get(from).node(), query)) {
            from++;
        }
        int to = Math.min(shown.size(), from + query.maxNodes());
        List<Reached> upToPageEnd = List.copyOf(shown.subList(0, to));
        List<String> ids = upToPageEnd.stream().map(Reached::elementId).toList();
        List<Link> links;
        if (walkedLinks != null) {
            Set<String> onPages = new HashSet<>(ids);
            links = walkedLinks.stream()
                    .filter(l -> onPages.contains(l.fromId()) && onPages.contains(l.toId()))
                    .toList();
        } else {
            links = ids.isEmpty()
                    ? List.of()
                    : tx.run(EDGES, Map.of("ids", ids, "types", List.copyOf(query.edgeTypes())))
                            .list(r -> new Link(
                                    r.get("from").asString(),
                                    r.get("to").asString(),
                                    r.get("type").asString(),
                                    r.get("name").asString("")));
        }
        return new Walk(upToPageEnd, from, to < shown.size(), links);
    }

    /**
     * What {@link #smallWalk} found.
     *
     * @param starts the start nodes' database ids
     * @param reached every node within max_depth, each at its smallest depth
     * @param links the edges among the nodes reached; null when some start node reaches more than
     *     {@link #WHOLE_WALK_LIMIT} nodes in a direction (then {@code reached} is incomplete)
     */
    private record SmallWalk(List<String> starts, Map<String, Reached> reached, Set<Link> links) {}

    /** The query of {@link #smallWalk}. */
    private static String smallWalkCypher(Lineage.Query query) {
        List<String> walks = new ArrayList<>();
        for (Direction direction : directions(query.direction())) {
            String pattern = (direction == Direction.UPSTREAM ? "<-[:%s*0..%d]-" : "-[:%s*0..%d]->")
                    .formatted(types(query), query.maxDepth());
            String step = (direction == Direction.UPSTREAM ? "<-[:%s]-" : "-[:%s]->").formatted(types(query));
            walks.add(SMALL_WALK_DIRECTION.formatted(direction.name(), pattern, step));
        }
        return SMALL_WALK.formatted(String.join("\n    UNION ALL\n", walks), types(query), NODE_COLUMNS);
    }

    private static Map<String, Object> smallWalkParameters(Lineage.Query query) {
        return Map.of("refs", refs(query.start()), "limit", WHOLE_WALK_LIMIT + 1, "degree", WHOLE_WALK_LIMIT);
    }

    /**
     * The whole walk, in case it is small, from the records of {@link #smallWalkCypher}.
     *
     * @throws NotFoundException when a start node does not exist
     */
    private static SmallWalk smallWalk(Lineage.Query query, List<Record> records) {
        String[] starts = new String[query.start().size()];
        Map<String, Reached> reached = new HashMap<>();
        Set<Link> links = new LinkedHashSet<>();
        Map<String, Integer> perStart = new HashMap<>();
        boolean small = true;
        for (Record record : records) {
            starts[record.get("index").asInt()] = record.get("start").asString();
            if (record.get("depth").asInt() < 0) {
                // A start node with more edges than a small walk holds: its walk was not read.
                small = false;
                continue;
            }
            small &= perStart.merge(
                            record.get("index").asInt() + ":"
                                    + record.get("direction").asString(),
                            1,
                            Integer::sum)
                    <= WHOLE_WALK_LIMIT;
            add(reached, record, record.get("depth").asInt());
            String to = record.get("id").asString();
            for (org.neo4j.driver.Value edge : record.get("incoming").values()) {
                links.add(new Link(
                        edge.get(0).asString(),
                        to,
                        edge.get(1).asString(),
                        edge.get(2).asString("")));
            }
        }
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] == null) {
                throw notFound(query.start().get(i));
            }
        }
        return new SmallWalk(List.of(starts), reached, small ? links : null);
    }

    /**
     * The walk level by level, stopping at the level where the page fills, and reading no more of
     * a large level than the page needs.
     */
    private static final class LevelWalk {

        private final TransactionContext tx;
        private final int walkLimit;
        private final Lineage.Query query;
        private final Map<String, Reached> reached = new HashMap<>();
        private final Map<Direction, Set<String>> visited = new LinkedHashMap<>();
        private final Map<Direction, List<String>> frontier = new LinkedHashMap<>();
        private final Map<String, Long> labelCounts = new HashMap<>();
        /** Whether the edges of a step from some frontier nodes all carry their keys, by step and nodes. */
        private final Map<String, Boolean> keyed = new HashMap<>();
        /** Shown nodes after the page token found so far; the walk needs max_nodes + 1 of them. */
        private int shownAfterCursor;

        LevelWalk(TransactionContext tx, Lineage.Query query, List<String> starts, int walkLimit) {
            this.tx = tx;
            this.walkLimit = walkLimit;
            this.query = query;
            for (Direction direction : directions(query.direction())) {
                visited.put(direction, new HashSet<>(starts));
                frontier.put(direction, List.copyOf(new TreeSet<>(starts)));
            }
            for (Record record : tx.run(
                            "UNWIND $starts AS id MATCH (m) WHERE elementId(m) = id RETURN id, " + NODE_COLUMNS,
                            Map.of("starts", List.copyOf(new TreeSet<>(starts))))
                    .list()) {
                count(add(reached, record, 0));
            }
        }

        Map<String, Reached> run() {
            int wanted = query.maxNodes() + 1;
            for (int depth = 1; depth <= query.maxDepth() && shownAfterCursor < wanted; depth++) {
                boolean moved = false;
                // Each direction brings its own smallest keys of this depth; the page takes the smallest of all.
                int needed = wanted - shownAfterCursor;
                Map<Direction, List<String>> next = new LinkedHashMap<>();
                for (Map.Entry<Direction, List<String>> entry : frontier.entrySet()) {
                    Direction direction = entry.getKey();
                    List<String> from = expandable(entry.getValue());
                    List<String> level = from.isEmpty() ? List.of() : level(direction, from, depth, needed);
                    next.put(direction, level);
                    moved |= !level.isEmpty();
                }
                frontier.putAll(next);
                if (!moved) {
                    break;
                }
            }
            return reached;
        }

        /** The frontier without the nodes the walk stops at. */
        private List<String> expandable(List<String> ids) {
            List<String> expandable = new ArrayList<>();
            for (String id : ids) {
                if (!Lineage.stopsWalk(reached.get(id).node(), query)) {
                    expandable.add(id);
                }
            }
            return expandable;
        }

        /** Reads one level of one direction; returns its new nodes (the next frontier). */
        private List<String> level(Direction direction, List<String> from, int depth, int needed) {
            String step = step(direction);
            long edges = tx.run(LEVEL_DEGREE.formatted(step), Map.of("frontier", from))
                    .single()
                    .get("edges")
                    .asLong();
            if (edges <= LEVEL_EXPAND_LIMIT) {
                return whole(direction, from, depth, false);
            }
            // A large level: if the page fills here, only the page's part of it is read (a level
            // before the page token's was all on the pages before: it is read whole).
            List<Reached> page =
                    query.afterDepth() > depth ? List.of() : pagePart(direction, from, depth, edges, needed);
            if (page.size() >= needed) {
                List<String> ids = new ArrayList<>();
                for (Reached r : page) {
                    ids.add(r.elementId());
                    visited.get(direction).add(r.elementId());
                    count(put(r));
                }
                if (query.afterDepth() == depth) {
                    ids.addAll(beforeCursor(direction, from, depth, edges));
                }
                return ids;
            }
            return whole(direction, from, depth, true);
        }

        /**
         * Reads all of a level, refusing one that would make the walk hold more than the walk limit.
         *
         * @param large whether the level is known to have more than {@link #LEVEL_EXPAND_LIMIT} edges
         */
        private List<String> whole(Direction direction, List<String> from, int depth, boolean large) {
            int limit = large ? walkLimit - reached.size() + 1 : LEVEL_EXPAND_LIMIT + 1;
            List<Record> records = tx.run(
                            LEVEL.formatted(step(direction), NODE_COLUMNS), Map.of("frontier", from, "limit", limit))
                    .list();
            List<String> level = new ArrayList<>();
            for (Record record : records) {
                String id = record.get("id").asString();
                if (visited.get(direction).add(id)) {
                    level.add(id);
                    Reached added = add(reached, record, depth);
                    if (added != null) {
                        count(added);
                    }
                }
            }
            if (reached.size() > walkLimit || large && records.size() >= limit) {
                throw tooLarge(depth);
            }
            if (records.size() >= limit) {
                // More nodes than the edges counted a moment ago: the graph grew meanwhile.
                level.addAll(whole(direction, from, depth, true));
            }
            return level;
        }

        /**
         * The nodes of a large level that the page needs: the {@code needed} smallest keys among
         * those shown and after the page token, artifacts before components (their keys sort so).
         */
        private List<Reached> pagePart(Direction direction, List<String> from, int depth, long edges, int needed) {
            List<Reached> part = new ArrayList<>();
            Map<String, List<String>> byLabel = frontierLabels(from);
            // One step turns artifacts into components and components into artifacts.
            for (String label : List.of("Artifact", "TrialComponent")) {
                List<String> sources =
                        byLabel.getOrDefault(label.equals("Artifact") ? "TrialComponent" : "Artifact", List.of());
                Object kinds = shownKinds(label);
                String after = afterKeyValue(label, depth);
                if (sources.isEmpty() || kinds == Boolean.FALSE || after == null || part.size() >= needed) {
                    continue;
                }
                for (Record record :
                        topOfLevel(direction, label, sources, edges, after, null, kinds, needed - part.size())) {
                    Node node = node(record, depth);
                    if (Lineage.shown(node, query) && Lineage.afterCursor(node, query)) {
                        part.add(new Reached(record.get("id").asString(), node));
                    }
                }
            }
            return part;
        }

        /**
         * The smallest keys of a level among the nodes of one label, between {@code after}
         * (excluded) and {@code until} (included, null for no bound): by scanning the key's index
         * in order where the level's nodes are dense enough in it, else (or if the scan does not
         * find enough) by expanding the level and sorting its top.
         */
        private List<Record> topOfLevel(
                Direction direction,
                String label,
                List<String> sources,
                long edges,
                String after,
                String until,
                Object kinds,
                int wanted) {
            String key = label.equals("Artifact") ? "uri" : "name";
            if (sources.size() <= SEEK_SOURCES && (until != null || (long) sources.size() * wanted * 2 <= edges)) {
                List<Record> sought = seekTop(direction, label, sources, after, until, kinds, wanted);
                if (sought != null) {
                    return sought;
                }
            }
            Map<String, Object> parameters = new HashMap<>();
            parameters.put("frontier", sources);
            parameters.put("after", after);
            parameters.put("until", until);
            parameters.put("kinds", kinds);
            long labelled = labelCounts.computeIfAbsent(
                    label,
                    l -> tx.run(LABEL_COUNT.formatted(l)).single().get("nodes").asLong());
            // Up to an upper bound the scan ends by itself; without one it stops after enough entries.
            boolean dense = (double) edges * SCAN_PER_NODE >= labelled;
            if (dense && (until != null || (long) wanted * SCAN_PER_NODE < edges)) {
                String query = LEVEL_TOP_BY_INDEX.formatted(
                        label, key, back(direction), NODE_COLUMNS, until == null ? "" : "AND m." + key + " <= $until");
                if (until == null) {
                    // A short probe first: where the level's nodes come late in the index (a hub's
                    // jobs named after most others), a scan would read its whole budget for nothing.
                    long probe = (long) wanted * PROBE_PER_NODE;
                    List<Record> probed = top(query, parameters, wanted, limit -> probe + limit - wanted);
                    if (probed.size() >= wanted) {
                        return probed;
                    }
                    // At the rate the probe found them, would the scan's budget find enough?
                    if (probed.size() * SCAN_PER_NODE < PROBE_PER_NODE * wanted) {
                        return expandTop(
                                direction, label, key, parameters, expandedFilter(after, until, kinds), wanted);
                    }
                }
                List<Record> found = top(
                        query,
                        parameters,
                        wanted,
                        limit -> until != null ? Long.MAX_VALUE : (long) wanted * SCAN_PER_NODE + limit - wanted);
                if (found.size() >= wanted || until != null) {
                    return found;
                }
            }
            return expandTop(direction, label, key, parameters, expandedFilter(after, until, kinds), wanted);
        }

        /**
         * The smallest keys of a level among the nodes of one label by seeking in the order keys of
         * the frontier's edges ({@link #LEVEL_TOP_BY_SEEKING}); null when some edge lacks its key
         * (then the caller expands or scans).
         */
        private List<Record> seekTop(
                Direction direction,
                String label,
                List<String> sources,
                String after,
                String until,
                Object kinds,
                int wanted) {
            // One step leads from artifacts to components by CONSUMED_BY downstream and PRODUCED
            // upstream, and from components to artifacts the other way round.
            String type =
                    label.equals("TrialComponent") == (direction == Direction.DOWNSTREAM) ? "CONSUMED_BY" : "PRODUCED";
            if (!query.edgeTypes().contains(type)) {
                return List.of();
            }
            String property = direction == Direction.DOWNSTREAM ? LineageKeys.DOWNSTREAM : LineageKeys.UPSTREAM;
            List<Map<String, Object>> ranges = new ArrayList<>();
            for (String source : sources) {
                Node node = reached.get(source).node();
                String identity = node.isArtifact() ? node.artifactId() : node.name();
                if (identity.isEmpty()) {
                    return null;
                }
                Map<String, Object> range = new HashMap<>();
                range.put("id", source);
                range.put("after", LineageKeys.after(identity, after));
                range.put("end", until == null ? LineageKeys.end(identity) : LineageKeys.through(identity, until));
                ranges.add(range);
            }
            String edge = direction == Direction.DOWNSTREAM ? "()-[r:%s]->(m)" : "(m)-[r:%s]->()";
            // The page of a level and the nodes before the page token (pagePart, beforeCursor) check once.
            boolean complete = keyed.computeIfAbsent(
                    direction + " " + type + " " + sources,
                    k -> tx.run(
                                    LEVEL_KEYED.formatted(
                                            (direction == Direction.UPSTREAM ? "<-[:%s]-" : "-[:%s]->").formatted(type),
                                            LineageKeys.count(type, direction == Direction.DOWNSTREAM)),
                                    Map.of("ids", sources, "hub", LineageKeys.HUB_EDGES))
                            .single()
                            .get("complete")
                            .asBoolean(false));
            if (!complete) {
                return null;
            }
            Map<String, Object> parameters = new HashMap<>();
            parameters.put("ranges", ranges);
            parameters.put("kinds", kinds);
            return top(
                    LEVEL_TOP_BY_SEEKING.formatted(
                            type,
                            property,
                            edge.formatted(type),
                            kinds == null ? "" : "AND m.kind IN $kinds",
                            NODE_COLUMNS,
                            label.equals("Artifact") ? "uri" : "name"),
                    parameters,
                    wanted,
                    limit -> Long.MAX_VALUE);
        }

        private List<Record> expandTop(
                Direction direction,
                String label,
                String key,
                Map<String, Object> parameters,
                String filter,
                int wanted) {
            return top(
                    LEVEL_TOP_BY_EXPANDING.formatted(step(direction), label, key, NODE_COLUMNS, filter),
                    parameters,
                    wanted,
                    limit -> Long.MAX_VALUE);
        }

        /**
         * The conditions of {@link #LEVEL_TOP_BY_EXPANDING} that the parameters need, and no more:
         * on a hub's first page a condition that always holds (after the empty key, any kind) still
         * cost a tenth of the query's time, evaluated once per edge.
         */
        private static String expandedFilter(String after, String until, Object kinds) {
            List<String> conditions = new ArrayList<>();
            conditions.add(after.isEmpty() ? "key IS NOT NULL" : "key > $after");
            if (until != null) {
                conditions.add("key <= $until");
            }
            if (kinds != null) {
                conditions.add("m.kind IN $kinds");
            }
            return String.join(" AND ", conditions);
        }

        /**
         * Runs a top query asking for a few more rows than wanted, as rows of nodes already reached
         * (or linked twice) are dropped here; asks again for more when too many were.
         *
         * @param scan the index entries the query may read for a given row limit
         */
        private List<Record> top(
                String query, Map<String, Object> parameters, int wanted, java.util.function.LongUnaryOperator scan) {
            long limit = wanted + 16L;
            while (true) {
                parameters.put("limit", limit);
                parameters.put("scan", scan.applyAsLong(limit));
                List<Record> rows = tx.run(query, parameters).list();
                List<Record> fresh = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (Record row : rows) {
                    String id = row.get("id").asString();
                    if (!reached.containsKey(id) && seen.add(id) && fresh.size() < wanted) {
                        fresh.add(row);
                    }
                }
                if (fresh.size() >= wanted || rows.size() < limit || limit >= walkLimit + (long) wanted) {
                    return fresh;
                }
                limit *= 2;
            }
        }

        /** The shown nodes of a large level that pages before this one held (those up to the page token). */
        private List<String> beforeCursor(Direction direction, List<String> from, int depth, long edges) {
            List<String> ids = new ArrayList<>();
            Map<String, List<String>> byLabel = frontierLabels(from);
            for (String label : List.of("Artifact", "TrialComponent")) {
                List<String> sources =
                        byLabel.getOrDefault(label.equals("Artifact") ? "TrialComponent" : "Artifact", List.of());
                Object kinds = shownKinds(label);
                String prefix = label.equals("Artifact") ? "artifact:" : "component:";
                String until =
                        query.afterKey().startsWith(prefix) ? query.afterKey().substring(prefix.length()) : null;
                if (sources.isEmpty()
                        || kinds == Boolean.FALSE
                        || until == null && Lineage.CODE_POINT_ORDER.compare(query.afterKey(), prefix) < 0) {
                    continue;
                }
                for (Record record : topOfLevel(
                        direction, label, sources, edges, "", until, kinds, walkLimit - reached.size() + 1)) {
                    Node node = node(record, depth);
                    if (Lineage.shown(node, query)
                            && visited.get(direction).add(record.get("id").asString())) {
                        ids.add(record.get("id").asString());
                        put(new Reached(record.get("id").asString(), node));
                    }
                }
                if (reached.size() > walkLimit) {
                    throw tooLarge(depth);
                }
            }
            return ids;
        }

        /**
         * @return the values of {@code kind} shown for nodes of {@code label}: null for all,
         *     a list for some, FALSE for none
         */
        private Object shownKinds(String label) {
            if (query.includeKinds().isEmpty()) {
                return null;
            }
            List<String> kinds = new ArrayList<>();
            for (String kind : query.includeKinds()) {
                if (label.equals("Artifact")) {
                    if (kind.equals("artifact")) {
                        return null;
                    }
                    if (!kind.startsWith("component")) {
                        kinds.add(kind);
                    }
                } else {
                    if (kind.equals("component")) {
                        return null;
                    }
                    if (kind.startsWith("component:")) {
                        kinds.add(kind.substring("component:".length()));
                    }
                }
            }
            return kinds.isEmpty() ? Boolean.FALSE : kinds;
        }

        /** @return the key property value after which this level's page starts; null when none of the label comes after */
        private String afterKeyValue(String label, int depth) {
            if (query.afterDepth() != depth) {
                return "";
            }
            String prefix = label.equals("Artifact") ? "artifact:" : "component:";
            String after = query.afterKey();
            if (after.startsWith(prefix)) {
                return after.substring(prefix.length());
            }
            return Lineage.CODE_POINT_ORDER.compare(after, prefix) < 0 ? "" : null;
        }

        private Map<String, List<String>> frontierLabels(List<String> from) {
            Map<String, List<String>> byLabel = new HashMap<>();
            for (String id : from) {
                byLabel.computeIfAbsent(
                                reached.get(id).node().isArtifact() ? "Artifact" : "TrialComponent",
                                l -> new ArrayList<>())
                        .add(id);
            }
            return byLabel;
        }

        private String step(Direction direction) {
            return (direction == Direction.UPSTREAM ? "<-[:%s]-" : "-[:%s]->").formatted(types(query));
        }

        /** The step from a level's node back to the frontier. */
        private String back(Direction direction) {
            return (direction == Direction.UPSTREAM ? "-[:%s]->" : "<-[:%s]-").formatted(types(query));
        }

        private Reached put(Reached r) {
            Reached earlier = reached.get(r.elementId());
            if (earlier == null || earlier.node().depth() > r.node().depth()) {
                reached.put(r.elementId(), r);
                return earlier == null ? r : null;
            }
            return null;
        }

        private void count(Reached r) {
            if (r != null && Lineage.shown(r.node(), query) && Lineage.afterCursor(r.node(), query)) {
                shownAfterCursor++;
            }
        }

        private ResourceExhaustedException tooLarge(int depth) {
            return new ResourceExhaustedException(
                    "lineage: the walk reaches more than " + walkLimit + " nodes by depth " + depth
                            + " (trialgraph.reads.max-lineage-nodes); narrow it with max_depth, include_kinds, stop_at_kinds or "
                            + "fewer start nodes");
        }
    }

    private static List<Direction> directions(Direction direction) {
        return direction == Direction.BOTH ? List.of(Direction.UPSTREAM, Direction.DOWNSTREAM) : List.of(direction);
    }

    private static String types(Lineage.Query query) {
        return String.join("|", new TreeSet<>(query.edgeTypes()));
    }

    /** Adds a node at a depth, keeping the smaller depth; @return it when it is new, else null. */
    private static Reached add(Map<String, Reached> reached, Record record, int depth) {
        String id = record.get("id").asString();
        Reached earlier = reached.get(id);
        if (earlier == null || earlier.node().depth() > depth) {
            Reached r = new Reached(id, node(record, depth));
            reached.put(id, r);
            return earlier == null ? r : null;
        }
        return null;
    }

    private static List<String> resolve(TransactionContext tx, List<Lineage.NodeRef> start) {
        List<String> ids = new ArrayList<>();
        for (Record record : tx.run(RESOLVE, Map.of("refs", refs(start))).list()) {
            if (record.get("id").isNull()) {
                throw notFound(start.get(record.get("index").asInt()));
            }
            ids.add(record.get("id").asString());
        }
        return ids;
    }

    /** The start references as parameters of {@link #RESOLVE} and {@link #SMALL_WALK}. */
    private static List<Map<String, Object>> refs(List<Lineage.NodeRef> start) {
        List<Map<String, Object>> refs = new ArrayList<>();
        for (int i = 0; i < start.size(); i++) {
            Lineage.NodeRef ref = start.get(i);
            Map<String, Object> row = new HashMap<>();
            row.put("index", i);
            row.put("uri", ref.artifactUri());
            row.put("id", ref.artifactId());
            row.put("component", ref.componentName());
            refs.add(row);
        }
        return refs;
    }

    private static NotFoundException notFound(Lineage.NodeRef missing) {
        if (missing.artifactUri() != null) {
            return new NotFoundException("artifact", missing.artifactUri());
        }
        return missing.artifactId() != null
                ? new NotFoundException("artifact with id", missing.artifactId())
                : new NotFoundException("trial component", missing.componentName());
    }

    private static Node node(Record record, int depth) {
        Map<String, Object> p = record.get("properties").asMap();
        if (record.get("artifact").asBoolean()) {
            String uri = GraphValues.string(p, "uri");
            return new Node(
                    "artifact:" + uri,
                    GraphValues.string(p, "kind"),
                    GraphValues.string(p, "name"),
                    uri,
                    GraphValues.string(p, "id"),
                    "",
                    GraphValues.string(p, "digest"),
                    depth);
        }
        String name = GraphValues.string(p, "name");
        return new Node(
                "component:" + name,
                "component:" + GraphValues.string(p, "kind"),
                name,
                "",
                "",
                GraphValues.string(p, "status"),
                "",
                depth);
    }
}
