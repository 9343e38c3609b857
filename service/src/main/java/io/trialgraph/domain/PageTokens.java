package io.trialgraph.domain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The one codec of page tokens (listings, lineage, analytics). A token is opaque to clients:
 * base64url of a version, the kind of listing it continues, the position to continue after, and
 * a check code (the first 8 bytes of a SHA-256 over the rest). An edited, truncated or foreign
 * token (another listing's, another version's) is refused with {@code INVALID_ARGUMENT} instead
 * of being taken as a position. The check code is not a secret: tokens only say where a page
 * ends, which a caller could also ask for directly, so no key has to be shared between replicas.
 */
public final class PageTokens {

    private static final String VERSION = "2";
    private static final int CHECK_BYTES = 8;
    /** Bounds the work of decoding: no token we issue is longer (keys are at most a few KiB). */
    private static final int MAX_TOKEN_CHARS = 16_384;

    private PageTokens() {}

    /** @return a token for continuing the listing {@code kind} after {@code position} */
    public static String encode(String kind, String position) {
        byte[] payload = (VERSION + "|" + kind + "|" + position).getBytes(StandardCharsets.UTF_8);
        byte[] check = check(payload);
        byte[] token = Arrays.copyOf(payload, payload.length + CHECK_BYTES);
        System.arraycopy(check, 0, token, payload.length, CHECK_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /**
     * @param rpc names what issues such tokens, for the message (e.g. "GetLineage")
     * @return the position the token continues after; null for an empty token (the first page)
     * @throws InvalidArgumentException on {@code page_token} when the token is not one {@link #encode} made for {@code kind}
     */
    public static String decode(String kind, String token, String rpc) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String prefix = VERSION + "|" + kind + "|";
        try {
            if (token.length() <= MAX_TOKEN_CHARS) {
                byte[] bytes = Base64.getUrlDecoder().decode(token);
                if (bytes.length > CHECK_BYTES) {
                    byte[] payload = Arrays.copyOf(bytes, bytes.length - CHECK_BYTES);
                    byte[] check = Arrays.copyOfRange(bytes, payload.length, bytes.length);
                    if (MessageDigest.isEqual(check, Arrays.copyOf(check(payload), CHECK_BYTES))) {
                        String text = StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .decode(ByteBuffer.wrap(payload))
                                .toString();
                        if (text.startsWith(prefix)) {
                            return text.substring(prefix.length());
                        }
                    }
                }
            }
        } catch (IllegalArgumentException | CharacterCodingException malformed) {
            // reported below
        }
        throw invalid(rpc);
    }

    /** @return a token for continuing at row {@code offset} (analytics pages) */
    public static String encodeOffset(String kind, long offset) {
        return encode(kind, Long.toString(offset));
    }

    /**
     * @return the offset the token continues at; 0 for an empty token
     * @throws InvalidArgumentException as {@link #decode}, also for an offset outside 0 to {@code max}
     */
    public static long decodeOffset(String kind, String token, String rpc, long max) {
        String position = decode(kind, token, rpc);
        if (position == null) {
            return 0;
        }
        try {
            long offset = Long.parseLong(position);
            if (offset >= 0 && offset <= max) {
                return offset;
            }
        } catch (NumberFormatException malformed) {
            // reported below
        }
        throw invalid(rpc);
    }

    /** @return the refusal of a token that {@code rpc} did not issue */
    public static InvalidArgumentException invalid(String rpc) {
        return new InvalidArgumentException(
                "page_token",
                "is not a next_page_token returned by " + rpc + " (tokens are opaque: pass them back unchanged)");
    }

    private static byte[] check(byte[] payload) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("trialgraph page token".getBytes(StandardCharsets.US_ASCII));
            return sha256.digest(payload);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
