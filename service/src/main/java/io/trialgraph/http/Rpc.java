package io.trialgraph.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The gRPC method an HTTP API route mirrors, e.g.
 * {@code ExperimentServiceGrpc.SERVICE_NAME + "/ListExperiments"}: the route needs the role that
 * {@link io.trialgraph.security.MethodRoles} declares for it, so roles live in one table. A route
 * on the HTTP port without this annotation (or {@link UiAsset}) is refused.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Rpc {

    /** @return the full gRPC method name */
    String value();
}
