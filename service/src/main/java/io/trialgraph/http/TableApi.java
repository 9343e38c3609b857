package io.trialgraph.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.analytics.Column;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCsv;
import io.trialgraph.analytics.TableRequests;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.service.AnalyticsService;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The analytics table over HTTP: a page as JSON, or the whole table as CSV. Of one experiment
 * ({@code /experiments/NAME/table}) or across experiments ({@code /table?dataset=URI}, every job
 * that consumed the dataset, or {@code /table?experiment_tag=KEY=VALUE}, repeated, experiments
 * carrying every tag). Query parameters are GetTable's fields: {@code rows} ({@code components},
 * the default, or {@code trials}), {@code column} (repeated), {@code filter}, {@code sort}
 * (repeated, {@code COLUMN} or {@code COLUMN:desc}), {@code group_by}, {@code page_size},
 * {@code page_token}.
 */
@Controller(Api.PREFIX)
@ExecuteOn(Api.EXECUTOR)
final class TableApi {

    private final AnalyticsService service;
    private final ExecutorService streams;

    TableApi(AnalyticsService service, @Named(Api.STREAMS) ExecutorService streams) {
        this.service = service;
        this.streams = streams;
    }

    @Get(uri = "/experiments/{name}/table", produces = MediaType.APPLICATION_JSON)
    @Rpc(AnalyticsServiceGrpc.SERVICE_NAME + "/GetTable")
    HttpResponse<String> table(@PathVariable String name, HttpRequest<?> request) {
        return page(Table.Scope.ofExperiment(name), new Params(request));
    }

    @Get(uri = "/table", produces = MediaType.APPLICATION_JSON)
    @Rpc(AnalyticsServiceGrpc.SERVICE_NAME + "/GetTable")
    HttpResponse<String> tableAcross(HttpRequest<?> request) {
        Params params = new Params(request);
        return page(scopeAcross(params), params);
    }

    @Get(uri = "/experiments/{name}/table.csv", produces = "text/csv")
    @Rpc(AnalyticsServiceGrpc.SERVICE_NAME + "/ExportTableCsv")
    CompletableFuture<HttpResponse<byte[]>> csv(@PathVariable String name, HttpRequest<?> request) {
        return csv(Table.Scope.ofExperiment(name), new Params(request));
    }

    @Get(uri = "/table.csv", produces = "text/csv")
    @Rpc(AnalyticsServiceGrpc.SERVICE_NAME + "/ExportTableCsv")
    CompletableFuture<HttpResponse<byte[]>> csvAcross(HttpRequest<?> request) {
        Params params = new Params(request);
        return csv(scopeAcross(params), params);
    }

    private HttpResponse<String> page(Table.Scope scope, Params params) {
        Table.Page page = service.page(query(scope, params));
        List<List<Object>> rows = new ArrayList<>(page.rows().size());
        for (List<Object> row : page.rows()) {
            List<Object> cells = new ArrayList<>(row.size());
            for (Object value : row) {
                cells.add(value instanceof Double number ? Json.finite(number) : value);
            }
            rows.add(cells);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("columns", page.columns().stream().map(Column::id).toList());
        answer.put("rows", rows);
        answer.put("total_rows", page.totalRows());
        answer.put("next_page_token", TableRequests.token(page.nextOffset()));
        return ExperimentsApi.json(answer);
    }

    private CompletableFuture<HttpResponse<byte[]>> csv(Table.Scope scope, Params params) {
        Table.Query query = query(scope, params);
        return StreamedBody.respond(streams, MediaType.of("text/csv; charset=utf-8"), body -> {
            boolean[] header = {true};
            service.all(query, page -> {
                body.write(TableCsv.page(page, header[0]));
                header[0] = false;
            });
        });
    }

    /** {@code dataset=URI} or {@code experiment_tag=KEY=VALUE} (repeated); exactly one of them. */
    private static Table.Scope scopeAcross(Params params) {
        String dataset = params.text("dataset");
        List<String> tags = params.all("experiment_tag");
        if (dataset.isEmpty() == tags.isEmpty()) {
            throw new InvalidArgumentException(
                    "scope", "needs either dataset=URI or experiment_tag=KEY=VALUE (repeated)");
        }
        if (!dataset.isEmpty()) {
            return Table.Scope.ofDataset(dataset);
        }
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String tag : tags) {
            int equals = tag.indexOf('=');
            if (equals <= 0) {
                throw new InvalidArgumentException(
                        "experiment_tag", "must be KEY=VALUE, is '" + Params.quoted(tag) + "'");
            }
            byKey.put(tag.substring(0, equals), tag.substring(equals + 1));
        }
        return Table.Scope.ofExperimentTags(byKey);
    }

    private static Table.Rows rows(Params params) {
        return switch (params.text("rows")) {
            case "", "components" -> Table.Rows.COMPONENTS;
            case "trials" -> Table.Rows.TRIALS;
            default ->
                throw new InvalidArgumentException(
                        "rows", "must be components or trials, is '" + Params.quoted(params.text("rows")) + "'");
        };
    }

    private static Table.Query query(Table.Scope scope, Params params) {
        List<String> sortColumns = new ArrayList<>();
        List<Boolean> descending = new ArrayList<>();
        for (String key : params.all("sort")) {
            boolean desc = key.endsWith(":desc");
            boolean asc = key.endsWith(":asc");
            sortColumns.add(desc || asc ? key.substring(0, key.lastIndexOf(':')) : key);
            descending.add(desc);
        }
        return TableRequests.check(
                scope,
                rows(params),
                params.all("column"),
                params.text("filter"),
                sortColumns,
                descending,
                params.text("group_by"),
                params.integer("page_size", 0),
                params.text("page_token"));
    }
}
