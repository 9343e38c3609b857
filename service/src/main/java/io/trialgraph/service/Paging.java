package io.trialgraph.service;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Page;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Keyset paging: a page token is the opaque (base64) sort key of the last item returned, so a
 * page costs the same however deep it is and concurrent inserts never shift pages.
 *
 * @param limit how many items the caller wants
 * @param after the sort key to continue after; empty for the first page
 */
public record Paging(int limit, String after) {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1_000;
    private static final String TOKEN_PREFIX = "v1:";

    /** @throws InvalidArgumentException for a negative or too large size, or a token we did not issue */
    public static Paging of(int pageSize, String pageToken) {
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidArgumentException("page_size", "must be between 0 (meaning " + DEFAULT_PAGE_SIZE + ") and "
                    + MAX_PAGE_SIZE + ", is " + pageSize);
        }
        return new Paging(pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize, decode(pageToken));
    }

    /** @return how many rows to ask the store for: one more than wanted, to know whether more follow */
    public int fetchSize() {
        return limit + 1;
    }

    /** Turns the rows fetched with {@link #fetchSize()} into a page and the token that follows it. */
    public <T> Page<T> page(List<T> rows, Function<T, String> sortKey) {
        if (rows.size() <= limit) {
            return new Page<>(rows, "");
        }
        List<T> items = rows.subList(0, limit);
        return new Page<>(List.copyOf(items), encode(sortKey.apply(items.get(limit - 1))));
    }

    static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((TOKEN_PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String token) {
        if (token == null || token.isEmpty()) {
            return "";
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(TOKEN_PREFIX)) {
                return decoded.substring(TOKEN_PREFIX.length());
            }
        } catch (IllegalArgumentException notBase64) {
            // reported below
        }
        throw new InvalidArgumentException("page_token", "is not a next_page_token returned by this listing");
    }
}
