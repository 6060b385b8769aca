package dev.linnet.gateway.proxy;

import dev.linnet.gateway.metrics.Phase;
import dev.linnet.gateway.metrics.RequestTimeline;
import dev.linnet.gateway.policy.Answers;
import dev.linnet.gateway.upstream.PassPlan;
import dev.linnet.gateway.policy.ClientView;
import dev.linnet.gateway.policy.RequestPolicy;
import dev.linnet.gateway.policy.EndpointPolicy;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.PathRegexException;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import dev.linnet.gateway.split.Decision;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request loop of one client connection. AUTO_READ is off and {@link
 * dev.linnet.gateway.upstream.MessagePerRead} sits in front, so every {@code ctx.read()} brings
 * exactly one message and nothing arrives that we did not ask for:
 *
 * <pre>
 *   idle ──read()──▶ request head ──▶ decoder failed? ─▶ 400 / 414 / 431, close
 *                        │            target, path or Host nginx refuses? ─▶ 400, close
 *                        ▼ route (one table snapshot) ─▶ path regex out of budget: 500, close
 *                        │                             ─▶ none: 404 ────┐
 *                        ▼ RequestFlow: policies, split ─▶ an answer ───┤─▶ drain body, answer, idle
 *                        ▼ no endpoint: 503 ────────────────────────────┘   (HTTP/2: answer, reset)
 *                     Exchange (owns body and response) ──done──▶ keep-alive? idle : close
 * </pre>
 *
 * {@code Expect: 100-continue} gets its {@code 100} only on the paths that read the body (drain
 * before a 404, Exchange), and never on HTTP/2; any other answer goes out alone.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter implements Exchange.Done {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

    private final ProxyContext context;
    private ChannelHandlerContext ctx;
    private Exchange exchange;
    private RequestFlow flow; // the routed request's policies and split; kept until the next request
    private FullHttpResponse answerAfterBody; // a local answer, sent once the body is drained
    private boolean expectsContinue; // the request's Expect: 100-continue is not answered yet
    private boolean keepAlive;
    private boolean closing; // the answer that closes the connection is decided: nothing more is read
    private ScheduledFuture<?> idleTimer;
    private ByteCounter bytes; // null when the pipeline has none (handler tests)
    private RequestTimeline timeline; // the request being answered, for metrics; null between requests
    private RequestLog accessLog; // what the access log needs of the request being answered
    private ServerCodec codec; // HTTP/1.x: counts response body bytes; null on an HTTP/2 stream
    private boolean unlocated; // the request was refused before routing: logged, not in the metrics
    private boolean connectionCounted;
    private boolean started; // the request loop began (handlerAdded on a live channel, or channelActive)
    private HeadTimeout headTimeout; // null when the pipeline has none (an HTTP/2 stream)
    private int requests; // request heads received on this connection (keepalive_requests)
    private InetSocketAddress peer; // the TCP peer, looked up at the first request
    private String peerText; // its text: X-Real-IP / X-Forwarded-For unless forwarded headers are trusted
    private ProxyProtocol.Origin origin; // the connection's PROXY header, or null
    private boolean tls; // the connection came through the HTTPS listener (an SslHandler in front)
    private boolean h2; // an HTTP/2 stream: its :path must be origin form
    private ResponseHeaders planFor; // the configuration plan was made for
    private PassPlan plan; // the response pass-through's edits for this connection, or null
    private ClientConnections gate; // the gateway's connection gate, looked up once; null in handler tests
    private ExchangeTimers timers; // the exchanges' timeouts, kept across requests; made at the first

    FrontendHandler(ProxyContext context) {
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.bytes = ctx.pipeline().get(ByteCounter.class);
        this.headTimeout = ctx.pipeline().get(HeadTimeout.class);
        this.codec = ctx.pipeline().get(ServerCodec.class);
        // An HTTP/2 stream's TLS lives on its parent, the connection.
        this.h2 = ctx.channel() instanceof Http2StreamChannel;
        Channel connection = h2 ? ctx.channel().parent() : ctx.channel();
        this.tls = connection.pipeline().get(SslHandler.class) != null;
        this.accessLog = new RequestLog(context, ctx.channel(), tls, h2, r -> client(r).address());
        this.gate = ClientConnections.of(ctx.channel());
        if (ctx.channel().isActive()) { // added to a live channel (after h2c detection, ALPN)
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(); // an HTTP/2 stream is active at handlerAdded and still gets channelActive: once only
        ctx.fireChannelActive();
    }

    private void start() {
        if (!started) {
            started = true;
            countConnection();
            awaitRequest();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || !ctx.channel().isActive()) {
            // Pipelined behind the answer that closes (handed over by the decoder and the flow handler
            // at the close): never started, never forwarded, as nginx. The close aborts any exchange.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (exchange != null || answerAfterBody != null || flow != null && flow.pending()) {
                // One exchange per connection: the next head is read after the answer, never before.
                closing = true;
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            cancelIdleTimer();
            try {
                onRequest(request);
            } finally {
                ReferenceCountUtil.release(msg); // a FullHttpRequest only when the decoder failed
            }
        } else if (msg instanceof HttpContent piece) {
            onContent(piece);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        requests++;
        String uri = request.uri(); // RequestHead may rewrite an absolute form; the log shows what was sent
        if (request.decoderResult().isFailure()) {
            HttpResponseStatus refusal = ErrorResponses.forDecoderFailure(request.decoderResult());
            refusedBeforeRouting(request, refusal, uri);
            answer(refusal, false);
            return;
        }
        // The gateway answers the expectation itself (never the upstream), and only once the body
        // is sure to be read: see sendContinueIfExpected.
        expectsContinue = HttpUtil.is100ContinueExpected(request);
        if (expectsContinue) {
            request.headers().remove(HttpHeaderNames.EXPECT);
        }
        RequestHead head = RequestHead.read(request, h2, context.config());
        if (head.refusal() != null) {
            refusedBeforeRouting(request, head.refusal(), uri);
            answer(head.refusal(), false);
            return;
        }
        String host = head.host();
        String path = head.path();
        keepAlive = HttpUtil.isKeepAlive(request) && mayServeAnother();
        timeline = RequestTimeline.start(request.method());
        accessLog.started(request, uri, head);
        context.metrics().requestStarted();
        RouteTable table = context.routes().current();
        VirtualHost server = table.serverNormalised(host);
        Route route;
        try {
            route = server.match(path);
        } catch (PathRegexException e) {
            regexFailed(e, host, path);
            return;
        }
        accessLog.matched(route);
        RequestPolicy[] hostPolicies = server.policies().beforeSplit(); // usually none: then on to the location
        ClientView client = client(request);
        RequestBlocks blocks = context.config().blocks();
        if (!blocks.isEmpty() && blocks.blocks(client.address() == null ? null : client.address().getAddress(),
                request.headers().get(HttpHeaderNames.USER_AGENT), request.headers().get(HttpHeaderNames.REFERER))) {
            answerAfterBody(HttpResponseStatus.FORBIDDEN); // block-cidrs, -user-agents, -referers: every host
            return;
        }
        RequestFlow routed = new RequestFlow(this, context, ctx.channel(), request, head, hostPolicies, route, table, tls,
                client);
        if (hostPolicies.length == 0 && (refusedTooLarge(routed) || route == null && notFound())) {
            return;
        }
        flow = routed;
        flow.run(); // the route's policies, the split, then proxy() unless a policy answers or waits
    }

    /** The client of this request (annotations-spec.md §4): the connection's facts are looked up once. */
    private ClientView client(HttpRequest request) {
        if (peerText == null) {
            peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null; // a stream's: its connection's
            peerText = peer == null ? "" : NetUtil.toAddressString(peer.getAddress());
            origin = ProxyProtocol.of(ctx.channel());
        }
        String hostHeader = request.headers().get(HttpHeaderNames.HOST); // as sent, port included ($http_host)
        return ClientAddresses.view(context.config().clientTrust(), request.headers(), peer, peerText, origin, tls,
                hostHeader == null ? "" : hostHeader);
    }

    /**
     * A head refused before any location (nginx's 400, 414, 431): not counted in the request
     * metrics, as in ingress-nginx, where it never reaches a location, but logged, as nginx's
     * server-level access log does. Netty's stand-in for a request line it could not read
     * ({@code GET /bad-request}) logs no {@code $request}.
     */
    private void refusedBeforeRouting(HttpRequest request, HttpResponseStatus status, String uri) {
        timeline = RequestTimeline.start(request.method());
        timeline.status(status.code());
        unlocated = true;
        accessLog.started(request, request instanceof FullHttpRequest && request.decoderResult().isFailure()
                && "/bad-request".equals(uri) ? null : uri, null);
    }

    /**
     * The location's proxy-body-size (per route, RouteChecks): 413 before any byte of the body is
     * read. Runs after the host's own policies, as nginx checks it after the server's rewrite phase.
     * A route whose {@code custom-http-errors} list 413 sends it to the error backend, as the
     * location's {@code error_page} does in ingress-nginx; the body is never read either way, so
     * the connection closes after the answer.
     *
     * @return whether the request was refused
     */
    boolean refusedTooLarge(RequestFlow routed) {
        if (!RouteChecks.bodyTooLarge(routed.request(), routed.route(), context.config())) {
            return false;
        }
        int status = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code();
        if (ErrorPages.intercepts(routed, status, false)) {
            flow = routed;
            divert(status, true, false); // bodyRead: the error request goes without the body
        } else {
            answerAndClose(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE); // don't read what we refuse
        }
        return true;
    }

    /** No route matched (after the host's policies, when it has any): the default backend's 404. */
    boolean notFound() {
        answerAfterBody(HttpResponseStatus.NOT_FOUND);
        return true;
    }

    /** The split chose {@code decision}: the request is routed (metrics name the route and side). */
    void routed(Route route, Decision decision, int canaryIndex) {
        timeline.routed(route, decision, canaryIndex);
    }

    /**
     * Every request policy let the request pass: proxy it to {@code backend}, the side the split
     * chose. Only the chosen backend matters: a header-forced canary works while main has no
     * endpoint (DESIGN.md deliberate difference 3).
     */
    void proxy(RequestFlow passed, Backend backend) {
        Route route = passed.route();
        Backend standIn = backend.hasEndpoints() ? null : ErrorPages.standIn(route); // default-backend
        if (!backend.hasEndpoints() && standIn == null) {
            passed.respond(ErrorResponses.of(ctx.alloc(), ErrorPages.noEndpoint(route), keepAlive));
            return;
        }
        HttpRequest request = passed.request();
        String upgrade = Upgrades.requested(request, ctx.pipeline()); // before the hop-by-hop headers go
        HttpRequest upstreamHead = ProxyHeaders.toUpstream(request, passed.client(),
                origin != null ? origin.sourceText() : peerText, context.config().clientTrust(), passed.requestId(),
                passed);
        if (upgrade != null) {
            Upgrades.restore(upstreamHead, upgrade); // as ingress-nginx: Upgrade $http_upgrade, Connection upgrade
        }
        if (standIn != null) {
            backend = standIn;
            ErrorPages.markStandIn(upstreamHead, passed);
        }
        route.policies().onUpstreamRequest(passed, upstreamHead);
        try {
            // the same search again: only a stack overflow fails it
            RouteChecks.rewrite(route, upstreamHead, passed.routedPath(), passed.rawPath());
        } catch (PathRegexException e) {
            regexFailed(e, passed.host(), passed.path());
            return;
        }
        if (timers == null) {
            timers = new ExchangeTimers(ctx.executor());
        }
        EndpointPolicy sticky = route.policies().endpoint();
        exchange = new Exchange(ctx, context, upstreamHead, request.protocolVersion(), keepAlive, backend,
                route.options(), timeline, timers, this, passed.editsResponses() ? passed : null,
                sticky == null ? null : sticky.chooser(passed, backend));
        sendContinueIfExpected(); // before the exchange may ask for the body
        exchange.start();
    }

    @Override
    public boolean intercepts(int status, boolean upstream) {
        return ErrorPages.intercepts(flow, status, upstream);
    }

    @Override
    public void divert(int status, boolean requestComplete) {
        exchange = null;
        divert(status, true, requestComplete);
    }

    /**
     * A listed status of the routed request goes to the error backend (ErrorPages): a new exchange
     * with the error request, or the built-in 404 when no backend can answer.
     *
     * @param bodyRead whether the client's body went upstream already (else it follows the error request)
     * @param keep whether the connection may serve another request after the answer
     */
    void divert(int status, boolean bodyRead, boolean keep) {
        Backend backend = ErrorPages.divert(flow);
        if (backend == null && !bodyRead) {
            answerAfterBody(ErrorResponses.of(ctx.alloc(), HttpResponseStatus.NOT_FOUND, keepAlive));
        } else if (backend == null) {
            timeline.status(HttpResponseStatus.NOT_FOUND.code());
            write(ErrorResponses.of(ctx.alloc(), HttpResponseStatus.NOT_FOUND, keep && keepAlive), keep && keepAlive);
        } else {
            if (timers == null) {
                timers = new ExchangeTimers(ctx.executor());
            }
            HttpRequest request = flow.request();
            exchange = new Exchange(ctx, context, ErrorPages.request(flow, status, !bodyRead),
                    request.protocolVersion(), keep && keepAlive, backend, RouteOptions.DEFAULTS,
                    timeline, timers, this, null, null);
            if (bodyRead) {
                exchange.bodyAlreadyRead();
            } else {
                sendContinueIfExpected();
            }
            exchange.start();
        }
    }

    private void onContent(HttpContent piece) {
        if (piece.decoderResult().isFailure()) { // a broken chunked body: nginx's 400
            piece.release();
            if (exchange != null) {
                exchange.requestMalformed();
            } else if (answerAfterBody != null) {
                answerAfterBody.release();
                answerAfterBody = null;
                answerAndClose(HttpResponseStatus.BAD_REQUEST);
            } else {
                ctx.close();
            }
        } else if (exchange != null) {
            exchange.onRequestContent(piece);
        } else if (answerAfterBody != null) {
            boolean last = piece instanceof LastHttpContent;
            piece.release();
            if (last) {
                cancelIdleTimer(); // the dropped body's clock
                FullHttpResponse response = answerAfterBody;
                answerAfterBody = null;
                write(response, keepAlive);
            } else {
                ctx.read();
            }
        } else {
            piece.release(); // the tail of a request we already gave up on
        }
    }

    @Override
    public void exchangeDone(boolean keepClientOpen) {
        exchange = null;
        recordRequest();
        if (keepClientOpen && ctx.channel().isActive()) {
            awaitRequest();
        } else {
            closing = true;
            ctx.close();
        }
    }

    /**
     * nginx's {@code return 444} (NGX_HTTP_CLOSE): no response at all. nginx terminates the request
     * and closes the connection at once, without lingering to read the rest of a body; on HTTP/2 it
     * closes only the stream, with RST_STREAM INTERNAL_ERROR (ngx_http_v2_close_stream: nothing was
     * sent on it). The access log shows status 444 and no bytes sent.
     */
    void closeWithoutAnswer() {
        timeline.status(Answers.CloseConnection.STATUS);
        closing = true;
        expectsContinue = false;
        recordRequest();
        if (h2) {
            ctx.channel().writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    /** ingress-nginx keeps the connection after its own 404, so the body is read and dropped. */
    private void answerAfterBody(HttpResponseStatus status) {
        answerAfterBody(ErrorResponses.of(ctx.alloc(), status, keepAlive));
    }

    /**
     * Reads and drops the request body, then sends {@code response} (a local error or the HTTPS
     * redirect); each silence in the body may last {@code client_body_timeout}.
     *
     * <p>A client still waiting for {@code 100 Continue} gets one only before the 404: ingress-nginx
     * proxies that to its default backend, which reads the body. Its 403, 503 and redirects are
     * nginx's own answers, sent without the 100 (ngx_http_special_response_handler marks the
     * expectation tested); such a client then sends no body, so the answer goes now and the
     * connection closes behind it.
     *
     * <p>An HTTP/2 stream is answered at once and then reset (nginx's {@code skip_data}): closing it
     * costs the connection nothing, and there is no body clock on a stream to wait for one with.
     */
    void answerAfterBody(FullHttpResponse response) {
        timeline.status(response.status().code());
        if (h2 || expectsContinue && response.status().code() != HttpResponseStatus.NOT_FOUND.code()) {
            expectsContinue = false;
            write(response, false);
            return;
        }
        answerAfterBody = response;
        if (headTimeout != null) {
            headTimeout.awaitDroppedBody(); // a stalled body must not hold the connection forever
        }
        sendContinueIfExpected();
        ctx.read();
    }

    /**
     * RFC 9110 §10.1.1: a client that sent {@code Expect: 100-continue} waits for a go-ahead before
     * it sends the body, so the go-ahead goes out only where the body will be read (proxied, or
     * read and dropped before a local answer that keeps the connection). A final status that
     * closes the connection (400, 413, 431, …) is sent alone, as nginx does: its
     * {@code client_max_body_size} check in the find-config phase marks the expectation as
     * tested before discarding, so no {@code 100 Continue} precedes the 413. Never on an HTTP/2
     * stream: nginx's ngx_http_test_expect leaves those alone (the client sends its DATA anyway).
     */
    private void sendContinueIfExpected() {
        if (expectsContinue && !h2) {
            expectsContinue = false;
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    /**
     * nginx: a location regex that fails (PCRE's match limit) makes find_location answer 500,
     * never a later location; its own 500 turns keep-alive off.
     */
    void regexFailed(PathRegexException e, String host, String path) {
        log.warn("{} on host {} for a path of {} characters: answered 500", e.getMessage(), host, path.length());
        answerAndClose(HttpResponseStatus.INTERNAL_SERVER_ERROR);
    }

    /** A routed request's final answer, without reading its body: the connection closes after it. */
    private void answerAndClose(HttpResponseStatus status) {
        timeline.status(status.code());
        answer(status, false);
    }

    private void answer(HttpResponseStatus status, boolean keep) {
        write(ErrorResponses.of(ctx.alloc(), status, keep), keep);
    }

    /** Whether an HTTP/2 stream's client side has not sent END_STREAM yet. */
    private static boolean requestStillOpen(Channel stream) {
        Http2Stream.State state = ((Http2StreamChannel) stream).stream().state();
        return state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_LOCAL;
    }

    private void write(FullHttpResponse response, boolean keepIfNotDraining) {
        // A request refused before routing (a malformed head) has no location in nginx:
        // add-headers and Server, no HSTS.
        gatewayHeaders(response, timeline != null && !unlocated);
        boolean keep = keepIfNotDraining && !draining();
        if (!keep) {
            closing = true;
            response.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            recordRequest(); // a local 404 / 503 (requests refused before routing have no timeline)
            if (keep && f.isSuccess()) {
                awaitRequest();
            } else if (h2 && f.isSuccess() && requestStillOpen(f.channel())) {
                // The answer is complete, the request body is not: RST_STREAM NO_ERROR, "stop
                // sending" (RFC 9113 §8.1, nginx's close_stream), not the CANCEL a bare close sends.
                // A request that had ended gets nothing more (no frame on a closed stream).
                f.channel().writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                f.channel().close();
            }
        });
    }

    /**
     * The gateway's own headers on every response head to the client, local or proxied: the
     * one place HSTS, {@code Server} and {@code add-headers} are set (annotations-spec.md §8.4, §3.5).
     *
     * @param location the response belongs to a routed request (proxied, or answered once routed)
     */
    @Override
    public void gatewayHeaders(HttpResponse response, boolean location) {
        // An intercepted error page is no Ingress location's answer: add-headers, no HSTS (X13, #6027).
        location &= !ErrorPages.diverted(flow);
        // tls: this connection's own TLS ($scheme), never a trusted X-Forwarded-Proto (X13)
        context.config().responseHeaders().apply(response.headers(), tls, location);
    }

    /** The gateway's edits of {@link #gatewayHeaders} (location true) as a pass-through plan, when it may be used. */
    @Override
    public PassPlan passPlan() {
        if (h2 || ErrorPages.diverted(flow)) {
            return null; // a stream's answer is frames; an error page's has no location (no HSTS)
        }
        ResponseHeaders gateway = context.config().responseHeaders();
        if (gateway != planFor) { // once per connection and configuration
            planFor = gateway;
            plan = gateway.passPlan(tls);
        }
        return plan;
    }

    /** Between requests a connection may idle for {@code idleTimeout} (nginx's keepalive_timeout). */
    private void awaitRequest() {
        flow = null;
        boolean closing = requests > 0 && gate != null && gate.closesIdle();
        if (headTimeout != null) {
            headTimeout.awaitHead(requests > 0); // keepalive_timeout, then client_header_timeout
            if (closing) {
                // The listeners closed: this connection goes once idle a moment. Not at once: a
                // response whose head said keep-alive just before must not be followed by a close
                // the client's next request would run into (DrainSignal).
                headTimeout.shortenIdle(gate.idleLingerNanos());
            }
        } else if (closing) {
            ctx.close();
            return;
        } else {
            idleTimer = ctx.executor().schedule(() -> {
                ctx.close();
            }, context.config().idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        ctx.read();
    }

    /**
     * nginx's {@code keepalive_requests} (ingress-nginx: 1000), and the drain: the response that
     * ends a connection says {@code Connection: close}, so the client does not send into a close.
     */
    private boolean mayServeAnother() {
        int max = context.config().keepAliveRequests();
        return (max == 0 || requests < max) && !draining();
    }

    @Override
    public boolean draining() {
        return gate != null && gate.endsConnections();
    }

    /** Once the listeners closed, a connection idle between requests closes after a moment; a busy one after its response. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DrainSignal.CLOSE_IDLE && headTimeout != null) {
            headTimeout.shortenIdle(gate.idleLingerNanos());
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void cancelIdleTimer() {
        if (headTimeout != null) {
            headTimeout.headReceived();
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    /** Hands the finished request's timeline to the metrics, once. */
    private void recordRequest() {
        RequestTimeline t = timeline;
        if (t == null) {
            return;
        }
        timeline = null;
        t.mark(Phase.DONE);
        if (bytes != null) {
            t.bytes(bytes.read(), bytes.written());
            t.bodyBytes(codec != null ? codec.takeBodyBytes() : bytes.written()); // a stream's DATA is its body
            bytes.reset();
        } else if (codec != null) {
            t.bodyBytes(codec.takeBodyBytes());
        }
        if (unlocated) {
            unlocated = false;
        } else {
            context.metrics().requestEnded();
            try {
                context.metrics().record(t);
            } catch (RuntimeException | LinkageError e) { // metrics must never stall the connection
                log.warn("recording request metrics failed", e);
            }
        }
        try {
            accessLog.finished(t, flow);
        } catch (RuntimeException e) { // nor must the access log
            log.warn("access log: capturing a request failed", e);
        }
    }

    private void countConnection() {
        // An HTTP/2 stream is not a connection: Http2Pipeline counts its parent once.
        if (!connectionCounted && !(ctx.channel() instanceof Http2StreamChannel)) {
            connectionCounted = true;
            context.metrics().connectionOpened();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelIdleTimer();
        if (flow != null) {
            flow.abandon(); // a policy waiting on a subrequest finds nothing to resume (the log still reads it)
        }
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        if (timers != null) {
            timers.close();
        }
        if (answerAfterBody != null) {
            answerAfterBody.release();
            answerAfterBody = null;
        }
        recordRequest(); // the client left while its body was drained
        flow = null;
        if (connectionCounted) {
            connectionCounted = false;
            context.metrics().connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
