package dev.linnet.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.linnet.gateway.route.Endpoint;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamPoolReleaseTest {

    /**
     * An exchange that ends after its upstream connection closed (the client reset its stream
     * once the last response piece was in) releases a lease whose pipeline Netty has already
     * emptied: nothing to pool, and no NullPointerException logged as a WARN.
     */
    @Test
    void releasingALeaseWhoseConnectionClosedAndLostItsHandlersDoesNothing() {
        var group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            UpstreamPool pool = UpstreamPool.create(group, NioSocketChannel.class, Duration.ofSeconds(1),
                    Duration.ofSeconds(1));
            EmbeddedChannel ch = new EmbeddedChannel(new UpstreamHandler());
            ch.close().syncUninterruptibly();
            assertThat(UpstreamHandler.of(ch)).isNull();

            assertThatCode(() -> pool.release(new Lease(ch, new Endpoint("127.0.0.1", 1), true), true))
                    .doesNotThrowAnyException();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }
}
