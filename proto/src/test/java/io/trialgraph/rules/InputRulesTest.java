package io.trialgraph.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputRulesTest {

    private static final String EMOJI = "\uD83D\uDE00";

    @Test
    void lengthsCountCodePoints() {
        assertThat(InputRules.metricNameProblem(EMOJI.repeat(128))).isNull();
        assertThat(InputRules.metricNameProblem(EMOJI.repeat(255))).isNull();
        assertThat(InputRules.metricNameProblem(EMOJI.repeat(256)))
                .isEqualTo("must be at most 255 characters, has 256");
        assertThat(InputRules.writerIdProblem(EMOJI.repeat(128))).isNull();
        assertThat(InputRules.nameProblem("a".repeat(121))).isEqualTo("must be at most 120 characters, has 121");
    }

    @Test
    void namesAndKeys() {
        assertThat(InputRules.nameProblem("custom-adam-60.v2_x")).isNull();
        assertThat(InputRules.nameProblem("my exp")).contains("'my exp'");
        assertThat(InputRules.nameProblem("")).isEqualTo("is required");
        assertThat(InputRules.keyProblem("learning-rate/x:y")).isNull();
        assertThat(InputRules.keyProblem("-x")).startsWith("must be letters");
    }

    @Test
    void aRuleMessageStaysShortWhateverTheValue() {
        assertThat(InputRules.keyProblem("/".repeat(20_000))).hasSizeLessThan(300);
        assertThat(InputRules.metricNameProblem("a\u0001".repeat(100))).hasSizeLessThan(300);
    }
}
