package io.trialgraph.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes files as a careful operator would write secrets: readable by their owner only. */
public final class PrivateFiles {

    private PrivateFiles() {}

    /** Writes {@code content} to {@code file} with permissions {@code rw-------}. */
    public static Path write(Path file, String content) throws IOException {
        Files.writeString(file, content);
        return Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
