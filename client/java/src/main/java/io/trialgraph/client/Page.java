package io.trialgraph.client;

import java.util.List;

/**
 * One page of a list call, in the list's order (names; artifacts: URIs).
 *
 * <p>Pass {@link #nextPageToken()} as the page token of the same call (with the same filters) to
 * get the next page; it is empty on the last page. Paging is keyset paging: a deep page costs
 * the same as the first.
 *
 * @param items the items of this page (unmodifiable)
 * @param nextPageToken the token of the next page; empty on the last page
 * @param <T> the record listed
 */
public record Page<T>(List<T> items, String nextPageToken) {

    /**
     * Copies the items; a null token becomes empty.
     *
     * @param items the items of this page (unmodifiable)
     * @param nextPageToken the token of the next page; empty on the last page
     */
    public Page {
        items = List.copyOf(items);
        nextPageToken = nextPageToken == null ? "" : nextPageToken;
    }

    /** @return true when there is a next page */
    public boolean hasNext() {
        return !nextPageToken.isEmpty();
    }
}
