package io.trialgraph.domain.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.mlflow.SearchClause.Entity;
import io.trialgraph.domain.mlflow.SearchClause.Operator;
import io.trialgraph.domain.mlflow.SearchFilter.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MLflow's search language: what parses into which clauses, and what is refused with its position. */
class SearchFilterTest {

    private static List<SearchClause> runs(String filter) {
        return SearchFilter.parse("filter", filter, Target.RUNS);
    }

    @Test
    void parsesTheClausesMlflowDocuments() {
        assertThat(runs("metrics.rmse < 1 and params.model_class = 'LogisticRegression'"))
                .containsExactly(
                        new SearchClause(Entity.METRIC, "rmse", Operator.LT, 1.0),
                        new SearchClause(Entity.PARAM, "model_class", Operator.EQ, "LogisticRegression"));
        assertThat(runs("metrics.\"model class\" = 2e-3 AND tags.\"user-name\" = 'Tomas'"))
                .containsExactly(
                        new SearchClause(Entity.METRIC, "model class", Operator.EQ, 0.002),
                        new SearchClause(Entity.TAG, "user-name", Operator.EQ, "Tomas"));
        assertThat(runs("tags.`mlflow.user` LIKE 'a%' and param.lr != \"0.1\" and metric.train/loss >= -1.5"))
                .containsExactly(
                        new SearchClause(Entity.TAG, "mlflow.user", Operator.LIKE, "a%"),
                        new SearchClause(Entity.PARAM, "lr", Operator.NE, "0.1"),
                        new SearchClause(Entity.METRIC, "train/loss", Operator.GE, -1.5));
        assertThat(runs("attributes.run_id IN ('a', \"b\") AND run_name ILIKE '%x%' AND created > 1700000000000"))
                .containsExactly(
                        new SearchClause(Entity.ATTRIBUTE, "run_id", Operator.IN, List.of("a", "b")),
                        new SearchClause(Entity.ATTRIBUTE, "run_name", Operator.ILIKE, "%x%"),
                        new SearchClause(Entity.ATTRIBUTE, "start_time", Operator.GT, 1_700_000_000_000L));
        assertThat(runs("datasets.context NOT IN ('eval') and status = 'FINISHED'"))
                .containsExactly(
                        new SearchClause(Entity.DATASET, "context", Operator.NOT_IN, List.of("eval")),
                        new SearchClause(Entity.ATTRIBUTE, "status", Operator.EQ, "FINISHED"));
        assertThat(runs("  ")).isEmpty();
        assertThat(SearchFilter.parse(
                        "filter", "name LIKE 'cifar%' and tags.team = 'v' and creation_time > 5", Target.EXPERIMENTS))
                .hasSize(3);
    }

    @Test
    void refusesWhatMlflowRefusesWithThePosition() {
        assertRefused("metrics.acc > 'high'", "filter: at position 15: expected a number, found ''high''");
        assertRefused(
                "params.lr > '0.1'",
                "filter: at position 13: parameter 'lr' compares strings with =, !=, LIKE or ILIKE, not >");
        assertRefused(
                "metrics.acc LIKE 1",
                "filter: at position 18: metric 'acc' compares numbers with =, !=, <, <=, > or >=, not LIKE");
        assertRefused(
                "params.lr = 0.1",
                "filter: at position 13: expected a quoted string value for parameter 'lr' (e.g. 'adam'), found '0.1'");
        assertRefused(
                "metrics.acc > 1 or metrics.acc < 0",
                "filter: at position 17: expected AND or the end of the filter, found 'or metrics.acc < 0'");
        assertRefused(
                "weights.w > 1",
                "filter: at position 1: unknown entity 'weights'; expected metrics, params, tags, attributes or datasets");
        assertRefused(
                "colour = 'red'",
                "filter: at position 1: unknown attribute 'colour'; expected one of [artifact_uri, end_time,"
                        + " lifecycle_stage, run_id, run_name, start_time, status, user_id]");
        assertRefused(
                "params.a IN ('x')",
                "filter: at position 13: only run_id and dataset fields take IN (...), parameter 'a' does not");
        assertRefused("tags.t = 'open", "filter: at position 10: the quote ' is never closed");
        assertRefused(
                "start_time > 1.5",
                "filter: at position 14: attribute 'start_time' is compared with whole milliseconds since"
                        + " the epoch, not 1.5");
        assertRefused("metrics.acc >", "filter: at position 14: expected a number, found the end of the filter");
        assertThatThrownBy(() -> SearchFilter.parse("filter", "metrics.acc > 1", Target.EXPERIMENTS))
                .hasMessageContaining(
                        "experiments are searched by name, creation_time, last_update_time and tags.<key>");
        assertThatThrownBy(() -> runs("a".repeat(MlflowRules.FILTER_MAX + 1)))
                .hasMessageStartingWith("filter: must be at most");
        assertThatThrownBy(() -> runs("metrics.a > 1" + " and metrics.a > 1".repeat(MlflowRules.MAX_CLAUSES)))
                .hasMessage("filter: has more than " + MlflowRules.MAX_CLAUSES + " comparisons");
    }

    @Test
    void readsOrderKeys() {
        assertThat(SearchFilter.orderKey("order_by", "metrics.acc DESC", Target.RUNS))
                .isEqualTo(new OrderKey(Entity.METRIC, "acc", false));
        assertThat(SearchFilter.orderKey("order_by", "params.`batch size`", Target.RUNS))
                .isEqualTo(new OrderKey(Entity.PARAM, "batch size", true));
        assertThat(SearchFilter.orderKey("order_by", "created asc", Target.RUNS))
                .isEqualTo(new OrderKey(Entity.ATTRIBUTE, "start_time", true));
        assertThat(SearchFilter.orderKey("order_by", "experiment_id", Target.EXPERIMENTS))
                .isEqualTo(new OrderKey(Entity.ATTRIBUTE, "experiment_id", true));
        assertThatThrownBy(() -> SearchFilter.orderKey("order_by[1]", "metrics.acc UP", Target.RUNS))
                .hasMessage("order_by[1]: at position 13: expected ASC, DESC or the end, found 'UP'");
        assertThatThrownBy(() -> SearchFilter.orderKey("order_by", "colour", Target.RUNS))
                .hasMessageStartingWith("order_by: cannot order by attribute 'colour'");
        assertThatThrownBy(() -> SearchFilter.orderKey("order_by", "tags.a", Target.EXPERIMENTS))
                .isInstanceOf(InvalidArgumentException.class);
    }

    private static void assertRefused(String filter, String message) {
        assertThatThrownBy(() -> runs(filter))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage(message);
    }
}
