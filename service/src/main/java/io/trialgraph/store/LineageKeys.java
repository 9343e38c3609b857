package io.trialgraph.store;

/**
 * The order keys of lineage edges, the one home of their format. Every {@code CONSUMED_BY} and
 * {@code PRODUCED} edge carries two:
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
 * <p>Length: the range index refuses keys over about 8 KB (8,167 bytes of UTF-8). A URI may have
 * 2,048 characters, up to 8,192 bytes, so a key could outgrow the index; a key is therefore left
 * out (null) when its two parts have 2,000 characters or more (at most 4 bytes each, so a key that
 * is written has at most 8,000 bytes). An edge without its key is not lost: the walk seeks only
 * where the keyed edges of the frontier number exactly its degree and expands the edges otherwise.
 * The back-fill migration V0008 writes the same keys in Cypher.
 */
public final class LineageKeys {

    /** The property of the key for walking an edge from its start node. */
    public static final String DOWNSTREAM = "downstreamKey";

    /** The property of the key for walking an edge from its end node. */
    public static final String UPSTREAM = "upstreamKey";

    /** Keys whose two parts reach this many characters are left out; see the class comment. */
    static final int MAX_PARTS_LENGTH = 2_000;

    private LineageKeys() {}

    /**
     * Cypher {@code SET} items giving a {@code CONSUMED_BY} edge its keys.
     *
     * @param edge the variable of the edge
     * @param artifact the variable of its start node, an artifact
     * @param component the variable of its end node, a component
     */
    public static String consumedBy(String edge, String artifact, String component) {
        return "%1$s.%2$s = %3$s, %1$s.%4$s = %5$s"
                .formatted(
                        edge,
                        DOWNSTREAM,
                        key(artifact + ".id", component + ".name"),
                        UPSTREAM,
                        key(component + ".name", artifact + ".uri"));
    }

    /**
     * Cypher {@code SET} items giving a {@code PRODUCED} edge its keys.
     *
     * @param edge the variable of the edge
     * @param component the variable of its start node, a component
     * @param artifact the variable of its end node, an artifact
     */
    public static String produced(String edge, String component, String artifact) {
        return "%1$s.%2$s = %3$s, %1$s.%4$s = %5$s"
                .formatted(
                        edge,
                        DOWNSTREAM,
                        key(component + ".name", artifact + ".uri"),
                        UPSTREAM,
                        key(artifact + ".id", component + ".name"));
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
