package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.accesslog.AccessLogSettings;
import dev.linnet.gateway.route.NextUpstream;
import dev.linnet.gateway.tls.TlsPolicy;
import dev.linnet.gateway.upstream.HostResolver;
import dev.linnet.gateway.upstream.PassiveHealth;
import java.time.Duration;

/**
 * Listener, limit and upstream settings of the data plane. Defaults follow ingress-nginx where it
 * has one (its ConfigMap key in brackets): connect timeout 5 s ({@code proxy-connect-timeout}),
 * read and send timeouts 60 s ({@code proxy-read-timeout}, {@code proxy-send-timeout}), 3 tries
 * ({@code proxy-next-upstream-tries}), 8 KiB request line and header block
 * ({@code large-client-header-buffers 4 8k}), keep-alive 75 s and 1000 requests
 * ({@code upstream-keepalive-timeout}, {@code keep-alive-requests}), header and body timeouts
 * 60 s ({@code client-header-timeout}, {@code client-body-timeout}), redirect code 308
 * ({@code http-redirect-code}).
 *
 * <p>Per-route settings from Ingress annotations ({@code dev.linnet.gateway.route.RouteOptions})
 * win over the listener-wide ones here.
 *
 * @param bindAddress address the listeners bind ({@code 0.0.0.0} by default; tests use 127.0.0.1)
 * @param httpPort HTTP listener port; 0 picks a free port
 * @param httpsPort HTTPS listener port; 0 picks a free port, -1 means no HTTPS listener
 * @param ioThreads event loops; 0 means Netty's default (2 × cores)
 * @param connectTimeout upstream connect timeout; past it the next endpoint is tried, then 504
 * @param readTimeout longest silence from an upstream while a response is awaited; past it 504
 * @param sendTimeout longest time an upstream may take to accept a request body piece; past it 504
 * @param idleTimeout how long an idle keep-alive connection (client or upstream) is kept
 * @param maxTries attempts per request over different endpoints when connecting fails
 * @param maxInitialLineLength longest request line; longer gets 414
 * @param maxHeaderSize largest header block; larger gets 431
 * @param maxHeaders most header fields in one request; more gets 431
 * @param maxRequestBodySize largest request body in bytes (413 past it); 0 means unlimited
 * @param keepAliveRequests most requests served on one client connection; 0 means unlimited
 * @param clientHeaderTimeout longest time a client may take to send a request head
 * @param clientBodyTimeout longest silence of a client while it sends a request body; past it 408
 * @param maxConnections most concurrent client connections over all listeners; 0 means unlimited
 * @param httpRedirectCode status of the redirects to HTTPS (301, 302, 307 or 308)
 * @param shutdownDelay after SIGTERM, how long the listeners keep accepting (readiness already 503)
 * @param shutdownGrace after that, how long in-flight requests and tunnels may take to finish
 * @param nextUpstream which failed attempts are retried ({@code proxy-next-upstream}, default
 *     {@code error timeout}) and for how long ({@code proxy-next-upstream-timeout}, default none)
 * @param passiveHealth when an endpoint that keeps failing is skipped ({@code max_fails},
 *     {@code fail_timeout}; default 1 in 10 s)
 * @param underscoresInHeaders pass request headers whose names contain {@code _} on; off (nginx's
 *     {@code underscores_in_headers off}, ingress-nginx's {@code enable-underscores-in-headers: false})
 *     drops them, so a client can't spoof {@code X_Real_IP} for CGI-style backends
 * @param authTimeout how long an external-auth subrequest may take, connect to last byte (nginx's
 *     default 60 s timeouts of the auth location; {@code proxy-*-timeout} annotations do not apply)
 * @param authResolver how the host names of {@code auth-url}s are resolved, off the event loops
 * @param clientTrust where the client address, scheme and host come from, and what the upstream
 *     is told of them (ConfigMap: {@code use-forwarded-headers}, {@code use-proxy-protocol} …)
 * @param responseHeaders HSTS, {@code Server}, {@code add-headers}, {@code hide-headers}
 * @param tlsPolicy TLS protocols and ciphers of the HTTPS listener (new connections)
 * @param accessLog the access log's switches and format
 * @param clientBody how a buffered request body is kept: memory, then temporary files under a
 *     gateway-wide budget ({@code client-body-buffer-size}, {@code --client-body-temp-path})
 * @param blocks clients, user agents and referers answered 403 on every host ({@code block-cidrs},
 *     {@code block-user-agents}, {@code block-referers})
 */
