package dev.linnet.gateway.upstream;

import java.io.IOException;

/**
 * An HTTP/2 upstream said it did not process a stream: RST_STREAM with REFUSED_STREAM, or a
 * GOAWAY whose last stream id is below it. RFC 9113 §8.7 guarantees nothing of such a request
 * was acted on, so it may be retried whatever its method (see {@link RetryPolicy}).
 */
public final class UnprocessedStreamException extends IOException {

    public UnprocessedStreamException(String message) {
        super(message, null);
    }
}
