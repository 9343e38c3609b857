/**
 * The Java client library for trialgraph. It depends on gRPC and the generated
 * {@code io.trialgraph.api.v1} stubs only (no Micronaut, no Neo4j).
 */
package io.trialgraph.client;
