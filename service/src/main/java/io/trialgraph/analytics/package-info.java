/**
 * The analytics table as a language: which columns there are ({@link io.trialgraph.analytics.Column}),
 * the filter language ({@link io.trialgraph.analytics.Filter}, parsed by
 * {@link io.trialgraph.analytics.FilterParser} into a typed tree), the checked request
 * ({@link io.trialgraph.analytics.TableRequests}, enforcing {@link io.trialgraph.analytics.TableLimits})
 * and its compilation to parameterised Cypher ({@link io.trialgraph.analytics.TableCypher}).
 *
 * <p>Everything here is pure: no database, no gRPC. Every rule of a table request is checked here,
 * before the store runs any query; the store only runs what {@link io.trialgraph.analytics.TableCypher}
 * wrote. Depends on {@code domain} only.
 */
package io.trialgraph.analytics;
