package io.trialgraph.neo4j;

import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.SecretFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import picocli.CommandLine;

/**
 * The password of the embedded Neo4j's user {@code neo4j}: generated on first start, kept in the
 * data folder in a file only its owner may read ({@value #FILE_NAME}), and set in Neo4j before
 * anyone can connect. The file is the truth: the password in it is (re)applied at every start, so
 * deleting the file and restarting makes a new one.
 */
public final class EmbeddedPassword {

    /** The file in the data folder. */
    public static final String FILE_NAME = "neo4j-password";

    /** The Neo4j user the service and {@code cypher-shell} log in as. */
    public static final String USER = "neo4j";

    private static final String SETTING = "neo4j.embedded.data-dir (NEO4J_EMBEDDED_DATA_DIR)";
    private static final String SAME_PASSWORD = "Old password and new password cannot be the same";

    private final Path file;
    private final String value;

    private EmbeddedPassword(Path file, String value) {
        this.file = file;
        this.value = value;
    }

    /**
     * Reads the password from {@code home}'s password file, or creates the file with a new random
     * password (24 random bytes, URL-safe Base64) readable by its owner only.
     *
     * @throws InvalidConfigurationException when the file is open to other users, empty or unreadable
     */
    static EmbeddedPassword loadOrCreate(Path home) {
        Path file = home.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                SecretFiles.createPrivate(file, password + "\n");
            } catch (IOException e) {
                throw new InvalidConfigurationException(
                        SETTING + ": cannot write the Neo4j password to " + file + ": " + EmbeddedNeo4j.rootMessage(e),
                        e);
            }
            return new EmbeddedPassword(file, password);
        }
        List<String> lines = SecretFiles.readLines(file, SETTING + ", its Neo4j password file");
        String password = lines.isEmpty() ? "" : lines.get(0).strip();
        if (password.length() < 8 || lines.stream().skip(1).anyMatch(line -> !line.isBlank())) {
            throw new InvalidConfigurationException(SETTING + ": " + file + " must hold one line, the Neo4j password"
                    + " (8 characters or more); delete it to have a new one generated");
        }
        return new EmbeddedPassword(file, password);
    }

    /**
     * Makes this the password Neo4j gives the user {@code neo4j} when it creates its system
     * database, so that a new DBMS never accepts the default password, not even for an instant.
     * Neo4j reads it once (what {@code neo4j-admin dbms set-initial-password} writes), so this does
     * nothing for an existing DBMS.
     */
    void seedInitialUser(Path home) {
        if (Files.isDirectory(home.resolve("data").resolve("databases").resolve("system"))) {
            return; // an existing DBMS: apply() sets the password once it runs
        }
        SetInitialPasswordCommand command = new SetInitialPasswordCommand(new ExecutionContext(
                home,
                home.resolve("conf"),
                new PrintStream(OutputStream.nullOutputStream()),
                new PrintStream(OutputStream.nullOutputStream()),
                new DefaultFileSystemAbstraction()));
        new CommandLine(command).parseArgs(value);
        try {
            command.execute();
        } catch (IOException | RuntimeException e) {
            throw new InvalidConfigurationException(
                    SETTING + ": cannot prepare the Neo4j password in " + home + ": " + EmbeddedNeo4j.rootMessage(e),
                    e);
        }
    }

    /**
     * Sets the password of the running DBMS (through the embedded API, which needs none), for a
     * database made before it had one, or a password file replaced since.
     */
    void apply(DatabaseManagementService dbms) {
        try {
            dbms.database("system")
                    .executeTransactionally(
                            "ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
                            Map.of("password", value));
        } catch (QueryExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().contains(SAME_PASSWORD)) {
                throw e;
            }
        }
    }

    /** @return the file holding the password */
    public Path file() {
        return file;
    }

    /** @return the password itself; never log it */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return "EmbeddedPassword[" + file + "]";
    }
}
