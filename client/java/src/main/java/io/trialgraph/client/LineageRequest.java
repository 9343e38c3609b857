package io.trialgraph.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A lineage question: from which nodes, which way, how far, which nodes to return.
 *
 * <pre>{@code
 * // What data, code and jobs produced this model?
 * Lineage l = client.lineage(LineageRequest.upstream().fromArtifact("s3://bucket/models/m1").build());
 * // Which jobs and models used this dataset, models only, at most 3 hops?
 * client.lineage(LineageRequest.downstream().fromArtifact(train).includeKinds("model").maxDepth(3).build());
 * }</pre>
 *
 * Node kinds (for {@code includeKinds} and {@code stopAtKinds}): "dataset", "model", "code",
 * "checkpoint", "other", "artifact" (any artifact), "component" (any component) and
 * "component:&lt;kind&gt;". Edge types: "CONSUMED_BY", "PRODUCED".
 *
 * @param direction which way to walk
 * @param startArtifactUris artifacts to start from, by URI
 * @param startArtifactIds artifacts to start from, by id
 * @param startComponents components to start from, by name
 * @param maxDepth most data-flow hops from a start node: 0 means 10; 1 to 50
 * @param includeKinds only return nodes of these kinds (the walk still passes the others); empty for all
 * @param edgeTypes only follow these edge types; empty for both
 * @param stopAtKinds return nodes of these kinds but do not walk on from them
 * @param maxNodes most nodes to return, nearest first: 0 means 1,000; at most 10,000
 * @param pageToken the next page token of a truncated answer (with otherwise equal arguments); empty for the first
 */
public record LineageRequest(Direction direction, List<String> startArtifactUris, List<String> startArtifactIds,
        List<String> startComponents, int maxDepth, List<String> includeKinds, List<String> edgeTypes,
        List<String> stopAtKinds, int maxNodes, String pageToken) {

    /** Which way to walk from the start nodes. */
    public enum Direction {
        /** Against the data flow: what produced the start nodes. */
        UPSTREAM,
        /** With the data flow: what used the start nodes. */
        DOWNSTREAM,
        /** Both ways from the start nodes (not up-then-down: siblings are not included). */
        BOTH
    }

    /**
     * Copies the lists.
     *
     * @param direction which way to walk
     * @param startArtifactUris artifacts to start from, by URI
     * @param startArtifactIds artifacts to start from, by id
     * @param startComponents components to start from, by name
     * @param maxDepth most data-flow hops from a start node: 0 means 10; 1 to 50
     * @param includeKinds only return nodes of these kinds (the walk still passes the others); empty for all
     * @param edgeTypes only follow these edge types; empty for both
     * @param stopAtKinds return nodes of these kinds but do not walk on from them
     * @param maxNodes most nodes to return, nearest first: 0 means 1,000; at most 10,000
     * @param pageToken the next page token of a truncated answer (with otherwise equal arguments); empty for the first
     */
    public LineageRequest {
        Objects.requireNonNull(direction, "direction");
        startArtifactUris = List.copyOf(startArtifactUris);
        startArtifactIds = List.copyOf(startArtifactIds);
        startComponents = List.copyOf(startComponents);
        includeKinds = List.copyOf(includeKinds);
        edgeTypes = List.copyOf(edgeTypes);
        stopAtKinds = List.copyOf(stopAtKinds);
        pageToken = pageToken == null ? "" : pageToken;
    }

    /** @return a builder for an upstream question ("what produced this?") */
    public static Builder upstream() {
        return new Builder(Direction.UPSTREAM);
    }

    /** @return a builder for a downstream question ("what used this?") */
    public static Builder downstream() {
        return new Builder(Direction.DOWNSTREAM);
    }

    /** @return a builder for both directions ("everything around this") */
    public static Builder both() {
        return new Builder(Direction.BOTH);
    }

    /** Builds a {@link LineageRequest}; give at least one start node. */
    public static final class Builder {
        private final Direction direction;
        private final List<String> uris = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private final List<String> components = new ArrayList<>();
        private int maxDepth;
        private final List<String> includeKinds = new ArrayList<>();
        private final List<String> edgeTypes = new ArrayList<>();
        private final List<String> stopAtKinds = new ArrayList<>();
        private int maxNodes;
        private String pageToken = "";

        private Builder(Direction direction) {
            this.direction = direction;
        }

        /**
         * @param uris artifacts to start from, by URI
         * @return this builder
         */
        public Builder fromArtifact(String... uris) {
            this.uris.addAll(List.of(uris));
            return this;
        }

        /**
         * @param ids artifacts to start from, by id
         * @return this builder
         */
        public Builder fromArtifactId(String... ids) {
            this.ids.addAll(List.of(ids));
            return this;
        }

        /**
         * @param names components to start from, by name
         * @return this builder
         */
        public Builder fromComponent(String... names) {
            components.addAll(List.of(names));
            return this;
        }

        /**
         * @param maxDepth most hops, 1 to 50 (default 10)
         * @return this builder
         */
        public Builder maxDepth(int maxDepth) {
            this.maxDepth = maxDepth;
            return this;
        }

        /**
         * @param kinds only return nodes of these kinds
         * @return this builder
         */
        public Builder includeKinds(String... kinds) {
            includeKinds.addAll(List.of(kinds));
            return this;
        }

        /**
         * @param types only follow these edge types ("CONSUMED_BY", "PRODUCED")
         * @return this builder
         */
        public Builder edgeTypes(String... types) {
            edgeTypes.addAll(List.of(types));
            return this;
        }

        /**
         * @param kinds return but do not walk on from nodes of these kinds
         * @return this builder
         */
        public Builder stopAtKinds(Collection<String> kinds) {
            stopAtKinds.addAll(kinds);
            return this;
        }

        /**
         * @param kinds return but do not walk on from nodes of these kinds
         * @return this builder
         */
        public Builder stopAtKinds(String... kinds) {
            return stopAtKinds(List.of(kinds));
        }

        /**
         * @param maxNodes most nodes per answer (default 1,000, at most 10,000)
         * @return this builder
         */
        public Builder maxNodes(int maxNodes) {
            this.maxNodes = maxNodes;
            return this;
        }

        /**
         * @param pageToken {@link Lineage#nextPageToken()} of the previous answer
         * @return this builder
         */
        public Builder pageToken(String pageToken) {
            this.pageToken = pageToken;
            return this;
        }

        /** @return the request */
        public LineageRequest build() {
            return new LineageRequest(direction, uris, ids, components, maxDepth, includeKinds, edgeTypes, stopAtKinds,
                    maxNodes, pageToken);
        }
    }
}
