package dev.linnet.gateway.policy;

import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;

/**
 * One routed request as its policies see it. Lives on the request's event loop; everything but
 * {@link #resume} and {@link #answer} must be called there.
 *
 * <pre>
 *   routed ─▶ SERVER, REWRITE policies ─▶ canary split ─▶ ACCESS policies ─▶ 503 if no endpoint
 *          ─▶ upstream head + UPSTREAM policies ─▶ proxy ─▶ RESPONSE policies on the response head
 *   any request policy may answer (RESPONSE policies still run on its answer) or suspend
 * </pre>
 */
public interface RequestContext {

    /** The client's request head as received (origin-form URI); editing its headers changes what goes upstream. */
    HttpRequest request();

    /** The host that routed the request, normalised (lower case, no port, no trailing dot). */
    String host();

    /** The Host header as the client sent it ({@code $http_host}), or {@link #host()} when it sent none. */
    String authority();

    /** The normalised path that routing used ({@code $uri} before any rewrite). */
    String path();

    Route route();

    /** The routing table snapshot this request was routed with. */
    RouteTable table();

    /**
     * The client's address ({@code $remote_addr}): the TCP peer, unless the ConfigMap trusts
     * forwarded headers or the PROXY header (annotations-spec.md §4.2); port 0 when a header named
     * none. What access lists, hashing and the access log use.
     */
    InetSocketAddress remoteAddress();

    /**
     * The client as computed once for this request: address, scheme, host and port
     * ({@code $remote_addr}, {@code $pass_access_scheme}, {@code $best_http_host}, {@code $pass_port}).
     * This default (for stand-in contexts) believes the connection only.
     */
    default ClientView client() {
        InetSocketAddress a = remoteAddress();
        return new ClientView(a, a == null ? "" : NetUtil.toAddressString(a.getAddress()),
                tls() ? "https" : "http", authority(), tls() ? "443" : "80");
    }

    /** Whether the request came through the HTTPS listener ({@code $scheme}; {@link #client()} has the trusted one). */
    boolean tls();

    /** The client's channel (an HTTP/2 stream's, whose parent is the connection); for its allocator and TLS session. */
    Channel channel();

    /** The request's event loop: asynchronous work that resumes the request lands here. */
    EventLoop eventLoop();

    GatewayConfig config();

    /** The gateway's upstream pools, for subrequests (external auth, error pages) on this loop. */
    UpstreamPool pool();

    /** Whether the canary split chose the canary; false before the split (SERVER and REWRITE stages). */
    boolean canary();

    /**
     * The canary the split chose (with {@code linnet.dev/multi-canary}, one of several), or
     * {@code null} before the split and for the stable backend.
     */
    CanaryRule servedCanary();

    /** State a policy keeps for this request across its stages, under its own key; {@code null} when none. */
    Object attachment(Object key);

    void attach(Object key, Object value);

    /**
     * Ends the request with a local answer, which the RESPONSE policies see before it is sent. Takes
     * ownership of {@code response}. From another thread the call moves to {@link #eventLoop()};
     * after the client left, or once the request is answered, it only releases the response.
     */
    void answer(FullHttpResponse response);

    /**
     * An access check failed with nginx's access code {@code code} (401 or 403) and would answer
     * {@code response} (a 401, a sign-in redirect, a 403). Under {@code satisfy: all} that is the
     * answer; under {@code satisfy: any} it is kept while the next access check may still pass
     * (see {@link Satisfy}). Takes ownership of {@code response}; threads as {@link #answer}.
     */
    default void deny(int code, FullHttpResponse response) {
        answer(response);
    }

    /**
     * The request's id ({@code $req_id}): the client's {@code X-Request-ID}, else one made once, so
     * a subrequest and the proxied request carry the same. The proxy's context makes one; this
     * default (for stand-in contexts) only passes the client's on.
     */
    default CharSequence requestId() {
        String id = request().headers().get("x-request-id");
        return id != null ? id : "";
    }

    /** Continues after a policy returned {@link Flow#SUSPENDED}. From another thread the call moves to the loop. */
    void resume();

    /** Whether the client went away: a suspended policy's work is no longer wanted. */
    boolean abandoned();
}
