package io.trialgraph.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuoteTest {

    @Test
    void shortValuesAreQuotedWhole() {
        assertThat(Quote.of("my exp")).isEqualTo("'my exp'");
        assertThat(Quote.of(null)).isEqualTo("null");
    }

    @Test
    void longValuesAreCutAndTheirLengthGiven() {
        String quoted = Quote.of("k".repeat(20_000));
        assertThat(quoted).isEqualTo("'" + "k".repeat(Quote.MAX_CODE_POINTS) + "'... (20000 characters)");
        assertThat(Quote.bare("k".repeat(20_000))).hasSize(Quote.MAX_CODE_POINTS + 3);
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertThat(Quote.of("it's\na\\b\u0000\u202e")).isEqualTo("'it\\'s\\na\\\\b\\u0000\\u202e'");
    }

    @Test
    void cuttingNeverSplitsAnEmoji() {
        String emoji = "\uD83D\uDE00";
        String quoted = Quote.of(emoji.repeat(100));
        assertThat(quoted)
                .startsWith("'" + emoji.repeat(Quote.MAX_CODE_POINTS) + "'")
                .endsWith("(100 characters)");
    }
}
