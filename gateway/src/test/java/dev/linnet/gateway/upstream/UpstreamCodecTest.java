package dev.linnet.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sequences of responses on one connection, passed through and decoded by Netty in turn. */
class UpstreamCodecTest {

    private static final PassPlan PLAN = PassPlan.of(null, false, null, List.of(), List.of());
    private static final String PLAIN = "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello";

    private final UpstreamCodec codec = new UpstreamCodec(new HttpDecoderConfig());
    private final EmbeddedChannel ch = new EmbeddedChannel(codec);
    private final List<Object> received = new ArrayList<>();

    @AfterEach
    void tearDown() {
        received.forEach(ReferenceCountUtil::release);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aHeadAnsweredAfterAPassedResponseIsReadWithoutBody() {
        // The HEAD's answer announces 5 bytes that never come: Netty must know it was a HEAD,
        // although the pass-through, not Netty, took the GET's answer (and its method) before it.
        request(HttpMethod.GET, true);
        respond(PLAIN);
        request(HttpMethod.HEAD, false);
        respond("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        request(HttpMethod.GET, true);
        respond(PLAIN);
        assertThat(received).hasSize(6);
        assertThat(received.get(0)).isInstanceOf(PassedHead.class);
        assertThat(received.get(1)).isInstanceOf(PassedBody.class).isInstanceOf(LastHttpContent.class);
        assertThat(received.get(2)).isInstanceOf(HttpResponse.class);
        assertThat(((HttpContent) received.get(3)).content().readableBytes()).isZero();
        assertThat(received.get(4)).isInstanceOf(PassedHead.class);
        assertThat(body(received.get(5))).isEqualTo("hello");
    }

    @Test
    void onlyTheFirstResponseAfterArmingIsLookedAt() {
        request(HttpMethod.GET, true); // two in flight: not what the gateway does, but it shows the one look
        request(HttpMethod.GET, false);
        respond(PLAIN + PLAIN);
        assertThat(received.get(0)).isInstanceOf(PassedHead.class);
        assertThat(received.get(2)).isInstanceOf(HttpResponse.class).isNotInstanceOf(PassedHead.class);
    }

    @Test
    void aHeadSplitAcrossReadsIsNettysAndTheNextArmedOnePasses() {
        request(HttpMethod.GET, true);
        respond("HTTP/1.1 200 OK\r\nContent-Le");
        respond("ngth: 5\r\n\r\nhello");
        assertThat(received.get(0)).isInstanceOf(HttpResponse.class);
        assertThat(body(received.get(1))).isEqualTo("hello");
        request(HttpMethod.GET, true);
        respond(PLAIN);
        assertThat(received.get(2)).isInstanceOf(PassedHead.class);
    }

    @Test
    void anInterimAnswerDisarmsAndTheFinalOneIsNettys() {
        request(HttpMethod.GET, true);
        respond("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + PLAIN);
        assertThat(received).noneMatch(PassedHead.class::isInstance);
        assertThat(((HttpResponse) received.get(2)).status().code()).isEqualTo(200);
    }

    @Test
    void aLargeBodyComesInNettysPieceSizeAndEndsWithItsLength() {
        int length = 3 * UpstreamPool.MAX_CHUNK_SIZE + 10;
        request(HttpMethod.GET, true);
        respond("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n" + "x".repeat(length / 2));
        respond("x".repeat(length - length / 2) + PLAIN); // then a response nobody armed for
        long total = 0;
        int last = -1;
        for (int i = 1; i < received.size(); i++) {
            Object o = received.get(i);
            if (o instanceof PassedBody piece) {
                assertThat(piece.content().readableBytes()).isLessThanOrEqualTo(UpstreamPool.MAX_CHUNK_SIZE);
                total += piece.content().readableBytes();
                if (o instanceof LastHttpContent) {
                    last = i;
                }
            }
        }
        assertThat(total).isEqualTo(length);
        assertThat(received.get(last + 1)).isInstanceOf(HttpResponse.class).isNotInstanceOf(PassedHead.class);
    }

    @Test
    void aConnectionWhoseHeadsKeepBeingTurnedDownIsLookedAtOnceInSixteen() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        List<Boolean> passed = new ArrayList<>();
        for (int i = 0; i < 8 + 8 + 2; i++) { // 8 chunked, then plain ones
            request(HttpMethod.GET, true);
            respond(i < 8 ? chunked : PLAIN);
            passed.add(received.stream().anyMatch(PassedHead.class::isInstance));
            received.forEach(ReferenceCountUtil::release);
            received.clear();
        }
        // 8 turned down: the next 8 are not scanned, the one after is (passed), and from then on each one
        assertThat(passed.subList(0, 16)).containsOnly(false);
        assertThat(passed.subList(16, 18)).containsOnly(true);
    }

    private void request(HttpMethod method, boolean arm) {
        if (arm) {
            codec.passThrough(PLAN);
        }
        ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        ByteBuf sent = ch.readOutbound();
        sent.release();
    }

    private void respond(String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        for (Object o; (o = ch.readInbound()) != null; ) {
            received.add(o);
        }
    }

    private static String body(Object piece) {
        return ((HttpContent) piece).content().toString(StandardCharsets.ISO_8859_1);
    }
}
