package io.trialgraph.http.mlflow;

import io.micronaut.http.annotation.Controller;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.http.Api;
import io.trialgraph.service.mlflow.MlflowExperimentService;
import io.trialgraph.service.mlflow.MlflowModelService;
import io.trialgraph.service.mlflow.MlflowRunService;

/** The same API where MLflow's web UI calls it. */
@Controller(MlflowAjaxApi.PREFIX)
@ExecuteOn(Api.EXECUTOR)
final class MlflowAjaxApi extends MlflowRoutes {

    static final String PREFIX = "/ajax-api/2.0/mlflow";

    MlflowAjaxApi(MlflowExperimentService experiments, MlflowRunService runs, MlflowModelService models) {
        super(experiments, runs, models);
    }
}
