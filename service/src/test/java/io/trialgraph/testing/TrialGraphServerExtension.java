package io.trialgraph.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a real Neo4j ({@link TestNeo4j}) and a real server ({@link TestServer}) as
 * parameters. Both start once per test JVM, not per class, and stop when the JVM's tests end;
 * every test starts on an empty graph (the schema stays).
 */
public final class TrialGraphServerExtension implements BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TrialGraphServerExtension.class);

    /** Closes a resource when the root context closes, at the end of the JVM's tests. */
    private record Closing<T extends AutoCloseable>(T resource) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Throwable {
            resource.close();
        }
    }

    public static TestNeo4j neo4j(ExtensionContext context) {
        return (TestNeo4j) root(context)
                .getOrComputeIfAbsent("neo4j", key -> new Closing<>(TestNeo4j.start()), Closing.class).resource();
    }

    public static TestServer server(ExtensionContext context) {
        TestNeo4j neo4j = neo4j(context);
        return (TestServer) root(context)
                .getOrComputeIfAbsent("server", key -> new Closing<>(new TestServer(neo4j)), Closing.class).resource();
    }

    private static ExtensionContext.Store root(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        neo4j(context).clear();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestServer.class || type == TestNeo4j.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestServer.class ? server(context) : neo4j(context);
    }
}
