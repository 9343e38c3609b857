/**
 * The input rules of the trialgraph API in one place, shared by the service (which enforces them)
 * and the Java client (which checks some of them early, e.g. in {@code MetricLogger.log}, so a
 * bad name fails the call instead of a whole batch on the server). Plain Java, no dependencies.
 *
 * <p>Each check returns {@code null} when the value is valid and otherwise the rule it breaks, as
 * the text that follows {@code "<field>: "} in an {@code INVALID_ARGUMENT} message; each side
 * wraps it in its own exception. Values quoted in a message go through {@link
 * io.trialgraph.rules.Quote}, so a message stays short whatever the caller sent.
 */
package io.trialgraph.rules;
