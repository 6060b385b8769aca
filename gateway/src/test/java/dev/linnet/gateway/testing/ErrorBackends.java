package dev.linnet.gateway.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.linnet.gateway.route.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The two upstreams of error-page tests (annotations-spec.md §5): an application answering the
 * status its path names, and an error backend echoing the request it got, as ingress-nginx's
 * e2e echo server does.
 */
public final class ErrorBackends implements AutoCloseable {

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private ErrorBackends(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /**
     * {@code /status/NNN} answers NNN with {@code upstream NNN}; {@code /big/NNN/BYTES} answers NNN
     * with BYTES of body; anything else 200. Every answer carries {@code X-Upstream: name}.
     */
    public static ErrorBackends statuses(String name) throws IOException {
        return new ErrorBackends(exchange -> {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            int status = parts.length > 2 ? Integer.parseInt(parts[2]) : 200;
            exchange.getResponseHeaders().set("X-Upstream", name);
            if (parts.length > 3 && parts[1].equals("big")) {
                long size = Long.parseLong(parts[3]);
                exchange.sendResponseHeaders(status, size);
                byte[] chunk = new byte[64 * 1024];
                try (OutputStream out = exchange.getResponseBody()) {
                    for (long sent = 0; sent < size; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
                    }
                } catch (IOException e) {
                    // the gateway closed the connection unread: what an intercepted body gets
                }
                return;
            }
            reply(exchange, status, "upstream " + status);
        });
    }

    /** Answers {@code status} with {@code X-Echo: name} and a body describing the request ({@link #seen}). */
    public static ErrorBackends echo(String name, int status) throws IOException {
        return new ErrorBackends(exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            StringBuilder out = new StringBuilder();
            out.append("request: ").append(exchange.getRequestMethod()).append(' ')
                    .append(exchange.getRequestURI().getRawPath());
            if (exchange.getRequestURI().getRawQuery() != null) {
                out.append('?').append(exchange.getRequestURI().getRawQuery());
            }
            out.append('\n').append("body: ").append(new String(body, StandardCharsets.UTF_8)).append('\n');
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            headers.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
            exchange.getResponseHeaders().set("X-Echo", name);
            reply(exchange, status, out.toString());
        });
    }

    /** What the echo backend saw: {@code request}, {@code body} and the headers, by lower-case name. */
    public static Map<String, String> seen(String echoBody) {
        Map<String, String> out = new HashMap<>();
        for (String line : echoBody.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                out.put(line.substring(0, colon), line.substring(colon + 2));
            } else if (line.endsWith(":")) {
                out.put(line.substring(0, line.length() - 1), "");
            }
        }
        return out;
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", port());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
