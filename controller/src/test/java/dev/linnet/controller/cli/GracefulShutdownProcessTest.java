package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real {@code linnet serve} process (a child JVM) with slow requests in flight:
 * readiness turns 503, every in-flight request completes, the process exits 0 in time.
 */
class GracefulShutdownProcessTest {

    private static final Pattern LISTENING = Pattern.compile("serving HTTP on [^:]+:(\\d+), admin on [^:]+:(\\d+)");
    private static final int DELAY_SECONDS = 2;
    private static final int GRACE_SECONDS = 20;
    private static final String SLOW = "POST /upload HTTP/1.1\r\nHost: " + "live.example.com"
            + "\r\nContent-Length: 4\r\n\r\nslow";

    @TempDir
    Path manifests;

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Process process;
    private Thread reader;

    @AfterEach
    void cleanUp() throws Exception {
        release.countDown();
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
        TestBackend backend = startChild();
        int http = ports()[0];
        int admin = ports()[1];

        List<RawHttp> inFlight = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RawHttp raw = new RawHttp(http);
            closeables.add(raw);
            inFlight.add(raw.send(SLOW));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> backend.seen().size() == 4);

        long signalled = System.nanoTime();
        process.destroy(); // SIGTERM
        // Generous: the held requests keep the drain, and so the admin listener's 503, going.
        await().atMost(Duration.ofSeconds(15)).until(() -> status(admin, "/readyz") == 503);
        assertThat(process.isAlive()).as("draining, not gone").isTrue();

        release.countDown();
        for (RawHttp raw : inFlight) {
            RawHttp.Response r = raw.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("4 ");
        }
        assertThat(process.waitFor(DELAY_SECONDS + GRACE_SECONDS + 10, TimeUnit.SECONDS))
                .as("exited within delay + grace; log:%n%s", String.join("\n", log)).isTrue();
        assertThat(process.exitValue()).as("log:%n%s", String.join("\n", log)).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - signalled))
                .as("the drain ended when the requests did, not at the grace")
                .isLessThan(Duration.ofSeconds(DELAY_SECONDS + GRACE_SECONDS));
        // Netty reports a leak only once a GC collected the buffer: a short child rarely gets there,
        // so this catches a leak sometimes, never a false one.
        assertThat(String.join("\n", log)).as("the child ran Netty's leak detector").doesNotContain("LEAK:");
    }

    /**
     * A second SIGTERM while the drain waits for a held request ends the process at once (the
     * request is cut), cleanly: exit 0, no stack trace.
     */
    @Test
    void aSecondSigtermDuringTheDrainEndsTheProcessAtOnce() throws Exception {
        TestBackend backend = startChild();
        int http = ports()[0];
        RawHttp held = new RawHttp(http);
        closeables.add(held);
        held.send(SLOW);
        await().atMost(Duration.ofSeconds(20)).until(() -> backend.seen().size() == 1);

        process.destroy(); // SIGTERM
        await().atMost(Duration.ofSeconds(DELAY_SECONDS + 15)).until(() -> refused(http)); // the drain proper
        long again = System.nanoTime();
        process.destroy(); // SIGTERM again

        assertThat(process.waitFor(Shutdown.CUT_SHORT_LIMIT.toSeconds() + 5, TimeUnit.SECONDS))
                .as("log:%n%s", String.join("\n", log)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Shutdown.CUT_SHORT_LIMIT);
        reader.join(TimeUnit.SECONDS.toMillis(10)); // the whole log: it ends with the child's output
        assertThat(process.exitValue()).as("log:%n%s", String.join("\n", log)).isZero();
        assertThat(String.join("\n", log)).doesNotContain("Exception"); // e.g. the drain's, run into the close
    }

    private static boolean refused(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A {@code linnet serve} child routing to a backend that holds uploads until {@link #release}; ready. */
    private TestBackend startChild() throws Exception {
        TestBackend backend = TestBackend.start("slow");
        closeables.add(backend);
        backend.holdUploads(release);
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("slow", backend.port())
                + "---\n" + StandaloneServerTest.ingress("app", "slow", ""));

        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-XX:TieredStopAtLevel=1",
                "-Dio.netty.leakDetection.level=paranoid", // as every test JVM (the launcher would turn it off)
                Main.class.getName(), "serve", "--manifests", manifests.toString(),
                "--bind-address", "127.0.0.1", "--http-port", "0", "--https-port", "0", "--admin-port", "0",
                "--shutdown-delay", String.valueOf(DELAY_SECONDS), "--shutdown-grace", String.valueOf(GRACE_SECONDS))
                .redirectErrorStream(true) // logs: stderr with linnet's logback.xml, stdout with a test one
                .start();
        reader = new Thread(this::readLog, "child-log");
        reader.setDaemon(true);
        reader.start();

        await().atMost(Duration.ofSeconds(60)).failFast("the child exited; log:\n" + log, () -> !process.isAlive())
                .until(() -> ports() != null);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(ports()[1], "/readyz") == 200);
        return backend;
    }

    private int[] ports() {
        for (String line : log) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
            }
        }
        return null;
    }

    private int status(int port, String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void readLog() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                log.add(line);
            }
        } catch (IOException e) {
            // the child is gone
        }
    }
}
