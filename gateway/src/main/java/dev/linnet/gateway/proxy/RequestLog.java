package dev.linnet.gateway.proxy;

import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.accesslog.AccessLogEntry;
import dev.linnet.gateway.accesslog.AccessLogSettings;
import dev.linnet.gateway.metrics.RequestTimeline;
import dev.linnet.gateway.route.Route;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLSession;

/**
 * The access log's hook at the end of a request (where the metrics record it too, so no answer
 * is missed): whether the request is logged, and the {@link AccessLogEntry} handed to the writer.
 * Only references and the few header values the format names are taken here; {@link AccessLog#offer}
 * formats the line from them at once, on this event loop, and hands the bytes to the writer thread.
 *
 * <pre>
 *   log off, or disable-access-log ─────────────────────────────▶ nothing
 *   a route matched: its enable-access-log (the main Ingress's) ──▶ log or not
 *   no route: the default backend's 404 ─▶ enable-access-log-for-default-backend
 *             an answer before any location (400 on the host, 403 client certificate …) ─▶ log
 * </pre>
 */
final class RequestLog {

    private final ProxyContext context;
    private final Channel channel;
    private final boolean tls;
    private final boolean h2;
    private final java.util.function.Function<HttpRequest, InetSocketAddress> client; // §4.2's address
    private HttpRequest request; // the request being answered; null between requests
    private String uri; // its target as sent (before an absolute form is cut to origin form); null: unreadable
    private RequestHead head; // null for a head refused before routing
    private Route matched; // the route that matched, or null (the flow knows it too, when there is one)
    private InetSocketAddress lastPeer; // $remote_addr's text for it: the same address on every request of a connection
    private String lastPeerText = "";

    /** One per client connection (an HTTP/2 stream's is its own). */
    RequestLog(ProxyContext context, Channel channel, boolean tls, boolean h2,
               java.util.function.Function<HttpRequest, InetSocketAddress> client) {
        this.client = client;
        this.context = context;
        this.channel = channel;
        this.tls = tls;
        this.h2 = h2;
    }

    /** A request began; {@code uri} is its target as sent, {@code head} what routing reads (null: refused). */
    void started(HttpRequest request, String uri, RequestHead head) {
        this.request = request;
        this.uri = uri;
        this.head = head;
        this.matched = null;
    }

    void matched(Route route) {
        this.matched = route;
    }

    /**
     * The request is over: hands it to the writer when the settings and the route say so. Once
     * per request; {@code flow} is the request's, or {@code null} when it was answered before one began.
     */
    void finished(RequestTimeline t, RequestFlow flow) {
        HttpRequest r = request;
        request = null;
        if (r != null) {
            offer(t, r, flow != null ? flow.route() : matched, flow);
        }
        uri = null;
        head = null;
        matched = null;
    }

    private void offer(RequestTimeline t, HttpRequest request, Route route, RequestFlow flow) {
        AccessLog log = context.accessLog();
        if (!log.isOn()) {
            return;
        }
        AccessLogSettings settings = context.config().accessLog();
        if (!settings.enabled()) {
            return;
        }
        if (route != null ? !route.options().accessLog() : t.clientStatus() == 404 && !settings.defaultBackend()) {
            return;
        }
        // Answered before a flow began (the catch-all 404, a 400): the same believed address.
        InetSocketAddress peer = flow != null ? flow.remoteAddress() : client.apply(request);
        AsciiString[] names = settings.format().headerNames();
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = request.headers().get(names[i]);
        }
        String sslProtocol = null;
        String sslCipher = null;
        if (tls && settings.format().readsTls()) {
            Channel connection = h2 ? channel.parent() : channel;
            SslHandler ssl = connection == null ? null : connection.pipeline().get(SslHandler.class);
            SSLSession session = ssl == null ? null : ssl.engine().getSession();
            if (session != null) {
                sslProtocol = session.getProtocol();
                sslCipher = session.getCipherSuite();
            }
        }
        InetSocketAddress local = settings.format().readsServerPort() ? address(channel.localAddress()) : null;
        if (peer != lastPeer) {
            lastPeer = peer;
            lastPeerText = peer == null ? "" : NetUtil.toAddressString(peer.getAddress());
        }
        // $proxy_protocol_addr, _port: only looked up when the format names them
        ProxyProtocol.Origin origin = settings.format().readsProxyProtocol() ? ProxyProtocol.of(channel) : null;
        AccessLogEntry.Client client = new AccessLogEntry.Client(lastPeerText, peer == null ? 0 : peer.getPort(),
                local == null ? 0 : local.getPort(), tls, sslProtocol, sslCipher,
                origin == null ? null : origin.sourceText(), origin == null ? 0 : origin.source().getPort());
        AccessLogEntry.Request line = new AccessLogEntry.Request(request.method().name(), uri,
                h2 ? "HTTP/2.0" : request.protocolVersion().text(), head == null ? null : head.host(),
                head == null ? null : head.path());
        CharSequence id = flow != null ? flow.requestId() : clientOrNewId(request);
        log.offer(new AccessLogEntry(settings, t, route, System.currentTimeMillis(), client, line, id, values));
    }

    private static InetSocketAddress address(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : null;
    }

    /** {@code $req_id} of a request no flow saw: the client's X-Request-ID, else a fresh one (nginx's $request_id). */
    private static CharSequence clientOrNewId(HttpRequest request) {
        String client = request.headers().get(ProxyHeaders.X_REQUEST_ID);
        return client != null && !client.isEmpty() ? client : RequestIds.next();
    }
}
