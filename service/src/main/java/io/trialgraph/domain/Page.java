package io.trialgraph.domain;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param nextPageToken where the next page starts; empty on the last page
 */
public record Page<T>(List<T> items, String nextPageToken) {
}
