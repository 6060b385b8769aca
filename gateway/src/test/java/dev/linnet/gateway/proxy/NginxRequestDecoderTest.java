package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder's refusals hold whatever the socket reads cut the bytes into. */
class NginxRequestDecoderTest {

    private static List<Object> decode(String bytes, boolean byteByByte) {
        EmbeddedChannel channel = new EmbeddedChannel(new ServerCodec(new HttpDecoderConfig()));
        byte[] b = bytes.getBytes(StandardCharsets.ISO_8859_1);
        if (byteByByte) {
            for (byte x : b) {
                channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {x}));
            }
        } else {
            channel.writeInbound(Unpooled.wrappedBuffer(b));
        }
        List<Object> out = new ArrayList<>();
        for (Object msg; (msg = channel.readInbound()) != null; ) {
            out.add(msg instanceof HttpContent c && !(msg instanceof HttpRequest) ? summary(c) : msg);
        }
        channel.finishAndReleaseAll();
        return out;
    }

    private static String summary(HttpContent content) {
        String text = content.content().toString(StandardCharsets.ISO_8859_1);
        boolean failed = content.decoderResult().isFailure();
        boolean last = content instanceof LastHttpContent;
        content.release();
        return (failed ? "failed " : "") + (last ? "last:" : "piece:") + text;
    }

    @Test
    void foldsAndDuplicateLengthsAreRefusedHoweverTheBytesArrive() {
        String[] refused = {
            "GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: h\r\n\tfolded\r\n\r\n",
            "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n",
            "POST / HTTP/1.0\r\nContent-Length: 1\r\nCONTENT-LENGTH: 2\r\n\r\nab",
            "get / HTTP/1.1\r\n\r\n",
            "GET\t/ HTTP/1.1\r\n\r\n",
            "GET /\u000bHTTP/1.1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        };
        for (String request : refused) {
            for (boolean byteByByte : new boolean[] {false, true}) {
                List<Object> out = decode(request, byteByByte);
                assertThat(out).as("%s, byte by byte: %s", request, byteByByte).hasSize(1);
                HttpRequest failed = (HttpRequest) out.get(0);
                assertThat(failed.decoderResult().isFailure()).as(request).isTrue();
                io.netty.util.ReferenceCountUtil.release(failed);
            }
        }
    }

    @Test
    void moreUnansweredHeadsThanNettysPipelineDepthCloseTheConnection() {
        String get = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
        for (int n : new int[] {NginxRequestDecoder.MAX_PIPELINE_DEPTH, NginxRequestDecoder.MAX_PIPELINE_DEPTH + 1}) {
            EmbeddedChannel channel = new EmbeddedChannel(new ServerCodec(new HttpDecoderConfig()));
            channel.writeInbound(Unpooled.copiedBuffer(get.repeat(n), StandardCharsets.US_ASCII));
            assertThat(channel.isOpen()).as("%s heads", n).isEqualTo(n == NginxRequestDecoder.MAX_PIPELINE_DEPTH);
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void bodiesAreNeverScannedAndPipelinedHeadsAreCheckedEach() {
        String two = "POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n\n \n\t"
                + "GET /b HTTP/1.1\r\nContent-Length: 0\r\nX-A: 1\r\n\r\n"
                + "GET /c HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n";
        for (boolean byteByByte : new boolean[] {false, true}) {
            List<Object> out = decode(two, byteByByte);
            assertThat(out.get(0)).isInstanceOf(HttpRequest.class);
            assertThat(out.subList(1, out.size() - 3)).allMatch(o -> o instanceof String s && !s.startsWith("failed"));
            assertThat(String.join("", out.subList(1, out.size() - 3).stream().map(o -> ((String) o)
                    .replaceFirst("^(piece|last):", "")).toList())).isEqualTo("\n \n\t");
            assertThat(((HttpRequest) out.get(out.size() - 3)).uri()).isEqualTo("/b");
            assertThat(out.get(out.size() - 2)).isEqualTo("last:");
            HttpRequest third = (HttpRequest) out.get(out.size() - 1);
            assertThat(third.decoderResult().isFailure()).isTrue();
            io.netty.util.ReferenceCountUtil.release(third);
        }
    }

    @Test
    void aContinueKeepsEachAnswerOnItsOwnRequestsMethod() {
        EmbeddedChannel channel = new EmbeddedChannel(new ServerCodec(new HttpDecoderConfig()));
        channel.writeInbound(Unpooled.copiedBuffer("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
                + "HEAD / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        for (Object msg; (msg = channel.readInbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        FullHttpResponse post = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII));
        post.headers().setInt("content-length", 4);
        channel.writeOutbound(post);
        StringBuilder wire = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; b.release()) {
            wire.append(b.toString(StandardCharsets.US_ASCII));
        }
        assertThat(wire.toString()).as("the POST's answer keeps its body").endsWith("\r\n\r\nbody");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
