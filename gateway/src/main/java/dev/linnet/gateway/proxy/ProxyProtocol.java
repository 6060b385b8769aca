package dev.linnet.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol header (haproxy's proxy-protocol.txt, v1 text and v2 binary) that a load
 * balancer sends before anything else on a connection: with {@code use-proxy-protocol}, both
 * listeners require it (on HTTPS it precedes the ClientHello), as nginx's {@code listen … proxy_protocol}.
 *
 * <pre>
 *   accept ─▶ decoder ─▶ this ─▶ the listener's pipeline (h2c detection, or SNI + TLS)
 *             │  header ─▶ source and destination port kept on the channel ({@link #ORIGIN}),
 *             │            both handlers leave, the bytes after the header go on
 *             │  no header, a broken one, or none within proxy-protocol-header-timeout
 *             └──────────▶ closed without an answer
 * </pre>
 *
 * The listener's own handlers are in place behind from the start, so their clocks
 * (client_header_timeout, the handshake timeout) run from the accept as well. A header without
 * addresses ({@code LOCAL}, {@code UNKNOWN}: the balancer's health checks) leaves the connection
 * as if it had come directly.
 */
final class ProxyProtocol extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocol.class);

    static final String DECODER = "proxy-protocol-decoder";
    static final String NAME = "proxy-protocol";

    /** Where a connection came from according to its PROXY header; on the connection (an HTTP/2 stream's parent). */
    static final AttributeKey<Origin> ORIGIN = AttributeKey.valueOf(ProxyProtocol.class, "origin");

    /**
     * @param source the client as the balancer saw it ({@code $proxy_protocol_addr}, {@code _port})
     * @param sourceText its address as text (what {@code compute-full-forwarded-for} appends)
     * @param destinationPort the port the client connected to ({@code $proxy_protocol_server_port})
     */
    record Origin(InetSocketAddress source, String sourceText, String destinationPort) {
    }

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;

    private ProxyProtocol(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Puts the decoder in front of {@code pipeline} when the settings in force require the header. */
    static void addFirstIfRequired(ChannelPipeline pipeline, ClientTrust trust) {
        if (trust.useProxyProtocol()) {
            pipeline.addFirst(NAME, new ProxyProtocol(trust.proxyProtocolTimeout()));
            pipeline.addFirst(DECODER, new HAProxyMessageDecoder());
        }
    }

    /** The PROXY header's origin of the connection {@code channel} belongs to, or {@code null}. */
    static Origin of(Channel channel) {
        Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
        return connection.hasAttr(ORIGIN) ? connection.attr(ORIGIN).get() : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> {
                log.debug("client {} sent no PROXY header in time: closing", ctx.channel().remoteAddress());
                ctx.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg); // not before the header: the decoder holds every byte until then
            return;
        }
        try {
            Origin origin = origin(header);
            if (origin != null) {
                ctx.channel().attr(ORIGIN).set(origin);
            }
        } finally {
            ReferenceCountUtil.release(header); // v2 TLVs are buffers
        }
        ctx.pipeline().remove(this);
        // The header's bytes answered the read the listener's handler asked for: ask again. The
        // decoder hands the bytes that came with the header on when it leaves, right after this.
        ctx.read();
    }

    /** The addresses of a {@code PROXY} command over TCP or UDP; {@code null} for LOCAL, UNKNOWN, UNIX. */
    static Origin origin(HAProxyMessage header) {
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (header.command() != HAProxyCommand.PROXY || family != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && family != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
        if (bytes == null) {
            return null; // the decoder validated it; never reached
        }
        try {
            InetAddress address = ClientAddresses.address(bytes);
            return new Origin(new InetSocketAddress(address, header.sourcePort()), NetUtil.toAddressString(address),
                    String.valueOf(header.destinationPort()));
        } catch (UnknownHostException e) {
            return null; // a 4- or 16-byte array always makes an address
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof HAProxyProtocolException) {
            log.debug("client {} sent no valid PROXY header: {}", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close(); // the decoder closed it already; nothing is answered
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
