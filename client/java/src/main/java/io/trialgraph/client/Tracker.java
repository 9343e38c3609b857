package io.trialgraph.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Records one job (a trial component) while it runs: its parameters, inputs, outputs and metrics,
 * then its end. Get one from {@link TrialGraphClient#tracker(String, String, String...)}, which
 * creates the component with status {@code IN_PROGRESS} and the start time now, and use it with
 * try-with-resources:
 *
 * <pre>{@code
 * try (Tracker job = client.tracker("custom-adam-60-training", "training", "custom-adam-60")) {
 *     job.logParameters(Map.of("epochs", 60, "optimizer", "adam", "learning-rate", 0.001));
 *     job.logInput("train", "s3://bucket/cifar10/train", ArtifactKind.DATASET);
 *     try {
 *         for (int step = 0; step < steps; step++) {
 *             job.logMetric("loss", step, train(step));
 *         }
 *     } catch (RuntimeException e) {
 *         job.fail(e.toString());          // close() then records Failed with this message
 *         throw e;
 *     }
 *     job.logOutput("model", "s3://bucket/models/custom-adam-60", ArtifactKind.MODEL);
 * }                                        // close(): flushes the metrics, records Completed and the end time
 * }</pre>
 *
 * Parameters, inputs, outputs and metadata are written at once (one call each, which throws
 * {@link TrialGraphException} on failure). Metrics go through the client's shared
 * {@link MetricLogger}: {@link #logMetric} never waits for the network. A tracker is thread-safe
 * as far as its parts are: any thread may log metrics.
 */
public final class Tracker implements AutoCloseable {

    private final TrialGraphClient client;
    private final String name;
    private final MetricLogger metrics;
    private volatile String failure;
    private volatile boolean stopped;
    private boolean closed;

    Tracker(TrialGraphClient client, String name, MetricLogger metrics) {
        this.client = client;
        this.name = name;
        this.metrics = metrics;
    }

    /** @return the name of the tracked component */
    public String name() {
        return name;
    }

    /**
     * Sets typed parameters of the job (logging one again overwrites it).
     *
     * @param parameters Long/Integer (stored as integers), Double/Float (numbers), String or Boolean values
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT (a bad name or a value of another type)
     */
    public Tracker logParameters(Map<String, ?> parameters) {
        client.logParameters(name, parameters);
        return this;
    }

    /**
     * Sets one typed parameter.
     *
     * @param parameter the name
     * @param value a Long/Integer, Double/Float, String or Boolean
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public Tracker logParameter(String parameter, Object value) {
        client.logParameters(name, java.util.Collections.singletonMap(parameter, value));
        return this;
    }

    /**
     * Sets a metadata entry (instance type, image, git commit...).
     *
     * @param key the key
     * @param value the value
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public Tracker logMetadata(String key, String value) {
        client.updateTrialComponent(name, new TrialComponentUpdate().setMetadata(key, value));
        return this;
    }

    /**
     * Records an artifact the job consumed; its kind is left to the server (a new URI becomes OTHER).
     *
     * @param role the role, e.g. "train"
     * @param uri the artifact's URI
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public Tracker logInput(String role, String uri) {
        return logInput(role, uri, null);
    }

    /**
     * Records an artifact the job consumed.
     *
     * @param role the role, e.g. "train"
     * @param uri the artifact's URI
     * @param kind its kind, or null
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT; FAILED_PRECONDITION (the kind contradicts the stored one)
     */
    public Tracker logInput(String role, String uri, ArtifactKind kind) {
        return logInput(ArtifactLink.of(role, uri, kind));
    }

    /**
     * Records an artifact the job consumed, described in full.
     *
     * @param link the role and the artifact
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT; FAILED_PRECONDITION
     */
    public Tracker logInput(ArtifactLink link) {
        client.linkArtifacts(name, List.of(link), List.of());
        return this;
    }

    /**
     * Records an artifact the job produced; its kind is left to the server.
     *
     * @param role the role, e.g. "model"
     * @param uri the artifact's URI
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT
     */
    public Tracker logOutput(String role, String uri) {
        return logOutput(role, uri, null);
    }

    /**
     * Records an artifact the job produced.
     *
     * @param role the role, e.g. "model"
     * @param uri the artifact's URI
     * @param kind its kind, or null
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT; FAILED_PRECONDITION
     */
    public Tracker logOutput(String role, String uri, ArtifactKind kind) {
        return logOutput(ArtifactLink.of(role, uri, kind));
    }

    /**
     * Records an artifact the job produced, described in full.
     *
     * @param link the role and the artifact
     * @return this tracker
     * @throws TrialGraphException INVALID_ARGUMENT; FAILED_PRECONDITION
     */
    public Tracker logOutput(ArtifactLink link) {
        client.linkArtifacts(name, List.of(), List.of(link));
        return this;
    }

    /**
     * Logs a metric point, stamped now; never waits for the network (see {@link MetricLogger#log}).
     *
     * @param metric the metric, e.g. "val_acc"
     * @param step the step; not negative
     * @param value the value
     * @throws TrialGraphException as {@link MetricLogger#log(String, String, long, double)}
     */
    public void logMetric(String metric, long step, double value) {
        metrics.log(name, metric, step, value);
    }

    /**
     * Logs a metric point with its own timestamp.
     *
     * @param metric the metric
     * @param step the step; not negative
     * @param value the value
     * @param timestampMillis when it was measured, milliseconds since the epoch
     * @throws TrialGraphException as {@link MetricLogger#log(String, String, long, double, long)}
     */
    public void logMetric(String metric, long step, double value, long timestampMillis) {
        metrics.log(name, metric, step, value, timestampMillis);
    }

    /**
     * Marks the job as failed: {@link #close()} records status {@code FAILED} with this message
     * instead of {@code COMPLETED}.
     *
     * @param message why it failed (at most 4,096 characters), e.g. the exception
     */
    public void fail(String message) {
        this.failure = message == null ? "" : message;
    }

    /**
     * Marks the job as stopped before finishing: {@link #close()} records status {@code STOPPED}.
     */
    public void stop() {
        this.stopped = true;
    }

    /**
     * Ends the job: waits until every metric point logged so far is acknowledged (the shared
     * logger's {@link MetricLogger#flush()}), then records status {@code COMPLETED} (or
     * {@code FAILED} with the message given to {@link #fail}, or {@code STOPPED}) and the end time
     * now. Calling it again does nothing.
     *
     * @throws TrialGraphException when the metrics could not be delivered or the status not recorded
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String failed = failure;
        ComponentStatus status = failed != null ? ComponentStatus.FAILED : stopped ? ComponentStatus.STOPPED : ComponentStatus.COMPLETED;
        TrialGraphException undelivered = null;
        try {
            metrics.flush();
        } catch (TrialGraphException e) {
            undelivered = e;
            status = ComponentStatus.FAILED;
            failed = (failed == null ? "" : failed + "; ") + "metrics not delivered: " + e.getMessage();
        }
        TrialComponentUpdate update = new TrialComponentUpdate().status(status).endTime(Instant.now());
        if (failed != null) {
            update.statusMessage(failed.length() > 4096 ? failed.substring(0, 4096) : failed);
        }
        try {
            client.updateTrialComponent(name, update);
        } catch (TrialGraphException e) {
            if (undelivered != null) {
                undelivered.addSuppressed(e);
                throw undelivered;
            }
            throw e;
        }
        if (undelivered != null) {
            throw undelivered;
        }
    }
}
