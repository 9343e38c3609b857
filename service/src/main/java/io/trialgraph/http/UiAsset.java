package io.trialgraph.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A route that serves the web UI's own files (HTML, scripts, styles): no data, so no token, or
 * the login page could not load. Every data the UI shows comes from {@link Rpc} routes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface UiAsset {}
