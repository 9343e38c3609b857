package io.trialgraph.http.mlflow;

import io.micronaut.http.annotation.Controller;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.http.Api;
import io.trialgraph.service.mlflow.MlflowExperimentService;
import io.trialgraph.service.mlflow.MlflowModelService;
import io.trialgraph.service.mlflow.MlflowRunService;

/** MLflow's REST API where MLflow's clients call it: {@code MLFLOW_TRACKING_URI=http://host:port}. */
@Controller(MlflowApi.PREFIX)
@ExecuteOn(Api.EXECUTOR)
final class MlflowApi extends MlflowRoutes {

    static final String PREFIX = "/api/2.0/mlflow";

    MlflowApi(MlflowExperimentService experiments, MlflowRunService runs, MlflowModelService models) {
        super(experiments, runs, models);
    }
}
