package io.trialgraph.service;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trialgraph.domain.InvalidArgumentException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CypherBoundsTest {

    static Stream<String> refused() {
        return Stream.of(
                "RETURN reduce(s = 0, x IN range(1, 2000000000) | s + x)",
                "RETURN size(range(0, 10000000))",
                "UNWIND RANGE(-5000000, 5000001) AS x RETURN x",
                "RETURN range(1, 0x7fffffff)",
                "RETURN range(1, 1000 * 1000 * 1000)",
                "RETURN range(1, $big)",
                "RETURN [x IN range(1, 10000) | [y IN range(1, 10000) | y]]",
                "RETURN reduce(s = 0, x IN range(1, 100000) | s + reduce(t = 0, y IN range(1, 1000) | t + y))",
                "RETURN any(x IN range(1, 100000) WHERE x IN range(1, 200))",
                "RETURN " + "(".repeat(101) + "1" + ")".repeat(101),
                "RETURN " + "[".repeat(60) + "{a: " + "(".repeat(41) + "1" + ")".repeat(41) + "}" + "]".repeat(60),
                "RETURN " + "NOT ".repeat(101) + "true",
                "RETURN reduce(l = [], i IN range(1, 5000) | [l]) AS deep",
                "RETURN reduce(l = [], i IN range(1, 25) | [l, i]) AS deep",
                "RETURN reduce(l = null, i IN $list | {next: l, value: i}) AS linked",
                "RETURN reduce(l = [], i IN range(1, 100) | CASE WHEN i > 0 THEN [l] ELSE l END) AS deep");
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refuses(String cypher) {
        assertThatThrownBy(() -> CypherBounds.check(cypher, Map.of("big", 20_000_000L)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("cypher: ");
    }

    static Stream<String> accepted() {
        return Stream.of(
                "RETURN range(1, 10000000)",
                "RETURN range(10000000, 1, -1)",
                "RETURN range(1, 2000000000, 1000)",
                "RETURN range(5, 1)",
                "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*)",
                "RETURN [x IN range(1, 1000) | x] + [y IN range(1, 10000) | y]",
                "WITH 2000000000 AS n RETURN range(1, n)",
                "RETURN range(1, $small), range(1, $text), range(1, toInteger('5'))",
                "RETURN 'range(1, 2000000000)' AS text // range(1, 2000000000)",
                "RETURN n.`range(1, 2000000000)`, $`range`",
                "/* range(1, 2000000000) */ RETURN 1",
                "RETURN " + "(".repeat(100) + "1" + ")".repeat(100),
                "RETURN " + "NOT ".repeat(50) + "(" + "NOT ".repeat(49) + "true)",
                "MATCH (a)-[*1..2000000000]->(b) RETURN b",
                "RETURN reduce(l = [], i IN range(1, 24) | [l]) AS deep",
                "RETURN reduce(l = [], i IN [1, 2, 3] | [l, i]) AS deep",
                "RETURN reduce(acc = [], x IN range(1, 100000) | acc + [x]) AS flat",
                "RETURN reduce(m = {sum: 0}, x IN range(1, 100000) | {sum: m.sum + x}) AS total",
                "RETURN reduce(acc = [0], x IN range(1, 100000) | [acc[0] + x]) AS total",
                "RETURN reduce(s = 0, x IN range(1, 100000) | coalesce(s, x, 1) + x) AS total");
    }

    @ParameterizedTest
    @MethodSource("accepted")
    void accepts(String cypher) {
        assertThatCode(() -> CypherBounds.check(cypher, Map.of("small", 10L, "text", "2000000000")))
                .doesNotThrowAnyException();
    }
}
