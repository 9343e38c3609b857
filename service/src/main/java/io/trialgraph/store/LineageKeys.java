package io.trialgraph.store;

/**
 * The order keys of lineage edges, the one home of their format and of the Cypher that keeps them.
 * A {@code CONSUMED_BY} or {@code PRODUCED} edge may carry two:
 * <ul>
 *   <li>{@code downstreamKey}: the identity of its start node, a space, and the page key of its
 *       end node;</li>
 *   <li>{@code upstreamKey}: the identity of its end node, a space, and the page key of its start
 *       node.</li>
 * </ul>
 * An artifact's identity is its {@code id}, its page key its {@code uri}; a component's identity and
 * page key are its {@code name} (the key a lineage page is ordered by, without its
 * {@code artifact:}/{@code component:} prefix, which one edge type and direction fix). With a range
 * index per type and key (migration V0007) the edges of one node in one direction are the index
 * entries from {@code "<identity> "} to {@code "<identity>!"}, in the order of the page, so a page
 * of a hub's neighbours is a seek, not an expansion of all its edges. Names never hold white
 * space ({@code InputRules}), nor do artifact ids (UUIDs) or URIs (the URI rule), so the space ends
 * the identity and no other node's keys fall in that range.
 *
 * <p><b>Only hubs.</b> An edge carries the key for walking it from one end only while that end has
 * at least {@value #HUB_EDGES} edges of its type in that direction: keys on every edge doubled the
 * store of the lineage benchmark, which then overflowed the page cache and slowed every small walk
 * several times, while only a hub's pages need them. The end node keeps how many of those edges
 * carry the key in a count property ({@link #count}); the statement that writes edges keeps both
 * ({@link #keep}): it keys the new edges of a node already keyed in full, keys all the node's edges
 * when it reaches the threshold (or when its count no longer matches its degree, after writes over
 * Bolt), and drops the keys of a node that fell below the threshold. Neo4j locks both ends of a
 * new relationship, so concurrent writers to one hub take turns there. The walk seeks from a node
 * only when its degree (from the degree store, free) is at least {@value #HUB_EDGES} and equals its
 * count; an edge written or deleted over Bolt without the count makes them differ, and the walk
 * expands the node's edges as it does for small nodes. The back-fill migration V0008 keys the hubs
 * of a store written before the keys in the same way.
 *
 * <p>Length: the range index refuses keys over about 8 KB (8,167 bytes of UTF-8). A URI may have
 * 2,048 characters, up to 8,192 bytes, so a key could outgrow the index; a key is therefore left
 * out (null) when its two parts have 2,000 characters or more (at most 4 bytes each, so a key that
 * is written has at most 8,000 bytes). Such an edge is not counted, so its node's count stays
 * below its degree and its edges are expanded, never sought.
 */
public final class LineageKeys {

    /** The property of the key for walking an edge from its start node. */
    public static final String DOWNSTREAM = "downstreamKey";

    /** The property of the key for walking an edge from its end node. */
    public static final String UPSTREAM = "upstreamKey";

    /** Edges of one type in one direction from which a node's edges carry their keys (migration V0008 too). */
    public static final int HUB_EDGES = 1_000;

    /** Keys whose two parts reach this many characters are left out; see the class comment. */
    static final int MAX_PARTS_LENGTH = 2_000;

    private LineageKeys() {}

    /**
     * The node property counting a node's edges of {@code type} that carry their key for the
     * direction: {@code consumedByDownstreamKeys}, {@code consumedByUpstreamKeys}, {@code
     * producedDownstreamKeys} or {@code producedUpstreamKeys}.
     */
    static String count(String type, boolean downstream) {
        return (type.equals("CONSUMED_BY") ? "consumedBy" : "produced") + (downstream ? "Downstream" : "Upstream")
                + "Keys";
    }

    /**
     * Cypher that keeps the keys and counts of the nodes at both ends of the edges just written:
     * append it to a write statement after {@code WITH collect(r) AS <edges>} (one row). See the
     * class comment for what it does per node and direction.
     *
     * @param edges the variable of the list of edges just written (or merged)
     * @param type their type, {@code CONSUMED_BY} or {@code PRODUCED}
     */
    public static String keep(String edges, String type) {
        return side(edges, type, true) + "\n" + side(edges, type, false);
    }

