/**
 * The Java client library for trialgraph. It depends on gRPC and the generated
 * {@code io.trialgraph.api.v1} stubs only (no Micronaut, no Neo4j).
 *
 * <ul>
 *   <li>{@link io.trialgraph.client.TrialGraphClient}: a typed method for every RPC, plain records
 *       in and out, one unchecked {@link io.trialgraph.client.TrialGraphException} (with the gRPC
 *       status code) for every failure;</li>
 *   <li>{@link io.trialgraph.client.MetricLogger}: logs metric points without waiting for the
 *       network, batches them in the background and delivers each exactly once, across server
 *       restarts;</li>
 *   <li>{@link io.trialgraph.client.Tracker}: records one job (parameters, inputs, outputs,
 *       metrics, status) with try-with-resources.</li>
 * </ul>
 */
package io.trialgraph.client;
