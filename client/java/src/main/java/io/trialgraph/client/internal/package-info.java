/**
 * The client's machinery: wire mapping ({@link io.trialgraph.client.internal.Convert}), the metric
 * logger's batches, the call plumbing (deadlines, retries, tokens, channels) and the clock.
 * Public only so that the {@code io.trialgraph.client} package can use it: not part of the API,
 * and it may change in any release.
 */
package io.trialgraph.client.internal;
