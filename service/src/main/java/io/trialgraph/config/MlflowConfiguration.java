package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/** MLflow's REST API on the HTTP port. */
@ConfigurationProperties("trialgraph.mlflow")
public class MlflowConfiguration {

    private boolean enabled = true;
    private String artifactRoot = "mlartifacts";

    /** @return whether the MLflow REST API answers on the HTTP port (default true) */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * @return where MLflow clients put the artifacts of experiments created without an artifact
     *     location: experiment {@code <id>} gets {@code <root>/<id>}, its runs
     *     {@code <root>/<id>/<run_id>/artifacts}. trialgraph stores no artifact files: clients write
     *     there themselves, so a relative path is relative to each client's working directory and
     *     a shared store (e.g. {@code s3://bucket/mlflow}) lets everyone read them. Default {@code mlartifacts}.
     */
    public String getArtifactRoot() {
        return artifactRoot;
    }

    public void setArtifactRoot(String artifactRoot) {
        String root = artifactRoot == null ? "" : artifactRoot.strip();
        while (root.length() > 1 && root.endsWith("/") && !root.endsWith(":/") && !root.endsWith("://")) {
            root = root.substring(0, root.length() - 1);
        }
        if (root.isEmpty()) {
            throw new InvalidConfigurationException(
                    "trialgraph.mlflow.artifact-root (TRIALGRAPH_MLFLOW_ARTIFACT_ROOT): "
                            + "must not be empty; e.g. mlartifacts or s3://bucket/mlflow");
        }
        this.artifactRoot = root;
    }
}
