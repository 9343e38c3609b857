package io.trialgraph.grpc;

import static io.trialgraph.grpc.ExperimentEndpoint.reply;

import io.grpc.stub.StreamObserver;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCsv;
import io.trialgraph.analytics.TableRequests;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.ExportTableCsvResponse;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.GetTableResponse;
import io.trialgraph.api.v1.SortKey;
import io.trialgraph.api.v1.TableRow;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.service.AnalyticsService;
import jakarta.inject.Singleton;
import java.util.List;

/** gRPC face of {@link AnalyticsService}; also writes the CSV. */
@Singleton
class AnalyticsEndpoint extends AnalyticsServiceGrpc.AnalyticsServiceImplBase {

    private final AnalyticsService service;

    AnalyticsEndpoint(AnalyticsService service) {
        this.service = service;
    }

    @Override
    public void getTable(GetTableRequest request, StreamObserver<GetTableResponse> response) {
        Table.Page page = service.page(query(request));
        GetTableResponse.Builder builder = GetTableResponse.newBuilder()
                .setTotalRows(page.totalRows())
                .setNextPageToken(TableRequests.token(page.nextOffset()));
        page.columns().forEach(column -> builder.addColumns(column.id()));
        for (List<Object> row : page.rows()) {
            TableRow.Builder cells = TableRow.newBuilder();
            row.forEach(value -> cells.addValues(Protos.value(value)));
            builder.addRows(cells);
        }
        reply(response, builder.build());
    }

    @Override
    public void exportTableCsv(GetTableRequest request, StreamObserver<ExportTableCsvResponse> response) {
        boolean[] header = {true};
        service.all(query(request), page -> {
            response.onNext(ExportTableCsvResponse.newBuilder()
                    .setCsv(TableCsv.page(page, header[0]))
                    .build());
            header[0] = false;
        });
        response.onCompleted();
    }

    private static Table.Query query(GetTableRequest request) {
        Table.Scope scope = switch (request.getScopeCase()) {
            case EXPERIMENT_NAME -> Table.Scope.ofExperiment(request.getExperimentName());
            case TRIAL_NAMES -> Table.Scope.ofTrials(request.getTrialNames().getNamesList());
            case EXPERIMENT_NAME_PREFIX -> Table.Scope.ofExperimentPrefix(request.getExperimentNamePrefix());
            case DATASET_URI -> Table.Scope.ofDataset(request.getDatasetUri());
            case EXPERIMENT_TAGS ->
                Table.Scope.ofExperimentTags(request.getExperimentTags().getTagsMap());
            case SCOPE_NOT_SET -> null;
        };
        Table.Rows rows = switch (request.getRows()) {
            case TABLE_ROWS_UNSPECIFIED, TABLE_ROWS_COMPONENTS -> Table.Rows.COMPONENTS;
            case TABLE_ROWS_TRIALS -> Table.Rows.TRIALS;
            case UNRECOGNIZED -> throw new InvalidArgumentException("rows", "is not a known TableRows");
        };
        return TableRequests.check(
                scope,
                rows,
                request.getColumnsList(),
                request.getFilter(),
                request.getSortList().stream().map(SortKey::getColumn).toList(),
                request.getSortList().stream().map(SortKey::getDescending).toList(),
                request.getGroupBy(),
                request.getPageSize(),
                request.getPageToken());
    }
}
