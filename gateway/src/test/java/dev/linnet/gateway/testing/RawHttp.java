package dev.linnet.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain socket client, for what an HTTP library refuses to send: malformed requests, huge
 * request lines, hop-by-hop headers. Reads one response framed by Content-Length.
 */
public final class RawHttp implements AutoCloseable {

    /** A parsed response; header names lower case, repeated headers joined with ", ". */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;

    public RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status of a {@code POST /} with {@code bytes} zero bytes of body, on a fresh connection. */
    public static int postStatus(int port, String host, int bytes) {
        try (RawHttp client = new RawHttp(port)) {
            return client.send("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + bytes
                    + "\r\nConnection: close\r\n\r\n").send(new byte[bytes]).read().status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp send(String request) {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] request) {
        try {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Response read() {
        Response head = readHeadOnly();
        try {
            int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Response(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exactly {@code n} bytes as text (after a protocol switch: the tunnel's bytes). */
    public String readBytes(int n) {
        try {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new IOException("connection closed after " + b.length + " of " + n + " bytes");
            }
            return new String(b, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything until the peer closes or resets, as text. */
    public String readAll() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // a reset ends the stream too
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Status line and headers only (for HEAD and 1xx answers); the body, if any, stays unread. */
    public Response readHeadOnly() {
        try {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l; !(l = line()).isEmpty(); ) {
                int colon = l.indexOf(':');
                headers.merge(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
            return new Response(status, headers, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the peer closed the connection (end of stream) once everything sent was read. */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true; // a reset is a close too
        }
    }

    /**
     * Like {@link #closedByPeer()}, but the read timeout (20 s) counts as open: for tests whose
     * point is that the peer closes.
     */
    public boolean closedBeforeReadTimeout() {
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // a reset is a close too
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed mid-response: " + out);
            }
            if (c != '\r') {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
