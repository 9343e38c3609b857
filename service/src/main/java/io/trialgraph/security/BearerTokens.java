package io.trialgraph.security;

import io.micronaut.context.annotation.Context;
import io.trialgraph.config.AuthConfiguration;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens the server accepts, each with a name and a {@link Role}. Only SHA-256
 * hashes of the tokens are kept, and a token is compared with every known hash in constant time,
 * so neither memory dumps nor response times give a token away. Tokens are never logged.
 *
 * <p>Entries come from {@code trialgraph.auth.token-file} (one per line) and
 * {@code trialgraph.auth.tokens}; each is {@code <role> <name> <token>} separated by blanks, where
 * the token is the secret itself (at least {@value #MIN_TOKEN_LENGTH} printable ASCII characters)
 * or {@code sha256:<64 hex digits>}, its hash, so the file need not hold the secret. Blank lines
 * and lines starting with {@code #} are skipped. Checked at start-up: a broken entry stops the
 * server with the line at fault, and so does a token file other users of the machine may read
 * (see {@link SecretFiles}).
 */
@Context
public final class BearerTokens {

    private static final Logger LOG = LoggerFactory.getLogger(BearerTokens.class);

    static final int MIN_TOKEN_LENGTH = 16;
    private static final String HASH_PREFIX = "sha256:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern HEX_HASH = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x21-\\x7E]+");

    private static final String ENABLED = "trialgraph.auth.enabled (TRIALGRAPH_AUTH_ENABLED)";
    private static final String TOKEN_FILE = "trialgraph.auth.token-file (TRIALGRAPH_AUTH_TOKEN_FILE)";
    private static final String TOKENS = "trialgraph.auth.tokens (TRIALGRAPH_AUTH_TOKENS)";

    /** A known token: who it stands for and the SHA-256 of the token. */
    record Entry(Caller caller, byte[] hash, String origin) {}

    private final List<Entry> entries;

    BearerTokens(AuthConfiguration config) {
        List<Entry> all = new ArrayList<>();
        if (!config.getTokenFile().isEmpty()) {
            Path file = Path.of(config.getTokenFile());
            all.addAll(parse(readLines(file), line -> TOKEN_FILE + ": " + file + " line " + line));
        }
        all.addAll(parse(config.getTokens(), entry -> TOKENS + " entry " + entry));
        rejectDuplicates(all);
        if (!config.isEnabled()) {
            if (!all.isEmpty()) {
                // Tokens without authentication would leave a server open that its operator believes closed.
                throw new InvalidConfigurationException(ENABLED + ": tokens are configured but authentication is off;"
                        + " set trialgraph.auth.enabled=true to require them, or remove them");
            }
        } else {
            if (all.isEmpty()) {
                throw new InvalidConfigurationException(ENABLED + " is true but no token is configured: put entries"
                        + " '<role> <name> <token>' in " + TOKEN_FILE + " or " + TOKENS);
            }
            Map<Role, Integer> perRole = new EnumMap<>(Role.class);
            all.forEach(e -> perRole.merge(e.caller().role(), 1, Integer::sum));
            LOG.info("Bearer-token authentication on: {} tokens {}", all.size(), perRole);
        }
        this.entries = List.copyOf(all);
    }

    /** @return the caller the token belongs to, if it is a known token */
    public Optional<Caller> authenticate(String token) {
        byte[] hash = sha256(token.getBytes(StandardCharsets.UTF_8));
        Caller found = null;
        for (Entry entry : entries) {
            // No early exit: the time taken does not depend on which entry matches.
            if (MessageDigest.isEqual(entry.hash(), hash)) {
                found = entry.caller();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * Parses token entries.
     *
     * @param lines the lines (or configured entries), first is number 1
     * @param where names the place of a line by its number, for error messages
     * @throws InvalidConfigurationException naming the first broken line and what is wrong with it
     */
    static List<Entry> parse(List<String> lines, IntFunction<String> where) {
        List<Entry> parsed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i) == null ? "" : lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String origin = where.apply(i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw invalid(
                        origin,
                        "expected '<role> <name> <token>', found " + fields.length
                                + (fields.length == 1 ? " field" : " fields"));
            }
            Role role = Role.ofLabel(fields[0])
                    .orElseThrow(
                            () -> invalid(origin, "unknown role '" + fields[0] + "': use reader, writer or admin"));
            String name = fields[1];
            if (!NAME.matcher(name).matches()) {
                throw invalid(origin, "the name '" + name + "' must be 1 to 64 letters, digits, '.', '_', '@' or '-'");
            }
            parsed.add(new Entry(new Caller(name, role), hashOf(fields[2], origin), origin));
        }
        return parsed;
    }

    private static byte[] hashOf(String token, String origin) {
        if (token.regionMatches(true, 0, HASH_PREFIX, 0, HASH_PREFIX.length())) {
            String hex = token.substring(HASH_PREFIX.length());
            if (!HEX_HASH.matcher(hex).matches()) {
                throw invalid(origin, "a hashed token is 'sha256:' followed by 64 hexadecimal digits");
            }
            return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
        }
        // The messages describe the token, never quote it: it is a secret.
        if (!PRINTABLE_ASCII.matcher(token).matches()) {
            throw invalid(origin, "the token may only have printable ASCII characters");
        }
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw invalid(
                    origin,
                    "the token has " + token.length() + " characters, fewer than " + MIN_TOKEN_LENGTH
                            + " (make one with: openssl rand -hex 32)");
        }
        return sha256(token.getBytes(StandardCharsets.US_ASCII));
    }

    private static void rejectDuplicates(List<Entry> all) {
        for (int i = 0; i < all.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (MessageDigest.isEqual(all.get(i).hash(), all.get(j).hash())) {
                    throw new InvalidConfigurationException(all.get(i).origin() + ": the same token as "
                            + all.get(j).origin() + "; give every caller a token of its own");
                }
            }
        }
    }

    private static List<String> readLines(Path file) {
        // Refuses a file other users may read, a byte-order mark and anything but UTF-8 text.
        return SecretFiles.readLines(file, TOKEN_FILE);
    }

    private static InvalidConfigurationException invalid(String origin, String problem) {
        return new InvalidConfigurationException(origin + ": " + problem);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
