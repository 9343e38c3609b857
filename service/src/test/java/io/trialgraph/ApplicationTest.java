package io.trialgraph;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class ApplicationTest {

    @Test
    void startupFailureIsOurDiagnosisWhereverItIsWrapped() {
        Throwable wrapped = new IllegalStateException("Error instantiating bean\nMessage: long story",
                new RuntimeException("outer", new InvalidConfigurationException("neo4j.uri (NEO4J_URI): cannot reach Neo4j")));
        assertThat(Application.describe(wrapped)).isEqualTo("neo4j.uri (NEO4J_URI): cannot reach Neo4j");
    }

    @Test
    void otherwiseTheFirstLineOfTheRootCause() {
        Throwable wrapped = new IllegalStateException("outer",
                new IllegalArgumentException("\n  Failed to convert argument [port] for type [int]\n  Cannot convert 'abc'"));
        assertThat(Application.describe(wrapped)).isEqualTo("Failed to convert argument [port] for type [int]");
    }
}
