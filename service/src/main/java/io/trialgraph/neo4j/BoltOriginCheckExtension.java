package io.trialgraph.neo4j;

import java.util.Set;
import java.util.stream.Collectors;
import org.neo4j.bolt.BoltServer;
import org.neo4j.bolt.protocol.common.connector.Connector;
import org.neo4j.bolt.protocol.common.connector.connection.Connection;
import org.neo4j.bolt.protocol.common.connector.listener.ConnectorListener;
import org.neo4j.configuration.Config;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;

/**
 * Puts a {@link BoltOriginCheck} in front of every Bolt connection of an embedded DBMS in this
 * JVM. A global Neo4j extension (found through {@code META-INF/services}), because extensions
 * start after the Bolt server has made its connectors and before it opens them: no connection
 * is ever accepted without the check.
 */
public final class BoltOriginCheckExtension extends ExtensionFactory<BoltOriginCheckExtension.Dependencies> {

    /** What the extension needs from the DBMS. */
    public interface Dependencies {
        BoltServer boltServer();

        Config config();
    }

    public BoltOriginCheckExtension() {
        super(ExtensionType.GLOBAL, "trialgraph-bolt-origin-check");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        return new LifecycleAdapter() {
            @Override
            public void start() {
                Set<String> allowed = dependencies.config().get(BoltOriginSettings.websocket_allowed_origins).stream()
                        .map(BoltOriginCheck::normalize)
                        .collect(Collectors.toUnmodifiableSet());
                ConnectorListener listener = new ConnectorListener() {
                    @Override
                    public void onConnectionCreated(Connection connection) {
                        // Called as Netty sets the channel up, before Neo4j adds its own handlers behind.
                        connection.modifyPipeline(pipeline -> pipeline.addFirst(new BoltOriginCheck(allowed, false)));
                    }
                };
                for (Connector<?> connector : dependencies.boltServer().getConnectors()) {
                    connector.registerListener(listener);
                }
            }
        };
    }
}
