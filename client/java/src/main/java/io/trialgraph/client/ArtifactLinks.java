package io.trialgraph.client;

import java.util.List;

/**
 * A component's inputs and outputs, as {@link TrialGraphClient#linkArtifacts} left them.
 *
 * @param inputs artifacts it consumed, in (name, URI) order
 * @param outputs artifacts it produced, in (name, URI) order
 */
public record ArtifactLinks(List<ArtifactLink> inputs, List<ArtifactLink> outputs) {

    /**
     * Copies the lists.
     *
     * @param inputs artifacts it consumed, in (name, URI) order
     * @param outputs artifacts it produced, in (name, URI) order
     */
    public ArtifactLinks {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
