package io.trialgraph.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** The types of lineage questions and answers. */
public final class Lineage {

    private Lineage() {}

    /** Which way to walk the data-flow edges. */
    public enum Direction {
        /** Against the data flow: what produced the start nodes. */
        UPSTREAM,
        /** With the data flow: what used the start nodes. */
        DOWNSTREAM,
        /** Both ways from the start nodes. */
        BOTH
    }

    /** The data-flow relationship types. */
    public static final Set<String> EDGE_TYPES = Set.of("CONSUMED_BY", "PRODUCED");

    /** A start node: exactly one of the three is set. */
    public record NodeRef(String artifactUri, String artifactId, String componentName) {}

    /**
     * A lineage question.
     *
     * @param includeKinds kinds of nodes to return (empty: all)
     * @param edgeTypes relationship types to follow
     * @param stopKinds kinds of nodes not to walk on from
     * @param afterDepth with {@code afterKey}: continue after this node of an earlier answer (-1: from the start)
     */
    public record Query(
            List<NodeRef> start,
            Direction direction,
            int maxDepth,
            Set<String> includeKinds,
            Set<String> edgeTypes,
            Set<String> stopKinds,
            int maxNodes,
            int afterDepth,
            String afterKey) {}

    /**
     * A node of an answer.
     *
     * @param key "artifact:&lt;uri&gt;" or "component:&lt;name&gt;"
     * @param kind an artifact kind, or "component:&lt;kind&gt;"
     */
    public record Node(
            String key,
            String kind,
            String name,
            String uri,
            String artifactId,
            String status,
            String digest,
            int depth) {

        public boolean isArtifact() {
            return key.startsWith("artifact:");
        }
    }

    /** A data-flow edge, from where the data comes to where it goes. */
    public record Edge(String fromKey, String toKey, String type, String name) {}

    /**
     * An answer.
     *
     * @param nextDepth with {@code nextKey}: where the next page starts; -1 when not truncated
     */
    public record Subgraph(
            List<Node> nodes, List<Edge> edges, boolean truncated, int nextDepth, String nextKey, boolean hasCycle) {}

    /**
     * Strings in Unicode code point order, the order of Neo4j's indexes and {@code ORDER BY}
     * (Java's own compares UTF-16 units, which differs past U+FFFF).
     */
    public static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    /** The order of an answer's nodes: nearest first, then by key. Pages are cut in this order. */
    public static final Comparator<Node> NEAREST_FIRST =
            Comparator.comparingInt(Node::depth).thenComparing(Node::key, CODE_POINT_ORDER);

    /** @return true when {@code node} belongs in an answer to {@code query}: a start node, or of an included kind */
    public static boolean shown(Node node, Query query) {
        return node.depth() == 0 || query.includeKinds().isEmpty() || matches(node, query.includeKinds());
    }

    /** @return true when {@code node} comes after the page token of {@code query} (always without one) */
    public static boolean afterCursor(Node node, Query query) {
        if (query.afterDepth() < 0) {
            return true;
        }
        if (node.depth() != query.afterDepth()) {
            return node.depth() > query.afterDepth();
        }
        return CODE_POINT_ORDER.compare(node.key(), query.afterKey()) > 0;
    }

    /** @return true when {@code node} is of a kind the walk does not go on from (start nodes always go on) */
    public static boolean stopsWalk(Node node, Query query) {
        if (node.depth() == 0 || query.stopKinds().isEmpty()) {
            return false;
        }
        return matches(node, query.stopKinds());
    }

    /** @return true when {@code kind} is one a filter may name */
    public static boolean isKnownKind(String kind) {
        return switch (kind) {
            case "dataset", "model", "code", "checkpoint", "other", "artifact", "component" -> true;
            default -> kind.startsWith("component:") && kind.length() > "component:".length();
        };
    }

    /** @return true when a node of {@code nodeKind} matches a filter naming {@code filterKind} */
    public static boolean matches(Node node, Set<String> filterKinds) {
        if (filterKinds.contains(node.kind())) {
            return true;
        }
        return node.isArtifact() ? filterKinds.contains("artifact") : filterKinds.contains("component");
    }
}
