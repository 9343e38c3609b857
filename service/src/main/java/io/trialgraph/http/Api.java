package io.trialgraph.http;

/** Names shared by the API routes. */
final class Api {

    /** Every JSON API route starts with this. */
    static final String PREFIX = "/api/v1";
    /** The executor API routes run on (bounded: trialgraph.http.threads). */
    static final String EXECUTOR = "trialgraph-http";
    /** The executor that writes streamed bodies (CSV exports, query rows). */
    static final String STREAMS = "trialgraph-http-streams";

    private Api() {}
}
