package io.trialgraph.grpc;

import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.domain.CallBudget;
import java.util.Set;

/**
 * The one place that says which calls are long reads: those whose cost the caller decides
 * (ad-hoc Cypher, tables, lineage walks, series). Their database work draws from a bounded share
 * of connections, on gRPC and on the HTTP routes that mirror these methods alike.
 */
public final class ReadLanes {

    /** The RPCs whose reads draw from the long-read share of connections. */
    static final Set<String> LONG_READS = Set.of(
            QueryServiceGrpc.getRunQueryMethod().getFullMethodName(),
            AnalyticsServiceGrpc.getGetTableMethod().getFullMethodName(),
            AnalyticsServiceGrpc.getExportTableCsvMethod().getFullMethodName(),
            LineageServiceGrpc.getGetLineageMethod().getFullMethodName(),
            LineageServiceGrpc.getGetLineageDotMethod().getFullMethodName(),
            MetricServiceGrpc.getReadMetricSeriesMethod().getFullMethodName(),
            // The MLflow API's reads whose size the caller decides (its routes name these).
            "mlflow.MlflowService/searchRuns",
            "mlflow.MlflowService/searchExperiments",
            "mlflow.MlflowService/searchLoggedModels",
            "mlflow.MlflowService/getMetricHistory",
            "mlflow.MlflowService/getMetricHistoryBulkInterval");

    private ReadLanes() {}

    /** @return the share of connections the reads of {@code fullMethodName} (e.g. "trialgraph.v1.QueryService/RunQuery") draw from */
    public static CallBudget.Lane of(String fullMethodName) {
        return LONG_READS.contains(fullMethodName) ? CallBudget.Lane.LONG : CallBudget.Lane.SHORT;
    }
}
