package io.trialgraph.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Files that hold secrets (bearer tokens, the embedded Neo4j's password): read only when no other
 * user of the machine can read them, and as UTF-8 text, with messages that say what is wrong and
 * how to fix it; written readable by their owner only.
 *
 * <p>Like OpenSSH with private keys: a file anyone on the machine may read or write is refused; a
 * file the service's own user owns is also refused when its group may read or write it. A file
 * owned by someone else (root, say) may grant its group read access, which is how Kubernetes
 * gives a non-root container a Secret ({@code fsGroup}).
 */
public final class SecretFiles {

    /** Larger than any token list or password could be: a file this large is the wrong file. */
    static final int MAX_BYTES = 1024 * 1024;

    private static final Set<PosixFilePermission> GROUP =
            Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE);
    private static final Set<PosixFilePermission> OTHERS =
            Set.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private SecretFiles() {}

    /**
     * Reads a secret file's lines.
     *
     * @param setting the setting that names the file, with its environment variable, for messages
     * @throws InvalidConfigurationException naming the setting and the file when it is missing,
     *     open to other users, not UTF-8 text, or starts with a byte-order mark
     */
    public static List<String> readLines(Path file, String setting) {
        if (!Files.exists(file)) {
            throw new InvalidConfigurationException(setting + ": " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidConfigurationException(setting + ": " + file + " is not a readable file");
        }
        refuseOpenPermissions(file, setting);
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new InvalidConfigurationException(setting + ": " + file + " has " + size
                        + " bytes, more than a secret file of text lines can have (" + MAX_BYTES
                        + "); is it the right file?");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidConfigurationException(setting + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        return text(bytes, file, setting).lines().toList();
    }

    /**
     * Creates {@code file} readable and writable by its owner only (on file systems with POSIX
     * permissions) and writes {@code content}; the file must not exist yet.
     *
     * @throws IOException when the file exists or cannot be written
     */
    public static void createPrivate(Path file, String content) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] ownerOnly = posix(file.toAbsolutePath().getParent())
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
        try (SeekableByteChannel channel = Files.newByteChannel(file, options, ownerOnly)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    private static boolean posix(Path folder) {
        return folder != null
                && Files.getFileAttributeView(folder, java.nio.file.attribute.PosixFileAttributeView.class) != null;
    }

    private static void refuseOpenPermissions(Path file, String setting) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions here (Windows): nothing to compare
        } catch (IOException e) {
            throw new InvalidConfigurationException(
                    setting + ": cannot read the permissions of " + file + ": " + e.getMessage(), e);
        }
        boolean others = permissions.stream().anyMatch(OTHERS::contains);
        boolean group = permissions.stream().anyMatch(GROUP::contains) && ownedByThisProcess(file);
        if (!others && !group) {
            return;
        }
        String who = others ? "every user of this machine" : "the members of its group";
        boolean reads = permissions.contains(others ? PosixFilePermission.OTHERS_READ : PosixFilePermission.GROUP_READ);
        throw new InvalidConfigurationException(setting + ": " + file + " holds secrets but " + who + " may "
                + (reads ? "read" : "change") + " it (permissions " + PosixFilePermissions.toString(permissions)
                + "); make it private to the service's user: chmod 600 " + file);
    }

    private static boolean ownedByThisProcess(Path file) {
        try {
            Object owner = Files.getAttribute(file, "unix:uid");
            return owner instanceof Integer uid && uid == new com.sun.security.auth.module.UnixSystem().getUid();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | LinkageError e) {
            return true; // cannot tell: be strict, as for a file of one's own
        }
    }

    private static String text(byte[] bytes, Path file, String setting) {
        String problem = null;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            problem = "starts with a byte-order mark (the bytes EF BB BF some editors write first);"
                    + " save it as UTF-8 without one";
        } else if (bytes.length >= 2
                && (((bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE)
                        || ((bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF))) {
            problem = "is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8";
        } else {
            for (int i = 0; i < bytes.length && problem == null; i++) {
                if (bytes[i] == 0) {
                    problem = "is not a text file (byte " + i + " is 0); expected lines of text";
                }
            }
        }
        if (problem == null) {
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                problem = "is not UTF-8 text (" + firstInvalidByte(bytes) + "); expected lines of text";
            }
        }
        throw new InvalidConfigurationException(setting + ": " + file + " " + problem);
    }

    private static String firstInvalidByte(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError()
                ? String.format("byte %d is 0x%02X", in.position(), bytes[in.position()] & 0xFF)
                : "it ends in the middle of a character";
    }
}