    /**
     * Cypher {@code SET} items that take an edge about to be deleted out of its ends' counts (when
     * it carries the keys); the node whose degree so falls below the threshold keeps its keys until
     * its next write through the service, and is expanded meanwhile.
     */
    public static String forget(String edge, String start, String end, String type) {
        return ("%2$s.%4$s = %2$s.%4$s - CASE WHEN %1$s.%6$s IS NULL THEN 0 ELSE 1 END, "
                        + "%3$s.%5$s = %3$s.%5$s - CASE WHEN %1$s.%7$s IS NULL THEN 0 ELSE 1 END")
                .formatted(edge, start, end, count(type, true), count(type, false), DOWNSTREAM, UPSTREAM);
    }

    /** {@link #keep} for the nodes at one end. */
    private static String side(String edges, String type, boolean downstream) {
        // The node of this side is the start of the edge downstream, its end upstream; artifacts
        // start CONSUMED_BY edges and end PRODUCED ones.
        boolean nodeIsArtifact = type.equals("CONSUMED_BY") == downstream;
        String node = downstream ? "startNode" : "endNode";
        String other = downstream ? "endNode" : "startNode";
        String step = downstream ? "-[r:%s]->" : "<-[r:%s]-";
        String property = downstream ? DOWNSTREAM : UPSTREAM;
        String key = key(nodeIsArtifact ? "n.id" : "n.name", nodeIsArtifact ? "m.name" : "m.uri");
        return """
                CALL (%1$s) {
                  UNWIND %1$s AS e
                  WITH %2$s(e) AS n, collect(DISTINCT e) AS batch
                  WITH n, COUNT { (n)%4$s() } AS degree, n.%6$s AS keyed, [e IN batch WHERE e.%5$s IS NULL] AS unkeyed
                  CALL (n, degree, keyed, unkeyed) {
                    WITH * WHERE degree >= %8$d AND keyed + size(unkeyed) = degree
                    UNWIND unkeyed AS r
                    WITH n, keyed, r, %3$s(r) AS m
                    SET r.%5$s = %7$s
                    WITH n, keyed, count(r.%5$s) AS added
                    SET n.%6$s = keyed + added
                  }
                  CALL (n, degree, keyed, unkeyed) {
                    WITH * WHERE degree >= %8$d AND (keyed IS NULL OR keyed + size(unkeyed) <> degree)
                    CALL (n) {
                      MATCH (n)%4$s(m) WHERE r.%5$s IS NULL
                      SET r.%5$s = %7$s
                    }
                    SET n.%6$s = COUNT { MATCH (n)%4$s() WHERE r.%5$s IS NOT NULL }
                  }
                  CALL (n, degree, keyed) {
                    WITH * WHERE degree < %8$d AND keyed IS NOT NULL
                    CALL (n) {
                      MATCH (n)%4$s()
                      REMOVE r.%5$s
                    }
                    REMOVE n.%6$s
                  }
                }""".formatted(
                        edges, node, other, step.formatted(type), property, count(type, downstream), key, HUB_EDGES);
    }

    /** A key in Cypher: null when a part is missing or the parts are too long to index. */
    private static String key(String identity, String pageKey) {
        return "CASE WHEN size(%1$s) + size(%2$s) < %3$d THEN %1$s + ' ' + %2$s END"
                .formatted(identity, pageKey, MAX_PARTS_LENGTH);
    }

    /** The smallest key of a node's edges whose other end's page key is after {@code after}. */
    static String after(String identity, String after) {
        return identity + " " + after;
    }

    /** The key after every key of a node's edges. */
    static String end(String identity) {
        return identity + "!";
    }

    /**
     * The key after every key of a node's edges whose other end's page key is at most {@code
     * until} (no string lies between a string and itself followed by the smallest character).
     */
    static String through(String identity, String until) {
        return identity + " " + until + "\u0000";
    }
}