public record GatewayConfig(
        String bindAddress,
        int httpPort,
        int httpsPort,
        int ioThreads,
        Duration connectTimeout,
        Duration readTimeout,
        Duration sendTimeout,
        Duration idleTimeout,
        int maxTries,
        int maxInitialLineLength,
        int maxHeaderSize,
        int maxHeaders,
        long maxRequestBodySize,
        int keepAliveRequests,
        Duration clientHeaderTimeout,
        Duration clientBodyTimeout,
        int maxConnections,
        int httpRedirectCode,
        Duration shutdownDelay,
        Duration shutdownGrace,
        NextUpstream nextUpstream,
        PassiveHealth passiveHealth,
        boolean underscoresInHeaders,
        Duration authTimeout,
        HostResolver authResolver,
        ClientTrust clientTrust,
        ResponseHeaders responseHeaders,
        TlsPolicy tlsPolicy,
        AccessLogSettings accessLog,
        ClientBodyBuffer clientBody,
        RequestBlocks blocks) {

    public GatewayConfig {
        requireNonNull(blocks, "blocks");
        requireNonNull(clientBody, "clientBody");
        requireNonNull(authTimeout, "authTimeout");
        requireNonNull(authResolver, "authResolver");
        requireNonNull(clientTrust, "clientTrust");
        requireNonNull(responseHeaders, "responseHeaders");
        requireNonNull(tlsPolicy, "tlsPolicy");
        requireNonNull(accessLog, "accessLog");
        requireNonNull(nextUpstream, "nextUpstream");
        requireNonNull(passiveHealth, "passiveHealth");
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(readTimeout, "readTimeout");
        requireNonNull(sendTimeout, "sendTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(clientHeaderTimeout, "clientHeaderTimeout");
        requireNonNull(clientBodyTimeout, "clientBodyTimeout");
        requireNonNull(shutdownDelay, "shutdownDelay");
        requireNonNull(shutdownGrace, "shutdownGrace");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort: " + httpPort + " (expected: 0-65535)");
        }
        if (httpsPort < -1 || httpsPort > 65535) {
            throw new IllegalArgumentException("httpsPort: " + httpsPort + " (expected: 0-65535, or -1 for none)");
        }
        if (maxTries < 0) { // 0: nginx's "no limit", each endpoint once (Attempts.triesFor)
            throw new IllegalArgumentException("maxTries: " + maxTries + " (expected: >= 0)");
        }
        if (maxHeaders < 1) {
            throw new IllegalArgumentException("maxHeaders: " + maxHeaders + " (expected: > 0)");
        }
        if (maxRequestBodySize < 0) {
            throw new IllegalArgumentException("maxRequestBodySize: " + maxRequestBodySize + " (expected: >= 0)");
        }
        if (keepAliveRequests < 0) {
            throw new IllegalArgumentException("keepAliveRequests: " + keepAliveRequests + " (expected: >= 0)");
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 0)");
        }
        if (httpRedirectCode != 301 && httpRedirectCode != 302 && httpRedirectCode != 307 && httpRedirectCode != 308) {
            throw new IllegalArgumentException("httpRedirectCode: " + httpRedirectCode + " (expected: 301, 302, 307 or 308)");
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, -1, 0, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofSeconds(75), 3, 8192, 8192, 100, 0, 1000,
                Duration.ofSeconds(60), Duration.ofSeconds(60), 0, 308, Duration.ofSeconds(5), Duration.ofSeconds(30),
                NextUpstream.DEFAULT, PassiveHealth.DEFAULT, false,
                Duration.ofSeconds(60), HostResolver.system(), ClientTrust.DEFAULT, ResponseHeaders.DEFAULT,
                TlsPolicy.DEFAULT, AccessLogSettings.DEFAULT, ClientBodyBuffer.DEFAULT, RequestBlocks.NONE);
    }

    /** A builder starting from these settings, for changing several at once. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public GatewayConfig withBindAddress(String address) {
        return toBuilder().bindAddress(address).build();
    }

    public GatewayConfig withHttpPort(int port) {
        return toBuilder().httpPort(port).build();
    }

    public GatewayConfig withHttpsPort(int port) {
        return toBuilder().httpsPort(port).build();
    }

    public GatewayConfig withTimeouts(Duration connect, Duration read) {
        return toBuilder().connectTimeout(connect).readTimeout(read).build();
    }

    public GatewayConfig withMaxRequestBodySize(long bytes) {
        return toBuilder().maxRequestBodySize(bytes).build();
    }

    public GatewayConfig withIdleTimeout(Duration idle) {
        return toBuilder().idleTimeout(idle).build();
    }

    public GatewayConfig withMaxTries(int tries) {
        return toBuilder().maxTries(tries).build();
    }

    public GatewayConfig withIoThreads(int threads) {
        return toBuilder().ioThreads(threads).build();
    }

    /** Mutable twin of {@link GatewayConfig}; {@link #build()} validates. */
    public static final class Builder {
        private String bindAddress;
        private int httpPort;
        private int httpsPort;
        private int ioThreads;
        private Duration connectTimeout;
        private Duration readTimeout;
        private Duration sendTimeout;
        private Duration idleTimeout;
        private int maxTries;
        private int maxInitialLineLength;
        private int maxHeaderSize;
        private int maxHeaders;
        private long maxRequestBodySize;
        private int keepAliveRequests;
        private Duration clientHeaderTimeout;
        private Duration clientBodyTimeout;
        private int maxConnections;
        private int httpRedirectCode;
        private Duration shutdownDelay;
        private Duration shutdownGrace;
        private NextUpstream nextUpstream;
        private PassiveHealth passiveHealth;
        private boolean underscoresInHeaders;
        private Duration authTimeout;
        private HostResolver authResolver;
        private ClientTrust clientTrust;
        private ResponseHeaders responseHeaders;
        private TlsPolicy tlsPolicy;
        private AccessLogSettings accessLog;
        private ClientBodyBuffer clientBody;
        private RequestBlocks blocks;

        private Builder(GatewayConfig c) {
            bindAddress = c.bindAddress;
            httpPort = c.httpPort;
            httpsPort = c.httpsPort;
            ioThreads = c.ioThreads;
            connectTimeout = c.connectTimeout;
            readTimeout = c.readTimeout;
            sendTimeout = c.sendTimeout;
            idleTimeout = c.idleTimeout;
            maxTries = c.maxTries;
            maxInitialLineLength = c.maxInitialLineLength;
            maxHeaderSize = c.maxHeaderSize;
            maxHeaders = c.maxHeaders;
            maxRequestBodySize = c.maxRequestBodySize;
            keepAliveRequests = c.keepAliveRequests;
            clientHeaderTimeout = c.clientHeaderTimeout;
            clientBodyTimeout = c.clientBodyTimeout;
            maxConnections = c.maxConnections;
            httpRedirectCode = c.httpRedirectCode;
            shutdownDelay = c.shutdownDelay;
            shutdownGrace = c.shutdownGrace;
            nextUpstream = c.nextUpstream;
            passiveHealth = c.passiveHealth;
            underscoresInHeaders = c.underscoresInHeaders;
            authTimeout = c.authTimeout;
            authResolver = c.authResolver;
            clientTrust = c.clientTrust;
            responseHeaders = c.responseHeaders;
            tlsPolicy = c.tlsPolicy;
            accessLog = c.accessLog;
            clientBody = c.clientBody;
            blocks = c.blocks;
        }

        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder httpPort(int v) { httpPort = v; return this; }
        public Builder httpsPort(int v) { httpsPort = v; return this; }
        public Builder ioThreads(int v) { ioThreads = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }
        public Builder sendTimeout(Duration v) { sendTimeout = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder maxTries(int v) { maxTries = v; return this; }
        public Builder maxInitialLineLength(int v) { maxInitialLineLength = v; return this; }
        public Builder maxHeaderSize(int v) { maxHeaderSize = v; return this; }
        public Builder maxHeaders(int v) { maxHeaders = v; return this; }
        public Builder maxRequestBodySize(long v) { maxRequestBodySize = v; return this; }
        public Builder keepAliveRequests(int v) { keepAliveRequests = v; return this; }
        public Builder clientHeaderTimeout(Duration v) { clientHeaderTimeout = v; return this; }
        public Builder clientBodyTimeout(Duration v) { clientBodyTimeout = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder httpRedirectCode(int v) { httpRedirectCode = v; return this; }
        public Builder shutdownDelay(Duration v) { shutdownDelay = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder nextUpstream(NextUpstream v) { nextUpstream = v; return this; }
        public Builder passiveHealth(PassiveHealth v) { passiveHealth = v; return this; }
        public Builder underscoresInHeaders(boolean v) { underscoresInHeaders = v; return this; }
        public Builder authTimeout(Duration v) { authTimeout = v; return this; }
        public Builder authResolver(HostResolver v) { authResolver = v; return this; }
        public Builder clientTrust(ClientTrust v) { clientTrust = v; return this; }
        public Builder responseHeaders(ResponseHeaders v) { responseHeaders = v; return this; }
        public Builder tlsPolicy(TlsPolicy v) { tlsPolicy = v; return this; }
        public Builder accessLog(AccessLogSettings v) { accessLog = v; return this; }
        public Builder clientBody(ClientBodyBuffer v) { clientBody = v; return this; }
        public Builder blocks(RequestBlocks v) { blocks = v; return this; }

        public GatewayConfig build() {
            return new GatewayConfig(bindAddress, httpPort, httpsPort, ioThreads, connectTimeout, readTimeout,
                    sendTimeout, idleTimeout, maxTries, maxInitialLineLength, maxHeaderSize, maxHeaders,
                    maxRequestBodySize, keepAliveRequests, clientHeaderTimeout, clientBodyTimeout, maxConnections,
                    httpRedirectCode, shutdownDelay, shutdownGrace, nextUpstream, passiveHealth, underscoresInHeaders,
                    authTimeout, authResolver, clientTrust, responseHeaders, tlsPolicy, accessLog, clientBody,
                    blocks);
        }
    }
}
