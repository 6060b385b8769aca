package dev.linnet.gateway.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import dev.linnet.gateway.route.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP upstream on 127.0.0.1 (the JDK's server, so nothing of the gateway's Netty code is
 * on this side). It answers its own name, records every request it saw, and has two special
 * paths for streaming tests:
 * <ul>
 *   <li>{@code /download/N}: N bytes of {@link #pattern} with a Content-Length;</li>
 *   <li>{@code /upload}: reads the whole body and answers {@code "<bytes> <crc32>"}.</li>
 * </ul>
 */
public final class TestBackend implements AutoCloseable {

    static {
        // The JDK server writes head and body separately; with Nagle on, every response would
        // wait ~40 ms for our delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** What the backend saw of one request. */
    public record Seen(String method, String uri, Headers headers, int remotePort) {
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<List<String>> serverNames = new CopyOnWriteArrayList<>();
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    private volatile Map<String, String> extraResponseHeaders = Map.of();
    private final AtomicLong downloaded = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile CountDownLatch uploadGate = new CountDownLatch(0);
    private volatile long delayMillis;

    private TestBackend(String name) throws IOException {
        this(name, null);
    }

    private TestBackend(String name, SSLContext tls) throws IOException {
        this.name = name;
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static TestBackend start(String name) throws IOException {
        return new TestBackend(name);
    }

    /** The same backend behind TLS ({@code backend-protocol: HTTPS}), serving {@code tls}'s certificate. */
    public static TestBackend startTls(String name, SSLContext tls) throws IOException {
        return new TestBackend(name, tls);
    }

    /** The SNI host names TLS clients asked for, one entry per request (empty lists: no SNI). */
    public List<List<String>> serverNames() {
        return serverNames;
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", port());
    }

    public List<Seen> seen() {
        return seen;
    }

    public Seen last() {
        return seen.get(seen.size() - 1);
    }

    /** Distinct client ports, i.e. TCP connections the gateway opened to this backend. */
    public int connectionCount() {
        return connections.size();
    }

    public void respondWithHeaders(Map<String, String> headers) {
        extraResponseHeaders = Map.copyOf(headers);
    }

    /** Bytes of {@code /download} bodies handed to the socket so far. */
    public long downloaded() {
        return downloaded.get();
    }

    /** The most requests this backend was handling at the same time. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** {@code /upload} waits for this latch before reading the body, so a test can hold it. */
    /** Every later request waits this long before its answer (a slow pod). */
    public void respondAfter(Duration delay) {
        delayMillis = delay.toMillis();
    }

    public void holdUploads(CountDownLatch gate) {
        uploadGate = gate;
    }

    /** The byte at offset {@code i} of every download: deterministic so the client can check it. */
    public static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 8));
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders(), exchange.getRemoteAddress().getPort()));
        connections.add(exchange.getRemoteAddress().getPort());
        if (exchange instanceof HttpsExchange https && https.getSSLSession() instanceof ExtendedSSLSession session) {
            serverNames.add(session.getRequestedServerNames().stream()
                    .map(n -> new String(n.getEncoded(), StandardCharsets.US_ASCII)).toList());
        }
        exchange.getResponseHeaders().set("X-Backend", name);
        extraResponseHeaders.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            slowDown();
            if (path.startsWith("/download/")) {
                download(exchange, Long.parseLong(path.substring("/download/".length())));
            } else if (path.equals("/upload")) {
                upload(exchange);
            } else {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                if (exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
                    sendHead(exchange, 200, -1);
                } else {
                    sendHead(exchange, 200, body.length);
                    exchange.getResponseBody().write(body);
                }
            }
        }
    }

    private void slowDown() throws IOException {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis); // the pod's own pace, not a test waiting for a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** The response head; from here on the request no longer counts as in flight. */
    private void sendHead(HttpExchange exchange, int status, long length) throws IOException {
        inFlight.decrementAndGet();
        exchange.sendResponseHeaders(status, length);
    }

    private void download(HttpExchange exchange, long size) throws IOException {
        sendHead(exchange, 200, size);
        OutputStream out = exchange.getResponseBody();
        byte[] buf = new byte[64 * 1024];
        for (long sent = 0; sent < size; ) {
            int n = (int) Math.min(buf.length, size - sent);
            for (int i = 0; i < n; i++) {
                buf[i] = pattern(sent + i);
            }
            out.write(buf, 0, n);
            sent += n;
            downloaded.addAndGet(n);
        }
    }

    private void upload(HttpExchange exchange) throws IOException {
        try {
            uploadGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        CRC32 crc = new CRC32();
        long count = 0;
        byte[] buf = new byte[64 * 1024];
        InputStream in = exchange.getRequestBody();
        for (int n; (n = in.read(buf)) >= 0; ) {
            crc.update(buf, 0, n);
            count += n;
        }
        byte[] body = (count + " " + crc.getValue()).getBytes(StandardCharsets.UTF_8);
        sendHead(exchange, 200, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
