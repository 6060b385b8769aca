package dev.linnet.gateway.proxy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.upstream.Lease;
import dev.linnet.gateway.upstream.RetryPolicy;
import dev.linnet.gateway.upstream.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request in flight: leases an upstream connection (retrying as {@link RetryPolicy} allows),
 * then pumps both bodies with back-pressure. Lives on the client's event loop; so do the
 * upstream connections it leases, so none of its state needs a lock.
 *
 * <pre>
 *   request:   client ──read()──▶ piece ──write──▶ upstream ──write done──▶ client.read() ─┐
 *                 ▲─────────────────────────────────────────────────────────────────────────┘
 *   response:  upstream ──read()──▶ piece ──write──▶ client ──write done──▶ upstream.read() ─┐
 *                 ▲───────────────────────────────────────────────────────────────────────────┘
 * </pre>
 *
 * At most one piece per direction is in memory at any time, whatever the body size. Both loops
 * run at once, so an upstream may answer before the upload ends.
 */
final class Exchange implements UpstreamListener {

    /** Tells the frontend the exchange is over, after the last byte was written to the client. */
    interface Done {
        void exchangeDone(boolean keepClientOpen);
    }

    private final ChannelHandlerContext client;
    private final ProxyContext context;
    private final HttpRequest head;
    private final HttpVersion clientVersion;
    private final boolean clientKeepAlive;
    private final Backend backend;
    private final Done done;

    private Lease lease;
    private int tries;
    private boolean headWritten;
    private HttpContent pending; // a body piece that arrived while (re)connecting
    private long bodyBytesSeen;
    private long bodyBytesSent;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean skippingInformational;
    private boolean lastResponsePieceReceived;
    private boolean upstreamReusable;
    private boolean clientStaysOpen;
    private boolean finished;
    private ScheduledFuture<?> readTimer;

    Exchange(ChannelHandlerContext client, ProxyContext context, HttpRequest upstreamHead, HttpVersion clientVersion,
            boolean clientKeepAlive, Backend backend, Done done) {
        this.client = client;
        this.context = context;
        this.head = upstreamHead;
        this.clientVersion = clientVersion;
        this.clientKeepAlive = clientKeepAlive;
        this.backend = backend;
        this.done = done;
    }

    void start() {
        tries = 1;
        connect(backend.nextEndpoint(), true);
    }

    // ---- connecting and retrying (see RetryPolicy for the rules) ----

    private void connect(Endpoint endpoint, boolean allowIdle) {
        context.pool().acquire(client.channel().eventLoop(), endpoint, allowIdle).addListener(f -> {
            Lease acquired = (Lease) f.getNow();
            if (finished) {
                if (acquired != null) {
                    context.pool().release(acquired, true); // never used: still clean
                }
            } else if (acquired != null) {
                attach(acquired);
            } else if (tries < context.config().maxTries()) {
                tries++;
                connect(backend.nextEndpoint(), true);
            } else {
                fail(HttpResponseStatus.valueOf(RetryPolicy.statusFor(f.cause())));
            }
        });
    }

