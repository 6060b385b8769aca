package dev.linnet.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's WebSocket client through the gateway, collecting whole messages (text as String,
 * binary as byte[]) and noticing when the connection ends (a close frame or a cut).
 */
public final class WsClient implements WebSocket.Listener, AutoCloseable {

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final WebSocket ws;

    /** Opens {@code ws://127.0.0.1:port/path} with {@code Host: host} and extra headers (name, value …). */
    public WsClient(int port, String host, String path, String... headers) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        ws = b.buildAsync(URI.create("ws://127.0.0.1:" + port + path), this).join();
    }

    public WsClient send(String message) {
        ws.sendText(message, true).join();
        return this;
    }

    public WsClient send(byte[] message) {
        ws.sendBinary(ByteBuffer.wrap(message), true).join();
        return this;
    }

    /** The next whole message, waiting up to 20 s. */
    public Object next() {
        try {
            Object m = messages.poll(20, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("no message within 20 s (ended: " + ended.getNow("no") + ")");
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Completes with "close <code>" or "error <exception>" when the connection ends. */
    public CompletableFuture<String> ended() {
        return ended;
    }

    /** Cuts the TCP connection without a close frame. */
    public void abort() {
        ws.abort();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        ended.complete("close " + statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        ended.complete("error " + error);
    }

    @Override
    public void close() {
        ws.abort();
    }
}
