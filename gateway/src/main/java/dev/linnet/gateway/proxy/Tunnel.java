package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Both connections after a {@code 101 Switching Protocols}: no HTTP any more, bytes spliced both
 * ways with the same back-pressure as an {@link Exchange} body (AUTO_READ is off on both sides):
 *
 * <pre>
 *   client ──read()──▶ chunk ──writeAndFlush──▶ upstream ──write done──▶ client.read() ─┐
 *     ▲──────────────────────────────────────────────────────────────────────────────────┘
 *   upstream ──read()──▶ chunk ──writeAndFlush──▶ client ──write done──▶ upstream.read() ─┐
 *     ▲────────────────────────────────────────────────────────────────────────────────────┘
 *   one side closes ─▶ the other: pending writes flushed, then closed ─▶ both closed: ended
 *   no byte either way for the idle timeout (proxy-read-timeout) ─▶ both closed at once
 * </pre>
 *
 * The tunnel never looks at the routing table, so a table swap cannot touch it. Both channels
 * live on the client's event loop (the upstream was opened there), so nothing here is shared.
 */
final class Tunnel {

    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);

    /** The relay's name in both pipelines. */
    static final String RELAY = "tunnel";

    /**
     * Client-side handlers that only make sense for HTTP; taken out at the switch. Handlers
     * other listener features add that assume HTTP belong in this list.
     */
    static final List<String> CLIENT_HTTP_HANDLERS =
            List.of(GatewayInitializer.HEAD_TIMEOUT, GatewayInitializer.CODEC);

    private final Channel client;
    private final Channel upstream;
    private final Deadline idle;
    private final Runnable ended;
    private int openSides = 2;

    private Tunnel(Channel client, Channel upstream, Duration idleTimeout, Runnable ended) {
        this.client = client;
        this.upstream = upstream;
        this.idle = new Deadline(client.eventLoop(), idleTimeout, this::idleTimedOut);
        this.ended = ended;
    }

    /**
     * Takes over {@code client} (whose pipeline still has its HTTP handlers; the {@code 101} must
     * have been written already) and {@code upstream} (already out of HTTP and out of the pool,
     * its relay added with {@link #upstreamRelay}). Bytes either side decoded or buffered before
     * the switch are delivered first, then the tunnel reads on.
     *
     * @param ended runs once, when both connections are closed
     */
    static Tunnel open(Channel client, Channel upstream, Duration idleTimeout, Relay upstreamRelay, Runnable ended) {
        requireNonNull(client, "client");
        requireNonNull(upstream, "upstream");
        Tunnel tunnel = new Tunnel(client, upstream, idleTimeout, requireNonNull(ended, "ended"));
        upstreamRelay.tunnel = tunnel;
        upstreamRelay.peer = client;
        // The relay goes in before the frontend, which stays for the connection's lifecycle
        // (connection gauge, the request's metrics at the end) but sees no byte of the tunnel.
        client.pipeline().addBefore(GatewayInitializer.FRONTEND, RELAY, new Relay(tunnel, upstream));
        for (String name : CLIENT_HTTP_HANDLERS) {
            if (client.pipeline().get(name) != null) {
                client.pipeline().remove(name); // the decoder hands what it buffered on as bytes
            }
        }
        // Ended counts close futures: they complete even for a side that closed before we got here.
        client.closeFuture().addListener(f -> tunnel.sideClosed());
        upstream.closeFuture().addListener(f -> tunnel.sideClosed());
        if (!upstream.isActive()) {
            closeAfterFlush(client);
        }
        if (!client.isActive()) {
            closeAfterFlush(upstream);
        }
        tunnel.idle.arm();
        client.read();
        upstream.read();
        return tunnel;
    }

    /** A relay for the upstream pipeline, to be put in place of its HTTP handler. */
    static Relay upstreamRelay() {
        return new Relay(null, null);
    }

    /** Closes both sides once what was already written to them is flushed. */
    void close() {
        closeAfterFlush(client);
        closeAfterFlush(upstream);
    }

    private void sideClosed() {
        if (--openSides == 0) {
            idle.stop();
            ended.run();
        }
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void idleTimedOut() {
        log.debug("tunnel {} ⇄ {} idle, closing", client, upstream);
        client.close();
        upstream.close();
    }

    /** One direction: what its channel reads goes to {@code peer}; the next read when that write is done. */
    static final class Relay extends ChannelInboundHandlerAdapter {

        private Tunnel tunnel;
        private Channel peer;

        private Relay(Tunnel tunnel, Channel peer) {
            this.tunnel = tunnel;
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes;
            if (msg instanceof ByteBuf buf) {
                bytes = buf;
            } else if (msg instanceof HttpContent piece) {
                bytes = piece.content(); // decoded before the codec left; the piece owns nothing else
            } else {
                // A further HTTP request the client sent before the 101 (RFC 6455 §4.1 forbids it):
                // its bytes are gone into the decoder, so the stream can't be tunnelled faithfully.
                log.debug("tunnel {}: {} arrived before the switch, closing", ctx.channel(), msg.getClass().getSimpleName());
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            Channel self = ctx.channel();
            if (!bytes.isReadable()) { // the empty end of the 101 or of the upgrade request
                bytes.release();
                self.read();
                return;
            }
            tunnel.idle.arm();
            peer.writeAndFlush(bytes).addListener(f -> {
                if (!f.isSuccess()) {
                    self.close();
                } else {
                    tunnel.idle.arm();
                    self.read();
                }
            });
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // each read asks for the next itself; nothing to flush here
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // One side is gone: the other follows. MessagePerRead delivered what it still held
            // before this, so those writes are queued ahead of the close.
            closeAfterFlush(peer);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("tunnel connection {} failed", ctx.channel(), cause);
            ctx.close();
        }
    }
}
