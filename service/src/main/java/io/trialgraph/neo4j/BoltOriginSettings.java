package io.trialgraph.neo4j;

import static org.neo4j.configuration.SettingValueParsers.STRING;
import static org.neo4j.configuration.SettingValueParsers.listOf;

import java.util.List;
import org.neo4j.configuration.Description;
import org.neo4j.configuration.SettingImpl;
import org.neo4j.configuration.SettingsDeclaration;
import org.neo4j.graphdb.config.Setting;

/**
 * The one Neo4j setting trialgraph adds to the embedded DBMS (declared to Neo4j through
 * {@code META-INF/services}), read by {@link BoltOriginCheckExtension}.
 */
public final class BoltOriginSettings implements SettingsDeclaration {

    // In the "internal." namespace: Neo4j accepts settings of a few namespaces only.
    @Description("Origins (scheme://host:port) of web pages that may open Bolt over WebSocket; none by default.")
    public static final Setting<List<String>> websocket_allowed_origins = SettingImpl.newBuilder(
                    "internal.trialgraph.bolt_websocket_allowed_origins", listOf(STRING), List.of())
            .internal()
            .build();
}
