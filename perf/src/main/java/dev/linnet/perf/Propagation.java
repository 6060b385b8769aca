package dev.linnet.perf;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What both propagation benchmarks share: the two backends, the objects (as YAML), the timed
 * loop and the report. A source ({@link PropagationBenchmark}: manifest files;
 * {@link ClusterPropagationBenchmark}: fabric8's mock API server) only says how to change the
 * canary weight.
 *
 * <pre>
 *   repeat N times (a gap apart):
 *     t0 ─ change the canary weight to 100 (then 0, ...)             → "change written" time
 *     ├─ poll the table version until it changes                   → "table" time
 *     └─ send requests on one keep-alive connection until the body  → "requests follow" time
 *        is the new target (weight 0/100 make every answer deterministic)
 *
 *   churn mode (issue 15, item 8): meanwhile another thread edits an unrelated Ingress
 *   (other.example.com, its path changed) every churn ms, so the changes measured land in a
 *   steady stream of others, as under a busy CD pipeline
 * </pre>
 */
final class Propagation {

    static final String HOST = "canary.example.com";

    /** Applies one change; must not wait for it to take effect. */
    interface Change {
        void weight(int weight) throws Exception;
    }

    /** Edits the unrelated Ingress ({@link #otherIngress}) for the {@code n}th time; must not wait. */
    interface Churn {
        void edit(int n) throws Exception;
    }

    private Propagation() {
    }

    /**
     * Runs {@code changes} changes {@code gapMillis} apart through Linnet on {@code httpPort}, with
     * {@code churn} applied every {@code churnMillis} meanwhile (0: no churn), and prints the
     * summary lines and the {@code RESULT} line.
     */
    static void measure(int changes, long gapMillis, long churnMillis, int httpPort, LongSupplier tableVersion,
                        Change change, Churn churn) throws Exception {
        ScheduledExecutorService churner = Executors.newSingleThreadScheduledExecutor();
        try (Client client = new Client(httpPort)) {
            awaitBody(client, "stable", TimeUnit.SECONDS.toNanos(30));
            if (churnMillis > 0) {
                AtomicInteger edits = new AtomicInteger();
                churner.scheduleAtFixedRate(() -> {
                    try {
                        churn.edit(edits.incrementAndGet());
                    } catch (Exception e) {
                        System.err.println("churn edit failed: " + e);
                    }
                }, churnMillis / 2, churnMillis, TimeUnit.MILLISECONDS); // between the measured changes
            }
            long[] applied = new long[changes];
            long[] table = new long[changes];
            long[] follow = new long[changes];
            for (int i = 0; i < changes; i++) {
                int weight = i % 2 == 0 ? 100 : 0;
                String expected = weight == 100 ? "canary" : "stable";
                Thread.sleep(gapMillis); // pacing the load generator, not synchronising a test
                long version = tableVersion.getAsLong();
                long t0 = System.nanoTime();
                change.weight(weight);
                applied[i] = System.nanoTime() - t0; // the write itself (an API call, in cluster mode)
                table[i] = -1;
                long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    if (table[i] < 0 && tableVersion.getAsLong() != version) {
                        table[i] = System.nanoTime() - t0;
                    }
                    if (client.get().equals(expected)) {
                        follow[i] = System.nanoTime() - t0;
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("change " + i + " (weight " + weight
                                + ") not followed within 30 s");
                    }
                }
                if (table[i] < 0) {
                    table[i] = follow[i];
                }
            }
            System.out.println(summary("change written", applied));
            System.out.println(summary("table published", table));
            System.out.println(summary("requests follow", follow));
            System.out.printf(Locale.ROOT, "RESULT changes=%d gap_ms=%d churn_ms=%d follow_p50_ms=%.1f follow_p99_ms=%.1f follow_max_ms=%.1f"
                            + " table_p50_ms=%.1f table_p99_ms=%.1f%n", changes, gapMillis, churnMillis,
                    ms(percentile(follow, 50)), ms(percentile(follow, 99)), ms(percentile(follow, 100)),
                    ms(percentile(table, 50)), ms(percentile(table, 99)));
        } finally {
            churner.shutdownNow();
        }
    }

    private static void awaitBody(Client client, String expected, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!client.get().equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Linnet never answered " + expected);
            }
        }
    }

    private static String summary(String what, long[] nanos) {
        return String.format(Locale.ROOT, "%-16s p50 %6.1f ms  p90 %6.1f ms  p99 %6.1f ms  min %6.1f ms  max %6.1f ms",
                what, ms(percentile(nanos, 50)), ms(percentile(nanos, 90)), ms(percentile(nanos, 99)),
                ms(percentile(nanos, 0)), ms(percentile(nanos, 100)));
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static HttpServer backend(String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    /** HTTP/1.1 on one keep-alive connection, reopened if the proxy closes it. */
    private static final class Client implements AutoCloseable {
        private static final byte[] REQUEST = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        private final int port;
        private Socket socket;
        private InputStream in;

        Client(int port) {
            this.port = port;
        }

        /** The response body, trimmed; "" for a failed exchange (the caller just asks again). */
        String get() throws IOException {
            try {
                if (socket == null) {
                    socket = new Socket("127.0.0.1", port);
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(10_000);
                    in = new BufferedInputStream(socket.getInputStream());
                }
                socket.getOutputStream().write(REQUEST);
                int length = -1;
                boolean close = false;
                String line;
                while (!(line = readLine()).isEmpty()) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(lower.substring(15).trim());
                    } else if (lower.startsWith("connection:") && lower.contains("close")) {
                        close = true;
                    }
                }
                if (length < 0) {
                    throw new IOException("response without content-length");
                }
                String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII).trim();
                if (close) {
                    close();
                }
                return body;
            } catch (IOException e) {
                close();
                return "";
            }
        }

        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a broken connection
                }
                socket = null;
            }
        }
    }

    static String services(int stablePort, int canaryPort) {
        List<String> docs = new ArrayList<>();
        for (String[] s : new String[][] {{"stable", String.valueOf(stablePort)}, {"canary", String.valueOf(canaryPort)}}) {
            docs.add("""
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: %1$s
                    spec:
                      ports:
                      - name: http
                        port: 80
                        targetPort: %2$s
                    ---
                    apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata:
                      name: %1$s-1
                      labels:
                        kubernetes.io/service-name: %1$s
                    addressType: IPv4
                    ports:
                    - name: http
                      port: %2$s
                      protocol: TCP
                    endpoints:
                    - addresses: ["127.0.0.1"]
                      conditions:
                        ready: true
                    """.formatted(s[0], s[1]));
        }
        return String.join("---\n", docs);
    }

    static final String MAIN_INGRESS = ingress("main", "", "stable");

    /** The Ingress churn mode edits: another host, its path {@code /v<n>}. */
    static String otherIngress(int n) {
        return ingress("other", "", "stable").replace("canary.example.com", "other.example.com")
                .replace("- path: /\n", "- path: /v" + n + "\n");
    }

    static String canaryIngress(int weight) {
        return ingress("main-canary", """
                  annotations:
                    nginx.ingress.kubernetes.io/canary: "true"
                    nginx.ingress.kubernetes.io/canary-weight: "%d"
                """.formatted(weight), "canary");
    }

    /** An Ingress for canary.example.com/ to {@code service}; {@code annotations} is metadata lines or "". */
    private static String ingress(String name, String annotations, String service) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                %sspec:
                  rules:
                  - host: canary.example.com
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: %s
                            port:
                              number: 80
                """.formatted(name, annotations, service);
    }
}