    private void attach(Lease acquired) {
        lease = acquired;
        headWritten = false;
        acquired.listen(this);
        Channel upstream = acquired.channel();
        ChannelFuture written = upstream.writeAndFlush(head);
        if (requestComplete) { // replaying a body-less request: its end was already consumed
            written = upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        written.addListener(f -> {
            if (lease != acquired || finished) {
                return;
            }
            if (!f.isSuccess()) {
                upstream.close(); // onUpstreamClosed decides about a retry
                return;
            }
            headWritten = true;
            if (requestComplete) {
                armReadTimer();
            } else if (pending != null) {
                HttpContent piece = pending;
                pending = null;
                forward(piece);
            } else {
                client.read();
            }
        });
        upstream.read(); // an early answer or a close must be seen even during a long upload
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (finished || lastResponsePieceReceived) {
            return;
        }
        Lease dead = lease;
        lease = null;
        dead.channel().close();
        if (responseStarted) {
            abort(); // the client already has part of a response: only a cut tells it
        } else if (!RetryPolicy.isReplayable(head.method(), bodyBytesSent)) {
            fail(HttpResponseStatus.BAD_GATEWAY);
        } else if (dead.reused()) {
            connect(dead.endpoint(), false); // a stale idle connection: same endpoint, fresh
        } else if (tries < context.config().maxTries()) {
            tries++;
            connect(backend.nextEndpoint(), true);
        } else {
            fail(HttpResponseStatus.BAD_GATEWAY);
        }
    }

    // ---- request body: client ─▶ upstream ----

    /** A request body piece the frontend read on our behalf; we own it. */
    void onRequestContent(HttpContent piece) {
        if (finished) {
            piece.release();
            return;
        }
        long max = context.config().maxRequestBodySize();
        bodyBytesSeen += piece.content().readableBytes();
        if (max > 0 && bodyBytesSeen > max) {
            piece.release();
            if (bodyBytesSent == 0 && !responseStarted) {
                fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
            } else {
                abort();
            }
            return;
        }
        if (!headWritten) {
            pending = piece;
        } else {
            forward(piece);
        }
    }

    private void forward(HttpContent piece) {
        boolean last = piece instanceof LastHttpContent;
        bodyBytesSent += piece.content().readableBytes();
        Lease current = lease;
        current.channel().writeAndFlush(piece).addListener(f -> {
            if (lease != current || finished) {
                return;
            }
            if (!f.isSuccess()) {
                current.channel().close();
            } else if (!last) {
                client.read();
            } else {
                requestComplete = true;
                if (!responseStarted) { // else the response loop owns the timer
                    armReadTimer();
                }
            }
        });
    }

    // ---- response: upstream ─▶ client ----

    @Override
    public void onResponse(HttpObject msg) {
        cancelReadTimer();
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            lease.channel().close(); // onUpstreamClosed: 502 or a cut
            return;
        }
        if (msg instanceof HttpResponse response && !startResponse(response)) {
            ReferenceCountUtil.release(msg);
            lease.channel().read();
            return;
        }
        if (skippingInformational) {
            skippingInformational = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            lease.channel().read();
            return;
        }
        boolean last = msg instanceof LastHttpContent;
        lastResponsePieceReceived = last;
        client.writeAndFlush(msg).addListener(f -> {
            if (finished) {
                return;
            }
            if (!f.isSuccess()) {
                abort();
            } else if (last) {
                complete();
            } else {
                lease.channel().read();
                armReadTimer();
            }
        });
    }

    /** @return false for an interim 1xx response, which is dropped with its empty end */
    private boolean startResponse(HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            skippingInformational = true;
            return false;
        }
        responseStarted = true;
        upstreamReusable = HttpUtil.isKeepAlive(response) && ProxyHeaders.isFramed(response, head.method());
        clientStaysOpen = ProxyHeaders.toClient(response, head.method(), clientVersion, clientKeepAlive);
        return true;
    }

    // ---- endings ----

    private void complete() {
        finished = true;
        cancelReadTimer();
        // An answer before the upload ended leaves unread body on both connections: close both.
        boolean clean = requestComplete;
        context.pool().release(lease, clean && upstreamReusable);
        lease = null;
        done.exchangeDone(clean && clientStaysOpen);
    }

    /** Answers the client with an error of our own; only while no response byte was sent. */
    private void fail(HttpResponseStatus status) {
        finished = true;
        cleanUp();
        client.writeAndFlush(ErrorResponses.of(client.alloc(), status, false))
                .addListener(f -> done.exchangeDone(false));
    }

    /** Cuts both connections: the only honest signal once a response is under way. */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        cleanUp();
        done.exchangeDone(false);
    }

    private void cleanUp() {
        cancelReadTimer();
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (lease != null) {
            context.pool().release(lease, false);
            lease = null;
        }
    }

    /**
     * nginx's {@code proxy_read_timeout}: armed only while we wait for the upstream (request sent,
     * or response under way and the client took the last piece), so a slow client never trips it.
     */
    private void armReadTimer() {
        cancelReadTimer();
        if (!requestComplete && !responseStarted) {
            return;
        }
        readTimer = client.channel().eventLoop().schedule(this::readTimedOut,
                context.config().readTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelReadTimer() {
        if (readTimer != null) {
            readTimer.cancel(false);
            readTimer = null;
        }
    }

    private void readTimedOut() {
        readTimer = null;
        if (finished) {
            return;
        }
        if (responseStarted) {
            abort();
        } else {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT);
        }
    }
}
