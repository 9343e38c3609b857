package io.trialgraph.domain.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** MLflow's string parameters become typed values only when they read back as the same string. */
class ParamValuesTest {

    @Test
    void numbersAndBooleansThatPrintTheSameAreTyped() {
        assertThat(ParamValues.typed("60")).isEqualTo(60L);
        assertThat(ParamValues.typed("-3")).isEqualTo(-3L);
        assertThat(ParamValues.typed("0.001")).isEqualTo(0.001);
        assertThat(ParamValues.typed("128.5")).isEqualTo(128.5);
        assertThat(ParamValues.typed("60.0")).isEqualTo(60.0);
        assertThat(ParamValues.typed("True")).isEqualTo(true);
        assertThat(ParamValues.typed("False")).isEqualTo(false);
    }

    @Test
    void everythingElseStaysTheString() {
        for (String text : List.of(
                "1e-05",
                "007",
                "+1",
                "true",
                "NaN",
                "Infinity",
                "0x10",
                "1_000",
                "",
                " 1",
                "12345678901234567890",
                "[64, 64]",
                "adam",
                "1.0E-5x")) {
            assertThat(ParamValues.typed(text)).as(text).isEqualTo(text);
        }
    }

    @Test
    void aTypedValueReadsBackAsLogged() {
        for (String text :
                List.of("60", "0.001", "True", "False", "1e-05", "60.0", "-0.5", "adam", "9007199254740993")) {
            assertThat(ParamValues.text(ParamValues.typed(text))).as(text).isEqualTo(text);
        }
        assertThat(ParamValues.text(true)).isEqualTo("True");
        assertThat(ParamValues.text(30L)).isEqualTo("30");
    }
}
