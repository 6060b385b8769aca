package dev.linnet.gateway.proxy;

import dev.linnet.gateway.metrics.Phase;
import dev.linnet.gateway.metrics.RequestTimeline;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.NextUpstream;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.upstream.Attempts;
import dev.linnet.gateway.upstream.EndpointChooser;
import dev.linnet.gateway.upstream.Lease;
import dev.linnet.gateway.upstream.PassPlan;
import dev.linnet.gateway.upstream.PassedHead;
import dev.linnet.gateway.upstream.RetryPolicy;
import dev.linnet.gateway.upstream.UnprocessedStreamException;
import dev.linnet.gateway.upstream.UpstreamListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Per direction, at most one piece is in flight plus what one socket read decoded into (see
 * {@code MessagePerRead}), whatever the body size. Both loops run at once, so an upstream may
 * answer before the upload ends.
 *
 * <p>With {@code proxy-request-buffering on} (ingress-nginx's default) the request body is read
 * whole first, and only then is an endpoint chosen and connected: a slow upload never holds an
 * upstream connection, the upstream gets a {@code Content-Length}, and the body stays at hand
 * for a retry (the conditions of {@code proxy-next-upstream} then apply as to a body-less
 * request). The body is kept in memory up to {@code client-body-buffer-size}, the rest in a
 * temporary file ({@link SpooledBody}), whatever its length up to {@code proxy-body-size}:
 *
 * <pre>
 *   head ─▶ read a piece ─▶ keep it (memory, then file) ─▶ last piece ─▶ Content-Length, connect, send head + body
 *                ▲                 │  └─▶ file not written (budget, I/O) ─▶ 500      (a retry sends it again)
 *                └─────────────────┘
 * </pre>
 */
final class Exchange implements UpstreamListener, Attempts.Callback, ExchangeTimers.Owner {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);

    /** Tells the frontend the exchange is over, after the last byte was written to the client. */
    interface Done {
        void exchangeDone(boolean keepClientOpen);

        /** Whether the gateway drains: the response then says {@code Connection: close}. */
        boolean draining();

        /** Sets the gateway's own headers (HSTS, {@code Server}, {@code add-headers}) on a response head. */
        void gatewayHeaders(HttpResponse response, boolean location);

        /** Whether a response with {@code status} goes to the error backend ({@link ErrorPages}); {@code upstream}: a proxied one. */
        default boolean intercepts(int status, boolean upstream) {
            return false;
        }

        /** The exchange ended itself for a listed status: the error request takes the client over. */
        default void divert(int status, boolean requestComplete) {
        }

        /**
         * The gateway's response edits as a pass-through plan, or null when this client's responses
         * must take Netty's path (an HTTP/2 stream, an error request, edits without a byte form).
         */
        default PassPlan passPlan() {
            return null;
        }
    }

    private final ChannelHandlerContext client;
    private final ProxyContext context;
    private final HttpRequest head;
    private final HttpVersion clientVersion;
    private final boolean clientKeepAlive;
    private final Attempts attempts;
    private final NextUpstream nextUpstream; // proxy-next-upstream: which failures are retried
    private final Done done;
    private final RequestTimeline timeline; // metrics: phases and status, read when the exchange is done
    private final long maxBodySize; // 0: unlimited
    private final RequestFlow policies; // the route's RESPONSE policies run on our answers; null when it has none

    private Lease lease;
    private boolean headWritten;
    private HttpContent pending; // a body piece that arrived while (re)connecting
    private long bodyBytesSeen;
    private long bodyBytesSent;
    private boolean requestComplete;
    private final boolean bodyless; // the head says no body follows: its end goes upstream with it
    private boolean clientEndRequested; // bodyless: the client's empty end was asked for (once)
    private boolean responseStarted;
    private HttpObject pendingHead; // the response head (or a PassedHead), held until its body's first piece or the read's end
    private boolean skippingInformational;
    private boolean lastResponsePieceReceived;
    private boolean upstreamReusable;
    private boolean clientStaysOpen;
    private boolean finished;
    private final ExchangeTimers timers; // the connection's, held while this exchange runs
    private final long readTimeoutNanos; // proxy-read-timeout
    private final long sendTimeoutNanos; // proxy-send-timeout
    private final long clientBodyTimeoutNanos;
    private HttpResponseStatus bodyTimeoutStatus;
    private final boolean upgradeRequested; // the head carries Upgrade: a 101 may turn us into a tunnel
    private final Duration tunnelIdleTimeout;
    private Tunnel tunnel;
    private boolean ignoreClientBody; // an error request: the client's body went to the upstream before
    private boolean buffering; // proxy-request-buffering: the body is being read, no attempt has started
    private final boolean http10; // proxy-http-version 1.0: no keep-alive upstream, a body only with its length
    private final boolean hidesHeaders; // hide-headers is proxy_hide_header; grpc_pass reads only grpc_hide_header
    private final long bodyBufferSize; // client-body-buffer-size: the buffered body's bytes in memory
    private SpooledBody body; // the buffered body, sent (again) by every attempt; null when streamed
    private final boolean mayPass; // nothing of ours reads or edits a response head beyond the gateway's own fields

    Exchange(ChannelHandlerContext client, ProxyContext context, HttpRequest upstreamHead, HttpVersion clientVersion,
            boolean clientKeepAlive, Backend backend, RouteOptions options, RequestTimeline timeline, ExchangeTimers timers,
            Done done, RequestFlow responsePolicies, EndpointChooser chooser) {
        this.client = client;
        this.context = context;
        this.head = upstreamHead;
        this.clientVersion = clientVersion;
        this.clientKeepAlive = clientKeepAlive;
        GatewayConfig config = context.config();
        this.maxBodySize = options.maxBodySizeOr(config.maxRequestBodySize());
        this.nextUpstream = options.nextUpstreamOr(config.nextUpstream());
        this.attempts = new Attempts(context.pool(), client.channel().eventLoop(), backend,
                Attempts.triesFor(options.nextUpstreamTriesOr(config.maxTries()), backend), options.backendProtocol(),
                options.connectTimeoutOr(config.connectTimeout()), nextUpstream, chooser, this);
        this.done = done;
        this.policies = responsePolicies;
        this.timeline = timeline;
        this.timers = timers;
        this.readTimeoutNanos = options.readTimeoutOr(config.readTimeout()).toNanos();
        this.sendTimeoutNanos = options.sendTimeoutOr(config.sendTimeout()).toNanos();
        this.clientBodyTimeoutNanos = config.clientBodyTimeout().toNanos();
        this.upgradeRequested = Upgrades.isUpgrade(upstreamHead);
        this.bodyless = ProxyHeaders.hasNoBody(upstreamHead, client.channel());
        this.tunnelIdleTimeout = options.readTimeoutOr(config.readTimeout()); // proxy-read-timeout
        this.http10 = options.http10() && !options.backendProtocol().http2(); // grpc_pass ignores it
        this.hidesHeaders = !options.backendProtocol().http2();
        if (http10) {
            upstreamHead.setProtocolVersion(HttpVersion.HTTP_1_0);
        }
        // nginx's grpc_pass never buffers (a gRPC stream may be bidirectional), nor does an upgrade;
        // HTTP/1.0 has no chunked coding, so nginx reads a chunked body whole whatever
        // proxy-request-buffering says (ngx_http_proxy_handler's request_body_no_buffering test).
        boolean lengthFirst = http10 && HttpUtil.isTransferEncodingChunked(upstreamHead);
        this.buffering = !bodyless && !options.backendProtocol().http2()
                && (lengthFirst || options.requestBuffering() && !upgradeRequested);
        this.bodyBufferSize = options.clientBodyBufferSizeOr(config.clientBody().memorySize());
        // The response pass-through (UpstreamCodec) for the plain case: no response policy, an
        // HTTP/1.1 client and backend, a response that has a body whatever its fields say
        // (not HEAD, not CONNECT) and no 101 to watch for.
        HttpMethod method = upstreamHead.method();
        this.mayPass = responsePolicies == null && !upgradeRequested && !http10 && hidesHeaders
                && HttpVersion.HTTP_1_1.equals(clientVersion)
                && !HttpMethod.HEAD.equals(method) && !HttpMethod.CONNECT.equals(method);
    }

    /** An error request after the client's body was read (ErrorPages): none is sent, none is read. */
    void bodyAlreadyRead() {
        requestComplete = true;
        ignoreClientBody = true;
        buffering = false; // nothing more comes from the client to wait for
    }

    void start() {
        timers.hold(this);
        if (buffering) {
            body = new SpooledBody(client.alloc(), client.channel().eventLoop(), context.spool(), bodyBufferSize);
            readClient(); // client_body_timeout between pieces; no upstream yet
        } else {
            attempts.first();
        }
    }

    // ---- connecting and retrying (the rules are in RetryPolicy and Attempts) ----

    @Override
    public void connected(Lease acquired) {
        if (finished) {
            context.pool().release(acquired, true); // never used: still clean
        } else {
            timeline.mark(Phase.CONNECTED);
            attach(acquired);
        }
    }

    @Override
    public void attempting(Endpoint endpoint) {
        if (!finished) { // once finished, the timeline is the metrics' and the access log's
            timeline.attempt(endpoint);
        }
    }

    @Override
    public void attemptFailed(Endpoint endpoint, Throwable cause) {
        if (!finished) {
            timeline.connectFailed(RetryPolicy.isTimeout(cause));
        }
    }

    @Override
    public void failed(Throwable cause) {
        log.debug("{} {}: no upstream connection: {}", head.method(), head.uri(), cause.toString());
        if (!finished) {
            fail(HttpResponseStatus.valueOf(RetryPolicy.statusFor(cause)));
        }
    }

    private void attach(Lease acquired) {
        lease = acquired;
        headWritten = false;
        skippingInformational = false; // a 1xx of a lost attempt says nothing about this one
        acquired.listen(this);
        PassPlan plan = mayPass ? done.passPlan() : null;
        if (plan != null) {
            acquired.passThrough(plan);
        }
        Channel upstream = acquired.channel();
        ChannelFuture written;
        if (bodyless) { // head and end as one message: one encoder pass, one send
            written = upstream.writeAndFlush(new DefaultFullHttpRequest(head.protocolVersion(), head.method(),
                    head.uri(), Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE));
        } else if (body != null) { // buffered: head and the whole body, from memory and file
            written = body.writeTo(upstream, head); // a failure closes the connection: the end's listener sees it
        } else if (requestComplete) { // replaying a request whose (empty) body was sent whole
            upstream.write(head, upstream.voidPromise());
            written = upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            written = upstream.writeAndFlush(head);
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
            } else if (bodyless) {
                consumeClientEnd();
            } else if (pending != null) {
                HttpContent piece = pending;
                pending = null;
                forward(piece);
            } else {
                readClient();
            }
        });
        upstream.read(); // an early answer or a close must be seen even during a long upload
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (finished || lastResponsePieceReceived) {
            return;
        }
        log.debug("{} {}: upstream connection lost (response started: {}): {}", head.method(), head.uri(),
                responseStarted, cause == null ? "closed" : cause.toString());
        Lease dead = dropAttempt();
        dead.channel().close();
        timeline.upstreamStatus(HttpResponseStatus.BAD_GATEWAY.code()); // the try's, if it had no head
        if (responseStarted) {
            abort(); // the client already has part of a response: only a cut tells it
        } else if (!retryAfterClose(dead, cause)) {
            fail(HttpResponseStatus.BAD_GATEWAY);
        }
    }

    /**
     * Ends the current attempt's part of the exchange, keeping what a retry needs (the request
     * head, a body piece waiting in {@code pending}). Both timers belonged to that attempt: nginx
     * gives each attempt its own proxy_read_timeout, which a retry re-arms once its request is
     * sent ({@link #attach}), so the old one must not run on through the retry's connect.
     */
    private Lease dropAttempt() {
        cancelBodyTimer();
        cancelReadTimer();
        Lease dead = lease;
        lease = null;
        headWritten = false;
        return dead;
    }

    /**
     * The connection broke before a response head (nginx's {@code error}). A stale keep-alive
     * connection or a stream the pod refused unprocessed says nothing about the pod, and is
     * retried whatever {@code proxy-next-upstream} says, as before.
     */
    private boolean retryAfterClose(Lease dead, Throwable cause) {
        if (dead.reused() || cause instanceof UnprocessedStreamException) {
            return RetryPolicy.mayRetry(head.method(), bodyBytesSent, cause) && attempts.retryAfter(dead);
        }
        attempts.endpointFailed(dead.endpoint());
        return RetryPolicy.mayRetry(nextUpstream, NextUpstream.ERROR, head.method(), bodyBytesSent)
                && attempts.retryAfter(dead);
    }

    /**
     * The current attempt failed with {@code condition} before anything reached the client
     * (a read timeout, an invalid or a listed response head): the next endpoint gets the request
     * if {@code proxy-next-upstream} lists the condition and a try is left. False: the caller answers.
     *
     * <pre>
     *   listed? replayable? try left? ─no─▶ false (504 / 502 / the response as it is)
     *      │ yes
     *      ▼
     *   count the failure (not 403 / 404, as nginx) ─▶ close the attempt unread ─▶ next endpoint
     * </pre>
     */
    private boolean retryElsewhere(int condition) {
        if (!RetryPolicy.mayRetry(nextUpstream, condition, head.method(), bodyBytesSent) || !attempts.canRetry()) {
            return false;
        }
        Lease dead = dropAttempt();
        if (condition != NextUpstream.HTTP_403 && condition != NextUpstream.HTTP_404) {
            attempts.endpointFailed(dead.endpoint());
        }
        context.pool().release(dead, false); // its listener goes first: what it still delivers is dropped
        attempts.next(); // not retryElsewhere(): a second look at the clock could say no with the attempt gone
        return true;
    }

    // ---- request body: client ─▶ upstream ----

    /** A request body piece the frontend read on our behalf; we own it. */
    void onRequestContent(HttpContent piece) {
        cancelBodyTimer();
        ProxyHeaders.dropTrailers(piece);
        if (finished || ignoreClientBody) {
            piece.release();
            return;
        }
        if (bodyless) { // the decoder's empty end of a body-less request; upstream already has it
            boolean end = piece instanceof LastHttpContent && !piece.content().isReadable();
            piece.release();
            if (!end) {
                abort(); // a body the head did not announce: the framing is broken
                return;
            }
            requestComplete = true;
            if (!responseStarted) { // else the response loop owns the timer
                armReadTimer();
            }
            return;
        }
        long max = maxBodySize;
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
        if (buffering) {
            buffer(piece);
        } else if (!headWritten) {
            pending = piece;
        } else {
            forward(piece);
        }
    }

    /**
     * proxy-request-buffering: keeps {@code piece} (memory, then file) and asks for the next one
     * once it is kept; the last starts the first attempt with the whole body. A piece the file
     * cannot take (the gateway-wide budget, an I/O error) is nginx's 500 for a temporary file it
     * cannot write.
     */
    private void buffer(HttpContent piece) {
        boolean last = piece instanceof LastHttpContent;
        SpooledBody kept = body;
        kept.append(piece.content(), last).addListener(f -> { // at once, or on a spool thread's return
            if (finished || body != kept) {
                return;
            }
            if (!f.isSuccess()) {
                fail(HttpResponseStatus.INTERNAL_SERVER_ERROR);
            } else if (last) {
                buffering = false;
                requestComplete = true; // attach() sends head and body at once
                if (kept.size() > 0 || HttpUtil.isContentLengthSet(head) || HttpUtil.isTransferEncodingChunked(head)) {
                    head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                    HttpUtil.setContentLength(head, kept.size()); // never chunked upstream, as nginx
                }
                attempts.first();
            } else {
                readClient();
            }
        });
    }

    private void forward(HttpContent piece) {
        boolean last = piece instanceof LastHttpContent;
        bodyBytesSent += piece.content().readableBytes();
        Lease current = lease;
        armBodyTimer(HttpResponseStatus.GATEWAY_TIMEOUT); // the upstream stopped reading
        current.channel().writeAndFlush(piece).addListener(f -> {
            if (lease != current || finished) {
                return;
            }
            cancelBodyTimer();
            if (!f.isSuccess()) {
                current.channel().close();
            } else if (!last) {
                readClient();
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
            // Garbage from the upstream is its answer, not a connection error: no retry
            // (nginx's default proxy_next_upstream "error timeout" excludes invalid_header).
            ReferenceCountUtil.release(msg);
            timeline.upstreamStatus(HttpResponseStatus.BAD_GATEWAY.code());
            if (responseStarted) {
                abort();
            } else if (!retryElsewhere(NextUpstream.INVALID_HEADER)) {
                attempts.endpointFailed(lease.endpoint());
                fail(HttpResponseStatus.BAD_GATEWAY);
            }
            return;
        }
        int status = statusOf(msg);
        if (status >= 200 || status == 101) {
            timeline.upstreamStatus(status); // a retried one too: $upstream_status lists it
        }
        if (msg instanceof HttpContent piece) {
            timeline.upstreamBody(piece.content().readableBytes());
        }
        if (status >= 0 && !responseStarted && nextUpstream.retriesStatus(status)
                && retryElsewhere(NextUpstream.conditionOf(status))) {
            ReferenceCountUtil.release(msg); // http_5xx & co: nothing of it was sent, the next endpoint answers
            return;
        }
        if (status >= 0 && !responseStarted && done.intercepts(status, true)) {
            attempts.endpointAnswered(lease.endpoint()); // the pod answered: health and timing as for any answer
            ReferenceCountUtil.release(msg); // custom-http-errors: the error backend answers instead
            divert(status);
            return;
        }
        if (msg instanceof PassedHead passed) {
            startResponse(passed);
            holdHeadAndAskForBody(passed);
            return;
        }
        if (msg instanceof HttpResponse response && status == 101) {
            switchProtocols(response);
            return;
        }
        if (msg instanceof HttpResponse response && !startResponse(response)) {
            ReferenceCountUtil.release(msg);
            armReadTimer(); // a 103 is no answer: proxy_read_timeout keeps running for the real one
            lease.channel().read();
            return;
        }
        if (skippingInformational) {
            skippingInformational = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            armReadTimer();
            lease.channel().read();
            return;
        }
        boolean last = msg instanceof LastHttpContent;
        lastResponsePieceReceived = last;
        if (last) {
            timeline.mark(Phase.UPSTREAM_END);
        }
        if (msg instanceof HttpResponse head && !last) {
            holdHeadAndAskForBody(head);
            return;
        }
        client.writeAndFlush(withPendingHead(msg)).addListener(f -> {
            if (finished) {
                return;
            }
            if (!f.isSuccess()) {
                abort();
            } else if (last) {
                complete();
            } else {
                armReadTimer(); // before read(): a queued last piece may complete the exchange inside it
                lease.channel().read();
            }
        });
    }

    /**
     * The response head is small, so it is not held to back-pressure: it is kept and the first
     * body piece is asked for at once. A whole body that came in the same socket read (the common
     * small response) then leaves with the head as one message: one encoder pass, one write, one
     * send. A first piece that is not the last is written behind the head; when the read is over
     * without any piece (a streaming response), {@link #onReadComplete} sends the head alone,
     * still within this event-loop turn.
     *
     * <pre>
     *   head ─▶ hold ─▶ read() ─▶ last piece in the same read? ─yes─▶ writeAndFlush(head + body as one)
     *                     │                   └─ another piece ───▶ write(head), writeAndFlush(piece)
     *                     └──────▶ read complete, head still held ─▶ writeAndFlush(head)
     * </pre>
     */
    private void holdHeadAndAskForBody(HttpObject head) {
        pendingHead = head;
        armReadTimer();
        lease.channel().read();
    }

    /** {@code msg}, merged with the held head when it is the whole body; else the head goes first. */
    private HttpObject withPendingHead(HttpObject msg) {
        HttpObject held = pendingHead;
        if (held == null) {
            return msg;
        }
        pendingHead = null;
        if (held instanceof PassedHead passed) {
            if (msg instanceof LastHttpContent last && passed.absorb(last.content())) {
                last.release(); // copied behind the head: one buffer, one write
                return passed;
            }
            client.write(passed, client.voidPromise());
            return msg;
        }
        HttpResponse head = (HttpResponse) held;
        if (msg instanceof LastHttpContent last) {
            return new DefaultFullHttpResponse(head.protocolVersion(), head.status(), last.content(), head.headers(),
                    last.trailingHeaders());
        }
        // No promise of its own: a failed write fires exceptionCaught, the frontend closes, and the
        // close aborts this exchange.
        client.write(head, client.voidPromise());
        return msg;
    }

    @Override
    public void onReadComplete() {
        HttpObject head = pendingHead;
        if (head != null && !finished) {
            pendingHead = null;
            client.writeAndFlush(head, client.voidPromise());
        }
    }

    /** @return false for an interim 1xx response, which is dropped with its empty end */
    private boolean startResponse(HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            skippingInformational = true;
            return false;
        }
        responseStarted = true;
        // Any status passed on is an answer, a listed one too (last try, POST, -timeout over):
        // nginx counts a failure only in ngx_http_upstream_next, i.e. when it goes on to the next
        // endpoint; a response it passes on frees the peer as a success. Counting it here would
        // make one 500 to a POST skip a healthy pod for fail_timeout.
        attempts.endpointAnswered(lease.endpoint());
        timeline.mark(Phase.UPSTREAM_HEADERS);
        timeline.status(code);
        upstreamReusable = !http10 && HttpUtil.isKeepAlive(response) && ProxyHeaders.isFramed(response, head.method());
        clientStaysOpen = ProxyHeaders.toClient(response, head.method(), clientVersion,
                clientKeepAlive && !done.draining()); // drain: Connection: close
        if (hidesHeaders) { // hide-headers: upstream heads only, never the gateway's own answers
            context.config().responseHeaders().hideUpstream(response.headers());
        }
        editResponse(response);
        done.gatewayHeaders(response, true); // last, as on local answers (FrontendHandler.write)
        return true;
    }

    /**
     * {@link #startResponse(HttpResponse)} for a head the upstream codec passed through: the
     * same bookkeeping; the edits were made as its bytes were copied ({@code PassPlan}), the
     * {@code Connection: close} of {@code ProxyHeaders.toClient} is added here. Its status is final
     * and its body framed by Content-Length, and the client speaks HTTP/1.1 ({@link #mayPass}).
     */
    private void startResponse(PassedHead passed) {
        responseStarted = true;
        attempts.endpointAnswered(lease.endpoint());
        timeline.mark(Phase.UPSTREAM_HEADERS);
        timeline.status(passed.status());
        upstreamReusable = passed.upstreamKeepAlive();
        clientStaysOpen = clientKeepAlive && !done.draining(); // drain: Connection: close
        passed.finish(!clientStaysOpen);
    }

    /** A response head's status, -1 for a body piece. */
    private static int statusOf(HttpObject msg) {
        if (msg instanceof HttpResponse response) {
            return response.status().code();
        }
        return msg instanceof PassedHead passed ? passed.status() : -1;
    }

    /**
     * A {@code 101}: forwarded, then both connections leave HTTP for a {@link Tunnel}. The upstream
     * connection is never pooled again. Only an answer to our Upgrade request, once the request
     * was sent whole, may switch (RFC 9110 §15.2.2); any other 101 is a broken upstream.
     */
    private void switchProtocols(HttpResponse response) {
        String protocols = response.headers().get(HttpHeaderNames.UPGRADE);
        if (!upgradeRequested || !requestComplete || protocols == null) {
            log.debug("{} {}: unexpected 101 (upgrade requested: {}, request sent: {})", head.method(), head.uri(),
                    upgradeRequested, requestComplete);
            ReferenceCountUtil.release(response);
            fail(HttpResponseStatus.BAD_GATEWAY);
            return;
        }
        startResponse(response);
        Upgrades.restore(response, protocols);
        stopTimers(); // the tunnel has its own idle timer
        Tunnel.Relay relay = Tunnel.upstreamRelay();
        Channel upstream = context.pool().detach(lease, Tunnel.RELAY, relay);
        lease = null;
        // Encoded at once (we are on the client's loop), so the codec may go right after.
        client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        tunnel = Tunnel.open(client.channel(), upstream, tunnelIdleTimeout, relay, this::tunnelEnded);
    }

    /** Both tunnel connections are closed: the request (status 101) ends now, as nginx logs it. */
    private void tunnelEnded() {
        if (!finished) {
            finished = true;
            timeline.mark(Phase.UPSTREAM_END);
            done.exchangeDone(false);
        }
    }

    // ---- endings ----

    private void complete() {
        finished = true;
        stopTimers();
        releaseBody();
        if (pending != null) { // a whole answer came before the head's write finished: never sent
            pending.release();
            pending = null;
        }
        // An answer before the upload ended leaves unread body on both connections: close both.
        // So does one before the request's last write was done (a long buffered body still going out).
        boolean clean = requestComplete && headWritten;
        context.pool().release(lease, clean && upstreamReusable);
        lease = null;
        done.exchangeDone(clean && clientStaysOpen);
    }

    /** Answers the client with an error of our own; only while no response byte was sent. */
    private void fail(HttpResponseStatus status) {
        if (done.intercepts(status.code(), false)) {
            divert(status.code());
            return;
        }
        finished = true;
        timeline.status(status.code());
        cleanUp();
        FullHttpResponse answer = ErrorResponses.of(client.alloc(), status, false);
        editResponse(answer);
        done.gatewayHeaders(answer, true);
        client.writeAndFlush(answer).addListener(f -> done.exchangeDone(false));
    }

    /**
     * A listed status (custom-http-errors): this exchange ends without answering, its upstream
     * connection closed unread (the rest of an intercepted body is never read), and the error
     * request takes over the client ({@link ErrorPages}).
     */
    private void divert(int status) {
        finished = true;
        cleanUp();
        done.divert(status, requestComplete);
    }

    /** The route's RESPONSE policies, on a response head about to go to the client. */
    private void editResponse(HttpResponse response) {
        if (policies != null) {
            policies.editResponse(response);
        }
    }

    /**
     * The request body broke its framing (a bad chunk size, a chunk without its CRLF, a chunk-size
     * line too long): nginx's 400 while no response was started, else a cut. The upstream
     * connection has half a request on it: it is closed, never pooled (both paths release it unusable).
     */
    void requestMalformed() {
        if (finished) {
            return;
        }
        if (responseStarted) {
            abort();
        } else {
            fail(HttpResponseStatus.BAD_REQUEST);
        }
    }

    /** Cuts both connections: the only honest signal once a response is under way. */
    void abort() {
        if (finished) {
            return;
        }
        finished = true;
        timeline.status(499); // nginx's "client closed request", unless a response status came first
        cleanUp();
        done.exchangeDone(false);
    }

    /** Asks the client connection for the empty end of a body-less request, once. */
    private void consumeClientEnd() {
        if (!clientEndRequested) {
            clientEndRequested = true;
            client.read(); // decoded with the head: it arrives at once, no timer needed
        }
    }

    private void readClient() {
        armBodyTimer(HttpResponseStatus.REQUEST_TIMEOUT); // the client stopped sending
        client.read();
    }

    private void cleanUp() {
        stopTimers();
        releaseBody();
        if (pendingHead != null) {
            ReferenceCountUtil.release(pendingHead); // a passed-through head holds its buffer
            pendingHead = null;
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (lease != null) {
            context.pool().release(lease, false);
            lease = null;
        }
        if (tunnel != null) { // the client left (or we are told to stop): the tunnel winds down
            timeline.mark(Phase.UPSTREAM_END);
            tunnel.close();
        }
    }

    private void releaseBody() {
        if (body != null) {
            body.release(); // the file closes once a send or write under way lets go too
            body = null;
        }
    }

    /**
     * nginx's {@code proxy_read_timeout}: armed only while we wait for the upstream (request sent,
     * or response under way and the client took the last piece), so a slow client never trips it.
     */
    private void armReadTimer() {
        if (requestComplete || responseStarted) {
            timers.armRead(this, readTimeoutNanos);
        }
    }

    private void cancelReadTimer() {
        timers.cancelRead(this);
    }

    /** The exchange is over: it lets go of the connection's timers (and can no longer arm them). */
    private void stopTimers() {
        timers.release(this);
    }

    @Override
    public void readTimedOut() {
        if (finished) {
            return;
        }
        if (!responseStarted) {
            timeline.upstreamStatus(HttpResponseStatus.GATEWAY_TIMEOUT.code());
        }
        if (responseStarted) {
            abort();
        } else if (!retryElsewhere(NextUpstream.TIMEOUT)) { // nginx's default "error timeout" retries it
            if (lease != null) {
                attempts.endpointFailed(lease.endpoint());
            }
            fail(HttpResponseStatus.GATEWAY_TIMEOUT);
        }
    }

    /**
     * nginx's {@code client_body_timeout} and {@code proxy_send_timeout} (both 60 s): a stalled
     * upload must not pin two connections forever. 408 when the client went quiet, 504 when the
     * upstream stopped reading, a cut once a response is under way.
     */
    private void armBodyTimer(HttpResponseStatus statusIfNoResponse) {
        bodyTimeoutStatus = statusIfNoResponse;
        if (statusIfNoResponse == HttpResponseStatus.REQUEST_TIMEOUT) {
            timers.armBody(this, clientBodyTimeoutNanos);
        } else {
            timers.armBody(this, sendTimeoutNanos); // proxy_send_timeout
        }
    }

    private void cancelBodyTimer() {
        timers.cancelBody(this);
    }

    @Override
    public void bodyTimedOut() {
        if (finished) {
            return;
        }
        if (responseStarted) {
            abort();
        } else {
            fail(bodyTimeoutStatus);
        }
    }
}
