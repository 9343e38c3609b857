package io.trialgraph.service;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Page;
import io.trialgraph.domain.PageTokens;
import java.util.List;
import java.util.function.Function;

/**
 * Keyset paging: a page token is the sort key of the last item returned, sealed by
 * {@link PageTokens}, so a page costs the same however deep it is and concurrent inserts never
 * shift pages.
 *
 * @param limit how many items the caller wants
 * @param after the sort key to continue after; empty for the first page
 */
public record Paging(int limit, String after) {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1_000;
    /** The page-token kind of every listing (List* RPCs). */
    private static final String TOKEN_KIND = "list";

    /** @throws InvalidArgumentException for a negative or too large size, or a token we did not issue */
    public static Paging of(int pageSize, String pageToken) {
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidArgumentException(
                    "page_size",
                    "must be between 0 (meaning " + DEFAULT_PAGE_SIZE + ") and " + MAX_PAGE_SIZE + ", is " + pageSize);
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
        return PageTokens.encode(TOKEN_KIND, key);
    }

    private static String decode(String token) {
        String key = PageTokens.decode(TOKEN_KIND, token, "this listing");
        return key == null ? "" : key;
    }
}
