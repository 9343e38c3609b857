package io.trialgraph.domain;

import java.time.Instant;

/**
 * How busy an experiment is, for the experiments list of the web UI.
 *
 * @param components trial components of its trials (each once)
 * @param jobs those with a status (jobs, as opposed to parameter trackers)
 * @param running jobs in progress
 * @param lastActivity the latest change of the experiment, its components or their metrics; null when unknown
 */
public record ExperimentActivity(String experiment, long components, long jobs, long running, Instant lastActivity) {}
