package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Listener and upstream settings of the data plane. Defaults follow ingress-nginx where it has
 * one: connect timeout 5 s ({@code proxy-connect-timeout}), read timeout 60 s
 * ({@code proxy-read-timeout}), 3 tries ({@code proxy-next-upstream-tries}), 8 KiB request line
 * and header block ({@code large-client-header-buffers 4 8k}).
 *
 * @param bindAddress address the HTTP listener binds ({@code 0.0.0.0} by default; tests use 127.0.0.1)
 * @param httpPort HTTP listener port; 0 picks a free port
 * @param ioThreads event loops; 0 means Netty's default (2 × cores)
 * @param connectTimeout upstream connect timeout; past it the next endpoint is tried, then 504
 * @param readTimeout longest silence from an upstream while a response is awaited; past it 504
 * @param idleTimeout how long an idle keep-alive connection (client or upstream) is kept
 * @param maxTries attempts per request over different endpoints when connecting fails
 * @param maxInitialLineLength longest request line; longer gets 414
 * @param maxHeaderSize largest header block; larger gets 431
 * @param maxRequestBodySize largest request body in bytes (413 past it); 0 means unlimited
 */
public record GatewayConfig(
        String bindAddress,
        int httpPort,
        int ioThreads,
        Duration connectTimeout,
        Duration readTimeout,
        Duration idleTimeout,
        int maxTries,
        int maxInitialLineLength,
        int maxHeaderSize,
        long maxRequestBodySize) {

    public GatewayConfig {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(readTimeout, "readTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort: " + httpPort + " (expected: 0-65535)");
        }
        if (maxTries < 1) {
            throw new IllegalArgumentException("maxTries: " + maxTries + " (expected: > 0)");
        }
        if (maxRequestBodySize < 0) {
            throw new IllegalArgumentException("maxRequestBodySize: " + maxRequestBodySize + " (expected: >= 0)");
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, 0, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(75), 3, 8192, 8192, 0);
    }

    public GatewayConfig withBindAddress(String address) {
        return new GatewayConfig(address, httpPort, ioThreads, connectTimeout, readTimeout, idleTimeout, maxTries,
                maxInitialLineLength, maxHeaderSize, maxRequestBodySize);
    }

    public GatewayConfig withHttpPort(int port) {
        return new GatewayConfig(bindAddress, port, ioThreads, connectTimeout, readTimeout, idleTimeout, maxTries,
                maxInitialLineLength, maxHeaderSize, maxRequestBodySize);
    }

    public GatewayConfig withTimeouts(Duration connect, Duration read) {
        return new GatewayConfig(bindAddress, httpPort, ioThreads, connect, read, idleTimeout, maxTries,
                maxInitialLineLength, maxHeaderSize, maxRequestBodySize);
    }

    public GatewayConfig withMaxRequestBodySize(long bytes) {
        return new GatewayConfig(bindAddress, httpPort, ioThreads, connectTimeout, readTimeout, idleTimeout, maxTries,
                maxInitialLineLength, maxHeaderSize, bytes);
    }

    public GatewayConfig withIdleTimeout(Duration idle) {
        return new GatewayConfig(bindAddress, httpPort, ioThreads, connectTimeout, readTimeout, idle, maxTries,
                maxInitialLineLength, maxHeaderSize, maxRequestBodySize);
    }

    public GatewayConfig withMaxTries(int tries) {
        return new GatewayConfig(bindAddress, httpPort, ioThreads, connectTimeout, readTimeout, idleTimeout, tries,
                maxInitialLineLength, maxHeaderSize, maxRequestBodySize);
    }

    public GatewayConfig withIoThreads(int threads) {
        return new GatewayConfig(bindAddress, httpPort, threads, connectTimeout, readTimeout, idleTimeout, maxTries,
                maxInitialLineLength, maxHeaderSize, maxRequestBodySize);
    }
}
