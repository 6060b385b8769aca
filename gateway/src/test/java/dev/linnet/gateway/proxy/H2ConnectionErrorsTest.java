package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.linnet.gateway.testing.LogRecorder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class H2ConnectionErrorsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final H2ConnectionErrors errors = new H2ConnectionErrors(now::get);

    private static Http2Exception malformed() {
        return Http2Exception.connectionError(Http2Error.FRAME_SIZE_ERROR, "PING of 7 octets");
    }

    private void fail(Throwable cause) {
        EmbeddedChannel channel = new EmbeddedChannel(errors);
        channel.pipeline().fireExceptionCaught(cause);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void malformedFramesAreOneLineWithoutTraceAtMostOncePerInterval() {
        try (LogRecorder logs = LogRecorder.of(H2ConnectionErrors.class)) {
            for (int i = 0; i < 5; i++) {
                fail(malformed());
            }
            assertThat(logs.events()).singleElement().satisfies(e -> {
                assertThat(e.getThrowableProxy()).isNull();
                assertThat(e.getLevel().toString()).isEqualTo("INFO");
                assertThat(e.getFormattedMessage()).contains("FRAME_SIZE_ERROR", "PING of 7 octets")
                        .doesNotContain("more");
            });
            now.addAndGet(H2ConnectionErrors.INTERVAL_NANOS - 1);
            fail(malformed());
            assertThat(logs.events()).hasSize(1);
            now.addAndGet(1);
            fail(malformed());
            assertThat(logs.events()).extracting(ILoggingEvent::getFormattedMessage).last().asString()
                    .contains("5 more such connections");
        }
    }

    @Test
    void otherFailuresAreNotLoggedAboveDebug() {
        try (LogRecorder logs = LogRecorder.of(H2ConnectionErrors.class)) {
            fail(new IOException("Connection reset by peer"));
            assertThat(logs.events()).isEmpty();
        }
    }
}
