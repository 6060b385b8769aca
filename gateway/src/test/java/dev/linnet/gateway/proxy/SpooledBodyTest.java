package dev.linnet.gateway.proxy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import dev.linnet.gateway.testing.Fixtures;
import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.H2Client;
import dev.linnet.gateway.testing.RawBackend;
import dev.linnet.gateway.testing.RawHttp;
import dev.linnet.gateway.testing.TestBackend;
import dev.linnet.gateway.testing.TestCerts;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Buffered request bodies past their memory buffer (issue 19, annotations-spec.md §6): the rest
 * goes to a temporary file, the pod is connected only once the last byte is in, the file is
 * sent whole to every attempt and closed (its budget given back) on every path. The pod
 * {@code /upload} answers "length crc32" of what it received.
 */
class SpooledBodyTest {

    private static final Duration QUIET = Duration.ofMillis(400);
    private static final int MEMORY = 8192; // client-body-buffer-size's default

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    @TempDir
    Path tmp;
    private Path spoolDir;

    @BeforeEach
    void spoolUnderTheTestsDirectory() {
        spoolDir = tmp.resolve("client-body");
        gw.configure(c -> c.toBuilder().clientBody(c.clientBody().withTemp(spoolDir, 1L << 30)).build());
    }

    /** Every path ends with no temporary file open, nothing of the budget taken, the directory empty. */
    @AfterEach
    void nothingLeftBehind() throws IOException {
        BodySpool spool = gw.gateway().spool();
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.openFiles() == 0 && spool.usedBytes() == 0);
        assertThat(openTempFiles()).as("file descriptors into the spool directory").isZero();
        try (Stream<Path> files = Files.list(spoolDir)) {
            assertThat(files).isEmpty();
        }
        System.gc(); // gives the leak detector its chance to report a lost buffer
    }

    private void publish(Backend backend) {
        publish(backend, BackendProtocol.HTTP);
    }

    private void publish(Backend backend, BackendProtocol protocol) {
        gw.publish(table(new Route("default", "main", "h", PathMatch.prefix("/"), backend, null,
                new RouteOptions(protocol, null, null, null, 0, -1))));
    }

    private static byte[] payload(int length) {
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) {
            body[i] = TestBackend.pattern(i);
        }
        return body;
    }

    private static String lengthAndCrc(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return body.length + " " + crc.getValue();
    }

    private static String head(String method, long length) {
        return method + " /upload HTTP/1.1\r\nHost: h\r\nContent-Length: " + length + "\r\n\r\n";
    }

    /** Descriptors of this JVM pointing into the spool directory (the files are unlinked, not closed). */
    private long openTempFiles() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        String prefix = spoolDir.toAbsolutePath().toString();
        try (Stream<Path> links = Files.list(fds)) {
            return links.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(prefix);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    @Test
    void aBodyLargerThanTheMemoryBufferReachesThePodIntact() throws IOException {
        TestBackend pod = gw.backend("pod");
        publish(backend("svc", pod));
        byte[] body = payload(3 << 20);
        try (RawHttp client = new RawHttp(gw.port())) {
            RawHttp.Response response = client.send(head("POST", body.length)).send(body).read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(lengthAndCrc(body));
        }
        assertThat(pod.last().header("content-length")).isEqualTo(String.valueOf(body.length));
    }

    /**
     * A slow client: the first part spills to a file and no pod connection opens; the pod accepts
     * only after the client sent its last byte.
     */
    @Test
    void thePodIsContactedOnlyAfterTheLastClientByte() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc to see the temporary file");
        AtomicLong acceptedAt = new AtomicLong();
        AtomicInteger connections = new AtomicInteger();
        RawBackend pod = gw.closeLater(new RawBackend((s, i) -> {
            acceptedAt.set(System.nanoTime());
            connections.incrementAndGet();
            String answer = readRequestCrc(s.getInputStream());
            RawBackend.write(s, "HTTP/1.1 200 OK\r\nContent-Length: " + answer.length() + "\r\nConnection: close\r\n\r\n"
                    + answer);
        }));
        publish(backend("svc", List.of(pod.endpoint())));
        byte[] body = payload(200_000);
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send(head("PUT", body.length)).send(java.util.Arrays.copyOf(body, body.length - 1000));
            await().atMost(Duration.ofSeconds(10)).until(() -> openTempFiles() == 1);
            await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(() -> connections.get() == 0);
            long lastByteAt = System.nanoTime();
            RawHttp.Response response = client.send(java.util.Arrays.copyOfRange(body, body.length - 1000, body.length))
                    .read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(lengthAndCrc(body));
            assertThat(acceptedAt.get()).as("accepted after the last byte was sent").isGreaterThan(lastByteAt);
        }
        assertThat(connections.get()).isEqualTo(1);
    }

    /** Reads a Content-Length request; answers "length crc32" of its body. */
    private static String readRequestCrc(InputStream in) throws IOException {
        String head = RawBackend.readHead(in).toLowerCase(Locale.ROOT);
        int at = head.indexOf("content-length: ");
        int length = Integer.parseInt(head.substring(at + 16, head.indexOf('\r', at)));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("end of stream after " + body.length + " bytes");
        }
        return lengthAndCrc(body);
    }

    @Test
    void aClientGoneMidBodyLeavesNoTemporaryFile() throws IOException {
        TestBackend pod = gw.backend("pod");
        publish(backend("svc", pod));
        try (Socket s = uploadingPartOfABody()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().spool().usedBytes() == 100_000 - MEMORY);
        } // @AfterEach: the file is closed and its bytes are back in the budget
        assertThat(pod.seen()).isEmpty();
    }

    /** 100,000 bytes of a 1 MiB body sent, the temporary file open: the upload is under way. */
    private Socket uploadingPartOfABody() throws IOException {
        Socket s = new Socket("127.0.0.1", gw.port());
        s.getOutputStream().write(head("POST", 1 << 20).getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().write(payload(100_000));
        s.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.gateway().spool().openFiles() == 1);
        return s;
    }

    /** The gateway closes under an upload: the file goes with the connection. */
    @Test
    void aGatewayShutdownMidBodyLeavesNoTemporaryFile() throws IOException {
        TestBackend pod = gw.backend("pod");
        publish(backend("svc", pod));
        try (Socket s = uploadingPartOfABody()) {
            BodySpool spool = gw.gateway().spool();
            gw.gateway().close();
            assertThat(spool.openFiles()).as("closed by the time the event loops are gone").isZero();
            assertThat(spool.usedBytes()).isZero();
        }
        assertThat(pod.seen()).isEmpty();
    }

    @Test
    void aPodRefusingConnectionsLeavesNoTemporaryFile() throws IOException {
        publish(Fixtures.backend("svc", List.of(Fixtures.refusingEndpoint())));
        byte[] body = payload(100_000);
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send(head("POST", body.length)).send(body).read().status()).isEqualTo(502);
        }
    }

    /** The first pod reads the whole request and dies: the next one gets every byte again (nginx's {@code error}). */
    @Test
    void aRetrySendsTheWholeSpooledBodyToTheNextEndpoint() throws IOException {
        AtomicInteger dyingSaw = new AtomicInteger();
        RawBackend dying = gw.closeLater(new RawBackend((s, i) -> {
            readRequestCrc(s.getInputStream());
            dyingSaw.incrementAndGet();
            s.setSoLinger(true, 0); // the close is a reset
        }));
        TestBackend healthy = gw.backend("healthy");
        publish(backend("svc", List.of(dying.endpoint(), healthy.endpoint()))); // round robin starts at the dying pod
        byte[] body = payload(1 << 20);
        try (RawHttp client = new RawHttp(gw.port())) {
            RawHttp.Response response = client.send(head("PUT", body.length)).send(body).read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(lengthAndCrc(body));
        }
        assertThat(dyingSaw.get()).as("the first pod got the whole body too").isEqualTo(1);
    }

    /**
     * Past {@code --client-body-temp-max-size} the body is refused with 500 (nginx's answer when it
     * cannot write its temporary file), no pod is contacted, and the budget is whole again.
     */
    @Test
    void theBudgetUsedUpIs500AndLeaksNothing() throws IOException {
        int budget = 64 * 1024;
        gw.configure(c -> c.toBuilder().clientBody(c.clientBody().withTemp(spoolDir, budget)).build());
        TestBackend pod = gw.backend("pod");
        publish(backend("svc", pod));
        byte[] body = payload(MEMORY + budget + 2048);
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send(head("POST", body.length)).send(java.util.Arrays.copyOf(body, MEMORY + budget - 1024));
            BodySpool spool = gw.gateway().spool();
            await().atMost(Duration.ofSeconds(10)).until(() -> spool.usedBytes() == budget - 1024);
            RawHttp.Response response = client.send(java.util.Arrays.copyOfRange(body, MEMORY + budget - 1024,
                    body.length)).read();
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.header("connection")).isEqualTo("close");
        }
        assertThat(pod.seen()).isEmpty();
        byte[] fits = payload(MEMORY + budget / 2); // the budget is whole again
        try (RawHttp client = new RawHttp(gw.port())) {
            assertThat(client.send(head("POST", fits.length)).send(fits).read().body()).isEqualTo(lengthAndCrc(fits));
        }
    }

    @Test
    void aChunkedBodyIsSpooledAndSentWithContentLength() throws IOException {
        TestBackend pod = gw.backend("pod");
        publish(backend("svc", pod));
        byte[] body = payload(500_000);
        try (RawHttp client = new RawHttp(gw.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int at = 0; at < body.length; at += 10_000) {
                int n = Math.min(10_000, body.length - at);
                client.send(Integer.toHexString(n) + "\r\n").send(java.util.Arrays.copyOfRange(body, at, at + n))
                        .send("\r\n");
            }
            RawHttp.Response response = client.send("0\r\n\r\n").read();
            assertThat(response.body()).isEqualTo(lengthAndCrc(body));
        }
        assertThat(pod.last().header("content-length")).isEqualTo(String.valueOf(body.length));
        assertThat(pod.last().header("transfer-encoding")).isNull();
    }

    @Test
    void anHttp2BodyIsSpooledToo() {
        TestBackend pod = gw.backend("pod");
        publish(backend("svc", pod));
        byte[] body = payload(1 << 20);
        H2Client h2 = gw.closeLater(H2Client.connect(gw.port()));
        H2Client.Response response = h2.start(H2Client.headers("POST", "h", "/upload"), body.length,
                offset -> Unpooled.wrappedBuffer(body, (int) offset, (int) Math.min(16_384, body.length - offset)),
                new AtomicLong()).join();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo(lengthAndCrc(body));
    }

    /** TLS needs the bytes in user space: the file is read in chunks instead of sendfile. */
    @Test
    void aTlsPodGetsTheSpooledBody() throws Exception {
        TestBackend pod = gw.closeLater(TestBackend.startTls("secure",
                TestCerts.serverContext(TestCerts.selfSigned("pod.internal"))));
        publish(backend("svc", pod), BackendProtocol.HTTPS);
        byte[] body = payload(2 << 20);
        try (RawHttp client = new RawHttp(gw.port())) {
            RawHttp.Response response = client.send(head("POST", body.length)).send(body).read();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(lengthAndCrc(body));
        }
    }
}
