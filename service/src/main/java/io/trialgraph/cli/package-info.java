/**
 * The {@code trialgraph} command-line tool ({@link io.trialgraph.cli.TrialGraphCli}, picocli):
 * {@code serve} starts the service; every other command talks to a running service through the
 * Java client library only ({@code io.trialgraph.client}), never to Neo4j. {@code demo} records
 * the seed study ({@link io.trialgraph.cli.Cifar10Study}), which the tests use as their fixture too.
 */
package io.trialgraph.cli;
