package io.trialgraph.client;

import java.util.List;

/**
 * A lineage subgraph ({@link TrialGraphClient#lineage(LineageRequest)}): the nodes within reach of
 * the start nodes, each once at its shortest distance, and the data-flow edges between them.
 * Edges point along the data flow: artifact {@code CONSUMED_BY} component, component
 * {@code PRODUCED} artifact.
 *
 * @param nodes nodes nearest first (by depth, then key)
 * @param edges edges between the nodes of this answer and of the pages before it; each edge once
 * @param truncated true when more nodes were within reach than max nodes allowed
 * @param nextPageToken pass to {@link LineageRequest.Builder#pageToken(String)} for the next nodes; empty when not truncated
 * @param hasCycle true when the returned edges contain a cycle (e.g. a model fine-tuned from its own ancestor)
 */
public record Lineage(List<Node> nodes, List<Edge> edges, boolean truncated, String nextPageToken, boolean hasCycle) {

    /**
     * Copies the lists.
     *
     * @param nodes nodes nearest first (by depth, then key)
     * @param edges edges between the nodes of this answer and of the pages before it; each edge once
     * @param truncated true when more nodes were within reach than max nodes allowed
     * @param nextPageToken pass to {@link LineageRequest.Builder#pageToken(String)} for the next nodes; empty when not truncated
     * @param hasCycle true when the returned edges contain a cycle (e.g. a model fine-tuned from its own ancestor)
     */
    public Lineage {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /**
     * One node.
     *
     * @param key identifies the node within answers: "artifact:&lt;uri&gt;" or "component:&lt;name&gt;"
     * @param kind "dataset", "model", "code", "checkpoint", "other" or "component:&lt;kind&gt;"
     * @param name artifact name or component name
     * @param uri artifact URI (empty for components)
     * @param artifactId artifact id (empty for components)
     * @param status component status as the graph spells it, e.g. "Completed" (empty for artifacts)
     * @param digest artifact digest (empty when unknown)
     * @param depth data-flow hops from the nearest start node; 0 for start nodes
     */
    public record Node(String key, String kind, String name, String uri, String artifactId, String status, String digest,
            int depth) {

        /** @return true for an artifact, false for a component */
        public boolean isArtifact() {
            return key.startsWith("artifact:");
        }
    }

    /**
     * One data-flow edge.
     *
     * @param fromKey key of the node the data comes from
     * @param toKey key of the node the data goes to
     * @param type "CONSUMED_BY" or "PRODUCED"
     * @param name the link's name, e.g. "training"
     */
    public record Edge(String fromKey, String toKey, String type, String name) {
    }

    /**
     * @param kind a node kind, e.g. "model" or "component:training"
     * @return the nodes of that kind, in answer order
     */
    public List<Node> nodesOfKind(String kind) {
        return nodes.stream().filter(n -> n.kind().equals(kind)).toList();
    }
}
