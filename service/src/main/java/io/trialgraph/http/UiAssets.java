package io.trialgraph.http;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.trialgraph.domain.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web UI's files: its pages and modules from {@code web/} on the class path, and the
 * browser libraries it uses from their WebJars. Files are read once and kept (the set is fixed
 * at build time). No data is served here, so no token is needed.
 */
@Controller
@UiAsset
final class UiAssets {

    /** Letters, digits and {@code . _ - /}, no {@code ..}: nothing outside the two folders can be named. */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._/-]{1,200}");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json",
            "map", "application/json");

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Get(produces = MediaType.TEXT_HTML)
    HttpResponse<byte[]> index() {
        return file("web/index.html", "index.html", false);
    }

    @Get("/ui/{+path}")
    HttpResponse<byte[]> ui(@PathVariable String path) {
        return file("web/" + check(path), path, false);
    }

    @Get("/webjars/{+path}")
    HttpResponse<byte[]> webjar(@PathVariable String path) {
        return file("META-INF/resources/webjars/" + check(path), path, true);
    }

    private static String check(String path) {
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..") || path.startsWith("/")) {
            throw new NotFoundException("file", Params.quoted(path));
        }
        return path;
    }

    private HttpResponse<byte[]> file(String resource, String name, boolean versioned) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new NotFoundException("file", Params.quoted(name));
        }
        byte[] bytes = files.get(resource);
        if (bytes == null) {
            bytes = read(resource);
            if (bytes.length == 0) {
                // Misses are not kept: the map holds only the fixed set of files that exist.
                throw new NotFoundException("file", Params.quoted(name));
            }
            files.put(resource, bytes);
        }
        MutableHttpResponse<byte[]> response = HttpResponse.ok(bytes);
        if (type.startsWith("text/html")) {
            // The UI loads only its own files; no other site may frame it.
            response.header(
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data: blob:; "
                            + "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        }
        return response.contentType(type)
                // WebJar paths carry their version: cache them; the UI's own files may change with an upgrade.
                .header(HttpHeaders.CACHE_CONTROL, versioned ? "public, max-age=86400, immutable" : "no-cache")
                .header("X-Content-Type-Options", "nosniff");
    }

    private static byte[] read(String resource) {
        try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
