/**
 * Helpers for testing code that uses the client, without a trialgraph server:
 * {@link io.trialgraph.client.testing.FakeTrialGraphServer} answers the calls training code makes
 * (experiments, trials, components, trackers, metric logging) from memory, and lets the test look
 * at what was recorded. Like Kafka's {@code MockProducer}: real client, fake other end.
 */
package io.trialgraph.client.testing;
