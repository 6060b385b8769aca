package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The PROXY handlers alone: what they keep, what they pass on, and that every buffer is released. */
class ProxyProtocolHandlerTest {

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ProxyProtocol.addFirstIfRequired(ch.pipeline(), ClientTrust.DEFAULT.toBuilder().useProxyProtocol(true).build());
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void theHeaderIsKeptAndTheBytesBehindItGoOn() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n"));
        ProxyProtocol.Origin origin = ProxyProtocol.of(ch);
        assertThat(origin.source()).isEqualTo(new InetSocketAddress("192.168.0.1", 56324));
        assertThat(origin.destinationPort()).isEqualTo("443");
        assertThat(ch.pipeline().get(ProxyProtocol.NAME)).isNull();
        assertThat(ch.pipeline().get(ProxyProtocol.DECODER)).isNull();
        ByteBuf rest = ch.readInbound();
        assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("GET / HTTP/1.1\r\n");
        rest.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aHeaderInPiecesIsWaitedFor() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("PROXY TCP4 192.168.0.1 "));
        assertThat(ProxyProtocol.of(ch)).isNull();
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(ascii("192.168.0.11 1 80\r\n"));
        assertThat(ProxyProtocol.of(ch).destinationPort()).isEqualTo("80");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void anythingElseClosesTheConnectionAndPassesNothing() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readInbound()).isNull();
        assertFalse(ch.finishAndReleaseAll());
    }
}
