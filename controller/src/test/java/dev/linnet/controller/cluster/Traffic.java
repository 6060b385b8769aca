package dev.linnet.controller.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A client of the gateway, and a background one that keeps sending while the cluster changes. */
final class Traffic implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String host;
    private final AtomicLong sent = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private Thread thread;

    Traffic(int port, String host) {
        this.port = port;
        this.host = host;
    }

    /** One request; the backend's name, or {@code status:N}. */
    String get() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .header("Host", host).timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "status:" + response.statusCode();
        } catch (IOException e) {
            return "error:" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "error:interrupted";
        }
    }

    /** Starts sending continuously from a background thread; every non-200 is recorded. */
    Traffic startContinuous() {
        running = true;
        thread = new Thread(() -> {
            while (running) {
                String answer = get();
                sent.incrementAndGet();
                if (answer.startsWith("status:") || answer.startsWith("error:")) {
                    failures.add(answer);
                }
            }
        }, "test-traffic");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    long sent() {
        return sent.get();
    }

    List<String> failures() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(10_000);
        }
    }
}
