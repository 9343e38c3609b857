package io.trialgraph.neo4j;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first reader of every Bolt connection of the embedded Neo4j: refuses a WebSocket upgrade
 * that a web page asks for, so a page open in a browser on this machine cannot reach the graph.
 *
 * <p>Neo4j's Bolt port also speaks Bolt over WebSocket, for browser tools, and has no setting to
 * turn that off or to check where the request comes from. Browsers name the page that opens a
 * WebSocket in the {@code Origin} header and let any page open one to any address, loopback
 * included; other clients send no {@code Origin}. So an HTTP request carrying an {@code Origin}
 * not in the allowed list is answered {@code 403} and the connection closed before Neo4j sees a
 * byte; plain Bolt, TLS and allowed origins pass through untouched, and this handler leaves the
 * pipeline. Over TLS the check is repeated on the decrypted bytes, right after the TLS handler.
 */
final class BoltOriginCheck extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(BoltOriginCheck.class);

    /** Neo4j's own limit on a WebSocket handshake request. */
    static final int MAX_REQUEST_HEAD = 64 * 1024;

    private static final byte[] GET = "GET ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Set<String> allowedOrigins;
    private final boolean decrypted;
    private ByteBuf received;

    /**
     * @param allowedOrigins origins (e.g. {@code http://localhost:7474}) whose pages may open a WebSocket
     * @param decrypted whether this instance reads behind a TLS handler
     */
    BoltOriginCheck(Set<String> allowedOrigins, boolean decrypted) {
        this.allowedOrigins = allowedOrigins;
        this.decrypted = decrypted;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(message);
            return;
        }
        received = received == null ? bytes : Unpooled.wrappedBuffer(received, bytes);
        // Five bytes tell TLS (a record header), Bolt (its 4-byte preamble) and HTTP ("GET ") apart,
        // and are what Neo4j itself waits for before it chooses.
        if (received.readableBytes() < 5) {
            return;
        }
        if (!startsWith(received, GET)) {
            pass(ctx);
            return;
        }
        int end = indexOf(received, END_OF_HEAD);
        if (end < 0) {
            if (received.readableBytes() > MAX_REQUEST_HEAD) {
                refuse(
                        ctx,
                        "431 Request Header Fields Too Large",
                        "the request head is larger than " + MAX_REQUEST_HEAD + " bytes");
            }
            return;
        }
        String head =
                received.toString(received.readerIndex(), end - received.readerIndex(), StandardCharsets.ISO_8859_1);
        Optional<String> origin = header(head, "origin");
        if (origin.isPresent() && !allowedOrigins.contains(normalize(origin.get()))) {
            LOG.warn(
                    "Refused a WebSocket connection to the embedded Neo4j's Bolt port from a web page: origin=\"{}\" client=\"{}\"",
                    origin.get(),
                    ctx.channel().remoteAddress());
            refuse(
                    ctx,
                    "403 Forbidden",
                    "Bolt over WebSocket is refused to web pages of origin " + origin.get()
                            + "; the trialgraph setting neo4j.embedded.bolt-allowed-origins lists the origins allowed");
            return;
        }
        pass(ctx);
    }

    /** Hands what was read on to Neo4j and leaves; behind TLS, checks the decrypted bytes too. */
    private void pass(ChannelHandlerContext ctx) {
        ByteBuf bytes = received;
        received = null;
        ctx.fireChannelRead(bytes);
        // Neo4j adds its TLS handler on the first five bytes of a TLS connection, that is just now.
        SslHandler tls = decrypted ? null : ctx.pipeline().get(SslHandler.class);
        if (tls != null && ctx.channel().isOpen()) {
            ctx.pipeline()
                    .addAfter(ctx.pipeline().context(tls).name(), null, new BoltOriginCheck(allowedOrigins, true));
        }
        ctx.pipeline().remove(this);
    }

    private void refuse(ChannelHandlerContext ctx, String status, String reason) {
        release();
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (received != null) {
            received.release();
            received = null;
        }
    }

    /** @return the origin as browsers send it, lower case and without a trailing slash */
    static String normalize(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    private static Optional<String> header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    private static boolean startsWith(ByteBuf bytes, byte[] prefix) {
        if (bytes.readableBytes() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes.getByte(bytes.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuf bytes, byte[] needle) {
        int last = bytes.writerIndex() - needle.length;
        for (int i = bytes.readerIndex(); i <= last; i++) {
            boolean match = true;
            for (int j = 0; j < needle.length && match; j++) {
                match = bytes.getByte(i + j) == needle[j];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }
}
