// MLflow's REST API names experiments by a stable id (the Default experiment is "0") and by a
// name; where the MLflow name is not a valid trialgraph name the experiment keeps it in mlflowName.
// MLflow 3's logged models are model artifacts found by their model id.
CREATE CONSTRAINT experiment_mlflow_id_unique IF NOT EXISTS FOR (e:Experiment) REQUIRE e.mlflowId IS UNIQUE;
CREATE CONSTRAINT experiment_mlflow_name_unique IF NOT EXISTS FOR (e:Experiment) REQUIRE e.mlflowName IS UNIQUE;
CREATE CONSTRAINT artifact_mlflow_model_id_unique IF NOT EXISTS FOR (a:Artifact) REQUIRE a.mlflowModelId IS UNIQUE;
