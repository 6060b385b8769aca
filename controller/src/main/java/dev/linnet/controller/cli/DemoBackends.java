package dev.linnet.controller.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The demo's two backends on 127.0.0.1, answering {@code nginx-v1} and {@code nginx-v2} as the
 * ingress-nginx canary tutorial's two Deployments do. The JDK's HTTP server is plenty for a demo
 * and costs no dependency.
 */
final class DemoBackends implements AutoCloseable {

    static {
        // The JDK server writes head and body separately; with Nagle on, each answer would wait
        // ~40 ms for the gateway's delayed ACK, and the demo would look slow for no reason.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final int DEFAULT_V1_PORT = 18081;
    static final int DEFAULT_V2_PORT = 18082;

    private final HttpServer v1;
    private final HttpServer v2;
    private final ExecutorService executor;

    private DemoBackends(HttpServer v1, HttpServer v2, ExecutorService executor) {
        this.v1 = v1;
        this.v2 = v2;
        this.executor = executor;
    }

    /** Starts both; a port of 0 picks a free one. */
    static DemoBackends start(int v1Port, int v2Port) {
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "linnet-demo-backend");
            t.setDaemon(true);
            return t;
        });
        HttpServer v1 = null;
        try {
            v1 = serve(v1Port, "nginx-v1", executor);
            HttpServer v2 = serve(v2Port, "nginx-v2", executor);
            return new DemoBackends(v1, v2, executor);
        } catch (IllegalStateException e) {
            if (v1 != null) {
                v1.stop(0);
            }
            executor.shutdownNow();
            throw e;
        }
    }

    private static HttpServer serve(int port, String answer, ExecutorService executor) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
            byte[] body = (answer + '\n').getBytes(StandardCharsets.US_ASCII);
            server.createContext("/", exchange -> answer(exchange, body));
            server.setExecutor(executor);
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("demo backend " + answer + ": cannot bind 127.0.0.1:" + port
                    + " (" + e.getMessage() + "; choose another with --" + answer.substring(6) + "-port)", e);
        }
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        try (exchange) {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream()); // drain, so the connection can be reused
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    int v1Port() {
        return v1.getAddress().getPort();
    }

    int v2Port() {
        return v2.getAddress().getPort();
    }

    @Override
    public void close() {
        v1.stop(0);
        v2.stop(0);
        executor.shutdownNow();
    }
}
