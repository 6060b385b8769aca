package dev.linnet.gateway.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLContext;

/**
 * A stand-in external-auth service on 127.0.0.1 (the JDK's server): it records every subrequest
 * and answers what {@link #answer} says, with a small body the gateway must discard.
 */
public final class AuthService implements AutoCloseable {

    /** One subrequest as the service saw it. */
    public record Call(String method, String uri, Headers headers, int bodyBytes, List<String> serverNames,
            int remotePort) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String cookie(String name) {
            String cookies = headers.getFirst("Cookie");
            if (cookies != null) {
                for (String c : cookies.split(";")) {
                    String[] kv = c.strip().split("=", 2);
                    if (kv[0].equals(name) && kv.length == 2) {
                        return kv[1];
                    }
                }
            }
            return null;
        }
    }

    /** What to answer: a status and headers (a name may repeat: list of name, value pairs). */
    public record Reply(int status, List<String> headers) {
        public static Reply of(int status, String... headers) {
            return new Reply(status, List.of(headers));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Function<Call, Reply> answer = call -> Reply.of(200);

    private AuthService(SSLContext tls) throws IOException {
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static AuthService start() throws IOException {
        return new AuthService(null);
    }

    public static AuthService startTls(SSLContext tls) throws IOException {
        return new AuthService(tls);
    }

    public AuthService answer(Function<Call, Reply> answer) {
        this.answer = answer;
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Call> calls() {
        return calls;
    }

    public Call last() {
        return calls.get(calls.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int body = exchange.getRequestBody().readAllBytes().length;
            List<String> names = List.of();
            if (exchange instanceof HttpsExchange https && https.getSSLSession() instanceof ExtendedSSLSession s) {
                names = s.getRequestedServerNames().stream()
                        .map(n -> new String(n.getEncoded(), StandardCharsets.US_ASCII)).toList();
            }
            Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), body, names,
                    exchange.getRemoteAddress().getPort());
            calls.add(call);
            Reply reply = answer.apply(call);
            if (reply == null) {
                return; // hang up without an answer
            }
            for (int i = 0; i < reply.headers().size(); i += 2) {
                exchange.getResponseHeaders().add(reply.headers().get(i), reply.headers().get(i + 1));
            }
            byte[] text = ("auth says " + reply.status() + "\n").getBytes(StandardCharsets.UTF_8);
            boolean bodyless = exchange.getRequestMethod().equals("HEAD") || reply.status() == 204
                    || reply.status() == 304;
            exchange.sendResponseHeaders(reply.status(), bodyless ? -1 : text.length);
            if (!bodyless) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(text);
                }
            }
        }
    }

    /** Answers by the {@code _oauth2_proxy} cookie as oauth2-proxy's {@code /oauth2/auth} does. */
    public static Reply oauth2Proxy(Call call) {
        String session = call.cookie("_oauth2_proxy");
        if (session == null) {
            return Reply.of(401);
        }
        if (!session.startsWith("allowed-")) {
            return Reply.of(403);
        }
        String user = session.substring("allowed-".length());
        return Reply.of(202, "X-Auth-Request-User", user, "X-Auth-Request-Email", user + "@example.com",
                "Set-Cookie", "_oauth2_proxy=" + session + "; Path=/; HttpOnly");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
