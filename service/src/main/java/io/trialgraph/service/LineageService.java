package io.trialgraph.service;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Lineage;
import io.trialgraph.domain.Lineage.Edge;
import io.trialgraph.domain.Lineage.Node;
import io.trialgraph.domain.Lineage.NodeRef;
import io.trialgraph.domain.PageTokens;
import io.trialgraph.domain.Rules;
import io.trialgraph.rules.Quote;
import io.trialgraph.store.LineageStore;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lineage questions: checks them, walks the graph, orders the nodes nearest first, cuts pages at
 * {@code max_nodes} and adds the edges between the nodes returned.
 */
@Singleton
public class LineageService {

    public static final int DEFAULT_DEPTH = 10;
    public static final int MAX_DEPTH = 50;
    public static final int DEFAULT_NODES = 1_000;
    public static final int MAX_NODES = 10_000;
    public static final int MAX_START_NODES = 100;

    private static final Comparator<Node> NEAREST_FIRST =
            Comparator.comparingInt(Node::depth).thenComparing(Node::key);

    private final LineageStore store;

    LineageService(LineageStore store) {
        this.store = store;
    }

    /** Parses and checks the arguments of a lineage request. */
    public static Lineage.Query query(
            List<NodeRef> start,
            Lineage.Direction direction,
            int maxDepth,
            List<String> includeKinds,
            List<String> edgeTypes,
            List<String> stopKinds,
            int maxNodes,
            String pageToken) {
        if (start.isEmpty() || start.size() > MAX_START_NODES) {
            throw new InvalidArgumentException(
                    "start", "needs 1 to " + MAX_START_NODES + " nodes, has " + start.size());
        }
        for (int i = 0; i < start.size(); i++) {
            NodeRef ref = start.get(i);
            String at = "start[" + i + "]";
            if (ref.artifactUri() != null) {
                Rules.uri(at + ".artifact_uri", ref.artifactUri());
            } else if (ref.artifactId() != null) {
                if (ref.artifactId().isEmpty()) {
                    throw new InvalidArgumentException(at + ".artifact_id", "must not be empty");
                }
            } else if (ref.componentName() != null) {
                Rules.name(at + ".trial_component_name", ref.componentName());
            } else {
                throw new InvalidArgumentException(at, "needs artifact_uri, artifact_id or trial_component_name");
            }
        }
        int depth = maxDepth == 0 ? DEFAULT_DEPTH : maxDepth;
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new InvalidArgumentException(
                    "max_depth",
                    "must be between 1 and " + MAX_DEPTH + " (0 means " + DEFAULT_DEPTH + "), is " + maxDepth);
        }
        int nodes = maxNodes == 0 ? DEFAULT_NODES : maxNodes;
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new InvalidArgumentException(
                    "max_nodes",
                    "must be between 1 and " + MAX_NODES + " (0 means " + DEFAULT_NODES + "), is " + maxNodes);
        }
        Set<String> types = edgeTypes.isEmpty() ? Lineage.EDGE_TYPES : new HashSet<>(edgeTypes);
        for (int i = 0; i < edgeTypes.size(); i++) {
            if (!Lineage.EDGE_TYPES.contains(edgeTypes.get(i))) {
                throw new InvalidArgumentException(
                        "edge_types[" + i + "]", "must be CONSUMED_BY or PRODUCED, is " + Quote.of(edgeTypes.get(i)));
            }
        }
        Cursor cursor = Cursor.decode(pageToken);
        return new Lineage.Query(
                List.copyOf(start),
                direction,
                depth,
                kinds("include_kinds", includeKinds),
                types,
                kinds("stop_at_kinds", stopKinds),
                nodes,
                cursor.depth(),
                cursor.key());
    }

    private static Set<String> kinds(String field, List<String> kinds) {
        for (int i = 0; i < kinds.size(); i++) {
            if (!Lineage.isKnownKind(kinds.get(i))) {
                throw new InvalidArgumentException(
                        field + "[" + i + "]",
                        "must be dataset, model, code, checkpoint, other, "
                                + "artifact, component or component:<kind>, is " + Quote.of(kinds.get(i)));
            }
        }
        return Set.copyOf(kinds);
    }

    /** Answers a lineage question (one page of it). */
    public Lineage.Subgraph lineage(Lineage.Query query) {
        Page page = new Page(query);
        LineageStore.Walk walk = store.walk(
                query.start(), query.direction(), query.maxDepth(), query.edgeTypes(), query.stopKinds(), page::select);
        Map<String, Node> byId = new HashMap<>();
        page.upToPageEnd.forEach(r -> byId.put(r.elementId(), r.node()));
        List<Edge> edges = new ArrayList<>();
        List<Edge> all = new ArrayList<>();
        for (LineageStore.Link link : walk.links()) {
            Edge edge = new Edge(
                    byId.get(link.fromId()).key(), byId.get(link.toId()).key(), link.type(), link.name());
            all.add(edge);
            if (page.onPage.contains(link.fromId()) || page.onPage.contains(link.toId())) {
                edges.add(edge);
            }
        }
        edges.sort(Comparator.comparing(Edge::fromKey)
                .thenComparing(Edge::toKey)
                .thenComparing(Edge::type)
                .thenComparing(Edge::name));
        Node last = page.truncated ? page.nodes.get(page.nodes.size() - 1) : null;
        return new Lineage.Subgraph(
                page.nodes,
                edges,
                page.truncated,
                last == null ? -1 : last.depth(),
                last == null ? "" : last.key(),
                hasCycle(all));
    }

    /**
     * Which of the nodes reached an answer shows: the included kinds, nearest first, after the
     * cursor, up to max_nodes; the edges wanted are those among this page and the pages before.
     */
    private static final class Page {

        private final Lineage.Query query;
        private List<LineageStore.Reached> upToPageEnd = List.of();
        private final Set<String> onPage = new HashSet<>();
        private List<Node> nodes = List.of();
        private boolean truncated;

        Page(Lineage.Query query) {
            this.query = query;
        }

        List<String> select(List<LineageStore.Reached> reached) {
            List<LineageStore.Reached> shown = new ArrayList<>();
            for (LineageStore.Reached r : reached) {
                if (query.includeKinds().isEmpty()
                        || r.node().depth() == 0
                        || Lineage.matches(r.node(), query.includeKinds())) {
                    shown.add(r);
                }
            }
            shown.sort(Comparator.comparing(LineageStore.Reached::node, NEAREST_FIRST));
            int from = 0;
            if (query.afterDepth() >= 0) {
                Node after = new Node(query.afterKey(), "", "", "", "", "", "", query.afterDepth());
                while (from < shown.size()
                        && NEAREST_FIRST.compare(shown.get(from).node(), after) <= 0) {
                    from++;
                }
            }
            int to = Math.min(shown.size(), from + query.maxNodes());
            truncated = to < shown.size();
            upToPageEnd = shown.subList(0, to);
            List<LineageStore.Reached> page = shown.subList(from, to);
            page.forEach(r -> onPage.add(r.elementId()));
            nodes = page.stream().map(LineageStore.Reached::node).toList();
            return upToPageEnd.stream().map(LineageStore.Reached::elementId).toList();
        }
    }

    /** @return the page token that continues after {@code subgraph}, empty when it was the last page */
    public static String nextPageToken(Lineage.Subgraph subgraph) {
        return subgraph.truncated() ? new Cursor(subgraph.nextDepth(), subgraph.nextKey()).encode() : "";
    }

    /** Kahn's algorithm: the edges hold a cycle when not every node can be taken off in topological order. */
    static boolean hasCycle(List<Edge> edges) {
        Map<String, List<String>> next = new HashMap<>();
        Map<String, Integer> incoming = new HashMap<>();
        for (Edge edge : edges) {
            next.computeIfAbsent(edge.fromKey(), k -> new ArrayList<>()).add(edge.toKey());
            incoming.merge(edge.toKey(), 1, Integer::sum);
            incoming.putIfAbsent(edge.fromKey(), 0);
        }
        ArrayDeque<String> free = new ArrayDeque<>();
        incoming.forEach((key, count) -> {
            if (count == 0) {
                free.add(key);
            }
        });
        int removed = 0;
        while (!free.isEmpty()) {
            String key = free.poll();
            removed++;
            for (String target : next.getOrDefault(key, List.of())) {
                if (incoming.merge(target, -1, Integer::sum) == 0) {
                    free.add(target);
                }
            }
        }
        return removed < incoming.size();
    }

    /** The subgraph as Graphviz DOT: artifacts as ellipses, components as boxes, start nodes bold. */
    public static String dot(Lineage.Subgraph subgraph) {
        StringBuilder dot = new StringBuilder("digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for (Node node : subgraph.nodes()) {
            String label = node.isArtifact()
                    ? (node.name().isEmpty()
                            ? lines(node.uri(), "(" + node.kind() + ")")
                            : lines(node.name(), node.uri(), "(" + node.kind() + ")"))
                    : lines(node.name(), "(" + node.kind().substring("component:".length()) + ")");
            dot.append("  ")
                    .append(quote(node.key()))
                    .append(" [label=\"")
                    .append(label)
                    .append("\", shape=")
                    .append(node.isArtifact() ? "ellipse" : "box")
                    .append(node.depth() == 0 ? ", style=bold" : "")
                    .append("];\n");
        }
        for (Edge edge : subgraph.edges()) {
            dot.append("  ")
                    .append(quote(edge.fromKey()))
                    .append(" -> ")
                    .append(quote(edge.toKey()))
                    .append(" [label=")
                    .append(quote(edge.name().isEmpty() ? edge.type() : edge.name()))
                    .append("];\n");
        }
        return dot.append("}\n").toString();
    }

    /** Label lines, each escaped, joined by DOT's line break. */
    private static String lines(String... lines) {
        List<String> escaped = new ArrayList<>();
        for (String line : lines) {
            escaped.add(escape(line));
        }
        return String.join("\\n", escaped);
    }

    private static String quote(String text) {
        return "\"" + escape(text) + "\"";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }

    /** Where a truncated answer continues: after the node at (depth, key). */
    record Cursor(int depth, String key) {

        private static final String TOKEN_KIND = "lineage";

        String encode() {
            return PageTokens.encode(TOKEN_KIND, depth + ":" + key);
        }

        static Cursor decode(String token) {
            String position = PageTokens.decode(TOKEN_KIND, token, "GetLineage");
            if (position == null) {
                return new Cursor(-1, "");
            }
            int colon = position.indexOf(':');
            try {
                int depth = Integer.parseInt(position.substring(0, Math.max(colon, 0)));
                if (colon > 0 && depth >= 0) {
                    return new Cursor(depth, position.substring(colon + 1));
                }
            } catch (NumberFormatException malformed) {
                // reported below
            }
            throw PageTokens.invalid("GetLineage");
        }
    }
}
