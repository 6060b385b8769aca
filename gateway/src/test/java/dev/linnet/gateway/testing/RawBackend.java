package dev.linnet.gateway.testing;

import dev.linnet.gateway.route.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * An upstream that follows a script per connection, for what a well-behaved HTTP server won't
 * do: close-delimited bodies, dying mid-response, watching for the proxy closing an idle socket.
 */
public final class RawBackend implements AutoCloseable {

    /** What to do with one accepted connection; {@code index} counts from 1. */
    public interface Script {
        void run(Socket socket, int index) throws IOException;
    }

    private final ServerSocket server;

    public RawBackend(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            int n = 0;
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int index = ++n;
                    Thread worker = new Thread(() -> {
                        try (s) {
                            script.run(s, index);
                        } catch (IOException e) {
                            // the gateway hung up: part of several scripts
                        }
                    }, "raw-backend-conn-" + index);
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "raw-backend");
        thread.setDaemon(true);
        thread.start();
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", server.getLocalPort());
    }

    /** Reads one request head (through the blank line); throws at end of stream. */
    public static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream");
            }
            head.write(c);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
