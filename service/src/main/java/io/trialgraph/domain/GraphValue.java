package io.trialgraph.domain;

import java.util.List;
import java.util.Map;

/**
 * Graph values a Cypher result can hold besides plain Java ones (null, Boolean, Long, Double,
 * String, byte[], List, Map): nodes, relationships, paths, and temporal and spatial values as text.
 */
public sealed interface GraphValue {

    /** A node with its labels and properties. */
    record Node(String elementId, List<String> labels, Map<String, Object> properties) implements GraphValue {
    }

    /** A relationship with its type, ends and properties. */
    record Relationship(String elementId, String type, String startElementId, String endElementId,
            Map<String, Object> properties) implements GraphValue {
    }

    /** A path: nodes and the relationships between them, in order. */
    record Path(List<Node> nodes, List<Relationship> relationships) implements GraphValue {
    }

    /** A date, time, datetime or duration in ISO 8601. */
    record Temporal(String iso) implements GraphValue {
    }

    /** A point in Cypher's text form. */
    record Point(String text) implements GraphValue {
    }
}
