package dev.linnet.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagePerReadTest {

    /** Counts the read() calls that reach the socket. */
    static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    static final class Sink extends ChannelInboundHandlerAdapter {
        final List<Object> got = new ArrayList<>();
        boolean readAgainInside;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            got.add(msg);
            if (readAgainInside) {
                readAgainInside = false;
                ctx.read(); // as a write listener that completes at once does
            }
        }
    }

    private final ReadCounter counter = new ReadCounter();
    private final Sink sink = new Sink();

    private EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(counter, new MessagePerRead(), sink);
        return ch;
    }

    @Test
    void deliversOneMessagePerRead() {
        EmbeddedChannel ch = channel();
        ch.writeInbound("a", "b", "c");
        assertThat(sink.got).isEmpty();
        ch.read();
        assertThat(sink.got).containsExactly("a");
        ch.read();
        assertThat(sink.got).containsExactly("a", "b");
        assertThat(counter.reads).as("queued messages need no socket read").isZero();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void readIssuedInsideChannelReadSurvivesReadComplete() {
        EmbeddedChannel ch = channel();
        ch.read();
        sink.readAgainInside = true;
        ch.writeInbound("head"); // delivered; the sink asks for more while handling it
        ch.pipeline().fireChannelReadComplete();
        ch.writeInbound("body"); // a later socket read: must be delivered, not parked
        assertThat(sink.got).containsExactly("head", "body");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void deliversWhatIsQueuedWhenTheChannelCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound("last");
        ch.close();
        assertThat(sink.got).containsExactly("last");
        assertFalse(ch.finishAndReleaseAll());
    }
}
