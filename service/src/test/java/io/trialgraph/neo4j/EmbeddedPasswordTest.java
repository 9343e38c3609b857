package io.trialgraph.neo4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPasswordTest {

    /**
     * Generated passwords are URL-safe Base64, so one in 64 starts with '-': Neo4j's command must
     * take it as the password, not as an option (the service then failed to start: "Missing
     * required parameter: '<password>'").
     */
    @Test
    void aPasswordStartingWithADashSeedsTheInitialUser(@TempDir Path home) throws Exception {
        Path file = home.resolve(EmbeddedPassword.FILE_NAME);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "-x5Fq2Lr0aZk_7TnVw3yHcBeJ1dM9sPo\n");

        EmbeddedPassword.loadOrCreate(home).seedInitialUser(home);

        assertThat(home.resolve("data").resolve("dbms").resolve("auth.ini")).exists();
    }
}
