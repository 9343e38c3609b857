package io.trialgraph.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class CliParsingTest {

    @Test
    void cypherParametersAreTypedLikeTheyRead() {
        assertThat(CypherCommand.value("60")).isEqualTo(60L);
        assertThat(CypherCommand.value("-3")).isEqualTo(-3L);
        assertThat(CypherCommand.value("0.001")).isEqualTo(0.001);
        assertThat(CypherCommand.value("1e-6")).isEqualTo(1e-6);
        assertThat(CypherCommand.value("true")).isEqualTo(true);
        assertThat(CypherCommand.value("false")).isEqualTo(false);
        assertThat(CypherCommand.value("custom-adam-60")).isEqualTo("custom-adam-60");
        assertThat(CypherCommand.value("s3://bucket/x")).isEqualTo("s3://bucket/x");
        assertThat(CypherCommand.value("")).isEqualTo("");
        assertThat(CypherCommand.value("True")).isEqualTo("True");
    }

    @Test
    void deadlinesReadLikePeopleWriteThem() {
        ConnectionOptions.DurationConverter converter = new ConnectionOptions.DurationConverter();
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void csvQuotesOnlyTheCellsThatNeedIt() {
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.PrintWriter out = new java.io.PrintWriter(text);
        Output.csv(out, java.util.List.of("name", "tags", "note"),
                java.util.List.of(java.util.Arrays.asList("custom-rmsprop-60-training", "model=custom,optimizer=adam", "say \"hi\"")));
        out.flush();
        assertThat(text.toString()).isEqualTo("name,tags,note\ncustom-rmsprop-60-training,\"model=custom,optimizer=adam\",\"say \"\"hi\"\"\"\n");
    }

    @Test
    void tableNumbersAreShort() {
        assertThat(Output.number(0.87)).isEqualTo("0.87");
        assertThat(Output.number(0.8516661234)).isEqualTo("0.851666");
        assertThat(Output.number(2.0)).isEqualTo("2");
        assertThat(Output.number(1e-6)).isEqualTo("1.00000e-06");
        assertThat(Output.number(0)).isEqualTo("0");
        assertThat(Output.number(Double.NaN)).isEqualTo("NaN");
    }
}
