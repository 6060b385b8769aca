package dev.linnet.gateway.proxy;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in an HTTP/2 connection's pipeline: what the frame codec reports after it already
 * answered (GOAWAY and close for a connection error). A client that sends malformed frames is
 * the client's problem, not the operator's: one line without a stack trace, at most one per
 * {@link #INTERVAL_NANOS} for all connections together, saying how many were not logged, as
 * nginx logs such clients at {@code info}. Anything else (a reset socket) is a debug line.
 */
@Sharable
final class H2ConnectionErrors extends ChannelInboundHandlerAdapter {

    static final H2ConnectionErrors INSTANCE = new H2ConnectionErrors(System::nanoTime);

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger log = LoggerFactory.getLogger(H2ConnectionErrors.class);

    private final LongSupplier nanoClock;
    private final AtomicLong nextLine;
    private final AtomicInteger unlogged = new AtomicInteger();

    H2ConnectionErrors(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.nextLine = new AtomicLong(nanoClock.getAsLong());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception error = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (error == null) {
            log.debug("HTTP/2 connection {} failed", ctx.channel(), cause);
        } else if (mayLog()) {
            int more = unlogged.getAndSet(0);
            log.info("HTTP/2 client {} sent a malformed frame: {} {} (closed with GOAWAY{})",
                    ctx.channel().remoteAddress(), error.error(), error.getMessage(),
                    more == 0 ? "" : "; " + more + " more such connections in the last 10 s, not logged");
        } else {
            unlogged.incrementAndGet();
        }
    }

    /** Whether the interval since the last line is over; claims the next one if so. */
    private boolean mayLog() {
        long now = nanoClock.getAsLong();
        long next = nextLine.get();
        return now - next >= 0 && nextLine.compareAndSet(next, now + INTERVAL_NANOS);
    }
}
