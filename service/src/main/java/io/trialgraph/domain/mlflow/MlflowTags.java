package io.trialgraph.domain.mlflow;

/** The tags MLflow itself gives a meaning, and what trialgraph maps them to. */
public final class MlflowTags {

    /** An experiment's (or run's) description: for experiments, the experiment's description. */
    public static final String NOTE = "mlflow.note.content";
    /** A run's name: also the component's and trial's display name. */
    public static final String RUN_NAME = "mlflow.runName";
    /** Who started a run: the run's user id when the client sent none. */
    public static final String USER = "mlflow.user";
    /** MLflow 2's record of the models a run logged (JSON list), kept as MLflow's server keeps it. */
    public static final String LOGGED_MODELS = "mlflow.log-model.history";
    /** The role of a dataset input (train, eval, ...): the name of the CONSUMED_BY edge. */
    public static final String DATASET_CONTEXT = "mlflow.data.context";

    private MlflowTags() {}
}
