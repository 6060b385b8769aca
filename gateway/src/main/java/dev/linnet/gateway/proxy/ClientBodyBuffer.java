package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How a buffered request body ({@code proxy-request-buffering on}) is kept: in memory up to
 * {@code memorySize} (nginx's {@code client_body_buffer_size}, ingress-nginx's ConfigMap key
 * {@code client-body-buffer-size}, 8k; a route's annotation wins), the rest in a temporary file
 * under {@code tempPath} (nginx's {@code client_body_temp_path}), with at most {@code tempMaxSize}
 * bytes on disk over all requests of the gateway. nginx has no such budget; past it a request
 * gets 500, nginx's answer when it cannot write a temporary file ({@link BodySpool}).
 *
 * @param memorySize bytes of a body kept in memory, unless the route says otherwise
 * @param tempPath directory of the temporary files (created owner-only; read once, at start)
 * @param tempMaxSize most bytes in temporary files at once, all requests together; 0: none (a
 *     body longer than the memory buffer gets 500); read once, at start
 */
public record ClientBodyBuffer(long memorySize, Path tempPath, long tempMaxSize) {

    /** 8k in memory (ingress-nginx), then {@code java.io.tmpdir/linnet-client-body}, at most 1 GiB on disk. */
    public static final ClientBodyBuffer DEFAULT = new ClientBodyBuffer(8192,
            Path.of(System.getProperty("java.io.tmpdir"), "linnet-client-body"), 1L << 30);

    public ClientBodyBuffer {
        requireNonNull(tempPath, "tempPath");
        if (memorySize < 0) {
            throw new IllegalArgumentException("memorySize: " + memorySize + " (expected: >= 0)");
        }
        if (tempMaxSize < 0) {
            throw new IllegalArgumentException("tempMaxSize: " + tempMaxSize + " (expected: >= 0)");
        }
    }

    public ClientBodyBuffer withMemorySize(long bytes) {
        return new ClientBodyBuffer(bytes, tempPath, tempMaxSize);
    }

    public ClientBodyBuffer withTemp(Path path, long maxSize) {
        return new ClientBodyBuffer(memorySize, path, maxSize);
    }
}
