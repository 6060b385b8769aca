package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.upstream.Lease;
import dev.linnet.gateway.upstream.UpstreamListener;
import dev.linnet.gateway.upstream.UpstreamPool;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One external-auth subrequest through the gateway's own upstream pools, on the request's event
 * loop: resolve the host (off the loop), lease a pooled connection (HTTP, or TLS with SNI and no
 * verification), send a bodiless request, read the head, discard the body, give the connection
 * back when it can carry another request.
 *
 * <pre>
 *   resolve ─▶ lease (idle or new) ─▶ write head+end ─▶ head ─▶ body pieces released ─▶ last ─▶ done(head)
 *      │            │                     └─ a reused connection that closed before any answer: once more, fresh
 *      └────────────┴─ failure, or the timeout (whole subrequest) ─────────────────────────────▶ done(null)
 * </pre>
 *
 * The callback runs once, on the loop, with the response head (its headers are all the policy
 * needs; it holds no buffer) or {@code null} on any failure.
 */
final class AuthSubrequest implements UpstreamListener {

    private final RequestContext request;
    private final URI target;
    private final HttpMethod method;
    private final HttpHeaders headers;
    private final BiConsumer<HttpResponse, Throwable> done;
    private final EventLoop loop;
    private final UpstreamPool pool;
    private final Duration timeout;
    private ScheduledFuture<?> timer;
    private Endpoint endpoint;
    private Lease lease;
    private HttpResponse head;
    private boolean finished;
    private boolean retried;

    private AuthSubrequest(RequestContext request, URI target, HttpMethod method, HttpHeaders headers,
            BiConsumer<HttpResponse, Throwable> done) {
        this.request = request;
        this.target = target;
        this.method = method;
        this.headers = headers;
        this.done = done;
        this.loop = request.eventLoop();
        this.pool = request.pool();
        this.timeout = request.config().authTimeout();
    }

    /** Sends {@code method target} with {@code headers}; {@code done} gets the head or the failure, on the loop. */
    static void send(RequestContext request, URI target, HttpMethod method, HttpHeaders headers,
            BiConsumer<HttpResponse, Throwable> done) {
        new AuthSubrequest(request, target, method, headers, done).start();
    }

    private void start() {
        timer = loop.schedule(() -> fail(new TimeoutException("auth subrequest: no answer within " + timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        String host = target.getHost();
        if (host.startsWith("[")) { // an IPv6 literal
            host = host.substring(1, host.length() - 1);
        }
        request.config().authResolver().resolve(host).whenComplete((address, failure) -> {
            if (loop.inEventLoop()) {
                resolved(address, failure);
            } else {
                loop.execute(() -> resolved(address, failure));
            }
        });
    }

    private void resolved(InetAddress address, Throwable failure) {
        if (finished) {
            return;
        }
        if (failure != null) {
            fail(failure);
            return;
        }
        endpoint = new Endpoint(address.getHostAddress(), port(target));
        connect(true);
    }

    static int port(URI target) {
        return target.getPort() != -1 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
    }

    private void connect(boolean allowIdle) {
        Future<Lease> leased = "https".equalsIgnoreCase(target.getScheme())
                ? pool.acquireTls(loop, endpoint, target.getHost(), allowIdle, timeout)
                : pool.acquire(loop, endpoint, allowIdle, timeout);
        if (leased.isDone()) {
            leased(leased);
        } else {
            leased.addListener(f -> leased(leased));
        }
    }

    private void leased(Future<Lease> leased) {
        if (!leased.isSuccess()) {
            fail(leased.cause());
            return;
        }
        Lease acquired = leased.getNow();
        if (finished) {
            pool.release(acquired, true); // never used
            return;
        }
        lease = acquired;
        acquired.listen(this);
        String uri = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        if (target.getRawQuery() != null) {
            uri += "?" + target.getRawQuery();
        }
        acquired.channel().writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE)).addListener(f -> {
                    if (!f.isSuccess() && lease == acquired) {
                        acquired.channel().close(); // onUpstreamClosed decides
                    }
                });
        acquired.channel().read();
    }

    @Override
    public void onResponse(HttpObject msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg.decoderResult().isFailure()) {
            // The decoder gave up (a header too long, a broken line): its head may still carry the
            // status line's 200, and a close would then end a "close-delimited body". Never a pass.
            ReferenceCountUtil.release(msg);
            fail(msg.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() != io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                head = response;
            }
        }
        boolean last = msg instanceof LastHttpContent && head != null;
        if (msg instanceof HttpContent content) {
            content.release(); // the auth body is never relayed (#2292, #4314, #12211)
        }
        if (last) {
            boolean reusable = HttpUtil.isKeepAlive(head);
            Lease l = lease;
            lease = null;
            pool.release(l, reusable);
            complete(head, null);
        } else {
            lease.channel().read();
        }
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        Lease l = lease;
        lease = null;
        if (finished || l == null) {
            return;
        }
        pool.release(l, false);
        if (head != null && cause == null && !HttpUtil.isContentLengthSet(head)
                && !HttpUtil.isTransferEncodingChunked(head)) {
            complete(head, null); // a close-delimited body ended
        } else if (head == null && l.reused() && !retried) {
            retried = true; // the idle connection closed under us: nothing reached the service
            connect(false);
        } else {
            fail(cause != null ? cause : new IllegalStateException("auth service closed the connection"));
        }
    }

    private void fail(Throwable cause) {
        if (finished) {
            return;
        }
        Lease l = lease;
        lease = null;
        if (l != null) {
            pool.release(l, false);
        }
        complete(null, cause);
    }

    private void complete(HttpResponse response, Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        timer.cancel(false);
        done.accept(response, cause);
    }
}
