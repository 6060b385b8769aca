package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.linnet.gateway.upstream.PassPlan;
import dev.linnet.gateway.upstream.PassedBody;
import dev.linnet.gateway.upstream.PassedHead;
import dev.linnet.gateway.upstream.UpstreamCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The response pass-through ({@link UpstreamCodec}) against Netty's path, on generated and
 * mutated upstream responses split across reads at random points. For each one:
 *
 * <ul>
 *   <li>taken by the pass-through: Netty's {@code HttpClientCodec} decodes the same bytes to a
 *       successful response with the same status and body, and what the client receives, decoded
 *       again by Netty, has the same status and the same header list as what the existing path
 *       (decode, {@code ProxyHeaders.toClient}, hide-headers, {@code ResponseHeaders.apply},
 *       {@link ServerCodec}) sends;</li>
 *   <li>left to Netty (fallback): the codec delivers exactly what {@code HttpClientCodec} does,
 *       failures included, so the decoder was left in a correct state.</li>
 * </ul>
 *
 * Seeded and bounded: the same cases every run, a few seconds.
 */
class ResponsePassThroughFuzzTest {

    private static final int CASES = 6000;
    private static final HttpDecoderConfig CONFIG = new HttpDecoderConfig().setMaxChunkSize(64 * 1024)
            .setMaxHeaderSize(64 * 1024);

    private static final String[] COMMON = {"Date", "Content-Type", "Server", "Connection", "Keep-Alive", "Cache-Control",
        "Set-Cookie", "ETag", "Vary", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
        "Transfer-Encoding", "Content-Length", "X-Hidden", "X-Added", "Strict-Transport-Security", "content-length",
        "CONNECTION", "server"};
    private static final String[] CONNECTION = {"keep-alive", "close", "Keep-Alive", "CLOSE", "close, X-Foo", "X-Foo",
        "upgrade", "", " keep-alive "};
    private static final String[] TRANSFER = {"chunked", " chunked", "gzip, chunked", "identity", "Chunked", "chunked, gzip"};
    private static final String[] LENGTH = {"+7", "7, 7", "-1", "", "0x7", "99999999999999999999", "7 7", " 7", "7 ", "0"};
    private static final int[] STATUS = {200, 200, 200, 201, 204, 205, 206, 301, 304, 404, 500, 503, 599, 100, 101, 103,
        600, 99, 199};

    /** ingress-nginx's defaults, server-tokens on, a backend's own Server kept, HSTS and the lists. */
    private static final List<ResponseHeaders> CONFIGS = List.of(
            ResponseHeaders.DEFAULT,
            new ResponseHeaders(null, "linnet", false, List.of()),
            new ResponseHeaders(null, "linnet", true, List.of()),
            new ResponseHeaders(ResponseHeaders.hstsValue("31536000", true, false), null, false,
                    List.of(ResponseHeaders.Header.of("X-Added", "from-gateway")), List.of("X-Hidden", "etag")));

    @Test
    void passThroughAgreesWithNettysPathOnGeneratedResponses() {
        Random random = new Random(0x5eed_2026L);
        int passed = 0;
        int fellBack = 0;
        int rejected = 0;
        for (int n = 0; n < CASES; n++) {
            byte[] bytes = response(random);
            int[] splits = splits(random, bytes.length);
            ResponseHeaders gateway = CONFIGS.get(random.nextInt(CONFIGS.size()));
            boolean https = random.nextBoolean();
            String what = "case " + n + ": " + printable(bytes) + " split " + java.util.Arrays.toString(splits)
                    + " config " + gateway + " https " + https;

            List<Object> netty = decode(new HttpClientCodec(CONFIG, false, false), bytes, splits, null);
            UpstreamCodec codec = new UpstreamCodec(CONFIG);
            PassPlan plan = gateway.passPlan(https);
            List<Object> pass = decode(codec, bytes, splits, plan);
            try {
                if (!pass.isEmpty() && pass.get(0) instanceof PassedHead) {
                    passed++;
                    checkPassed(what, netty, pass, gateway, https);
                } else {
                    assertThat(describe(pass)).as(what).isEqualTo(describe(netty));
                    if (!netty.isEmpty() && ((HttpObject) netty.get(0)).decoderResult().isFailure()) {
                        rejected++;
                    } else {
                        fellBack++;
                    }
                }
            } finally {
                netty.forEach(ReferenceCountUtil::release);
                pass.forEach(ReferenceCountUtil::release);
            }
        }
        // Neither side may be trivially empty: the generator must keep feeding both.
        assertThat(passed).as("passed through").isGreaterThan(CASES / 5);
        assertThat(fellBack).as("fell back, decoded by Netty").isGreaterThan(CASES / 10);
        assertThat(rejected).as("rejected by Netty").isGreaterThan(CASES / 20);
    }

    private static void checkPassed(String what, List<Object> netty, List<Object> pass, ResponseHeaders gateway,
            boolean https) {
        assertThat(netty).as(what).isNotEmpty();
        assertThat(netty.get(0)).as(what).isInstanceOf(HttpResponse.class);
        HttpResponse head = (HttpResponse) netty.get(0);
        assertThat(head.decoderResult().isSuccess()).as(what).isTrue();
        PassedHead passedHead = (PassedHead) pass.get(0);
        assertThat(passedHead.status()).as(what).isEqualTo(head.status().code());
        assertThat(passedHead.upstreamKeepAlive()).as(what)
                .isEqualTo(io.netty.handler.codec.http.HttpUtil.isKeepAlive(head));
        // the same body, ending where Netty's ends; what follows it (bytes beyond the Content-Length)
        // decoded by Netty alike
        int nettyEnd = endOfFirst(netty);
        int passEnd = endOfFirst(pass);
        assertThat(body(pass.subList(0, passEnd))).as(what).isEqualTo(body(netty.subList(0, nettyEnd)));
        assertThat(passEnd == pass.size()).as(what).isEqualTo(nettyEnd == netty.size());
        assertThat(describe(pass.subList(passEnd, pass.size()))).as(what)
                .isEqualTo(describe(netty.subList(nettyEnd, netty.size())));
        for (Object o : pass.subList(1, passEnd)) {
            assertThat(o).as(what).isInstanceOf(PassedBody.class);
        }
        pass = pass.subList(0, passEnd);
        netty = netty.subList(0, nettyEnd);

        // what the client receives, both ways, decoded by Netty
        boolean close = (passedHead.contentLength() & 1) == 1; // both values of Connection: close, deterministically
        ByteBuf old = nettyPathBytes(head, netty, gateway, https, !close);
        passedHead.finish(close);
        EmbeddedChannel client = new EmbeddedChannel(new ServerCodec(new HttpDecoderConfig()));
        for (Object o : pass) {
            client.writeOutbound(ReferenceCountUtil.retain(o));
        }
        ByteBuf sent = Unpooled.buffer();
        for (ByteBuf b; (b = client.readOutbound()) != null; ) {
            sent.writeBytes(b);
            b.release();
        }
        assertFalse(client.finishAndReleaseAll());
        try {
            assertThat(decoded(sent)).as(what + "\nsent: " + printable(ByteBufUtil.getBytes(sent)))
                    .isEqualTo(decoded(old));
        } finally {
            old.release();
            sent.release();
        }
    }

    /** The existing path: Exchange.startResponse's edits, head and body merged, ServerCodec. */
    private static ByteBuf nettyPathBytes(HttpResponse head, List<Object> netty, ResponseHeaders gateway, boolean https,
            boolean keepAlive) {
        ProxyHeaders.toClient(head, HttpMethod.GET, HttpVersion.HTTP_1_1, keepAlive);
        gateway.hideUpstream(head.headers());
        gateway.apply(head.headers(), https, true);
        ByteBuf body = Unpooled.wrappedBuffer(body(netty));
        EmbeddedChannel client = new EmbeddedChannel(new ServerCodec(new HttpDecoderConfig()));
        client.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), body, head.headers(),
                io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE));
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf b; (b = client.readOutbound()) != null; ) {
            out.writeBytes(b);
            b.release();
        }
        assertFalse(client.finishAndReleaseAll());
        return out;
    }

    /**
     * Status, the ordered header list (lower-case names) and every message after the head, as
     * Netty decodes a response: the body must end exactly where the head says, nothing may follow.
     */
    private static String decoded(ByteBuf bytes) {
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder(CONFIG));
        decoder.writeInbound(bytes.retainedDuplicate());
        HttpResponse head = decoder.readInbound();
        StringBuilder out = new StringBuilder(head.decoderResult() + " " + head.status().code() + "\n");
        for (Map.Entry<String, String> e : head.headers()) {
            out.append(e.getKey().toLowerCase(Locale.ROOT)).append(": ").append(e.getValue()).append('\n');
        }
        List<Object> rest = new ArrayList<>();
        for (Object o; (o = decoder.readInbound()) != null; ) {
            rest.add(o);
        }
        out.append(describe(rest));
        rest.forEach(ReferenceCountUtil::release);
        decoder.finishAndReleaseAll();
        return out.toString();
    }

    private static List<Object> decode(io.netty.channel.ChannelHandler codec, byte[] bytes, int[] splits, PassPlan plan) {
        EmbeddedChannel ch = new EmbeddedChannel(codec);
        ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        ReferenceCountUtil.release(ch.readOutbound());
        if (plan != null) {
            ((UpstreamCodec) codec).passThrough(plan);
        }
        int from = 0;
        for (int to : splits) {
            ch.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
            from = to;
        }
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        ch.finishAndReleaseAll(); // what a close would still deliver is not part of the comparison
        return out;
    }

    /** The index after the first response's last piece, or the size when it did not end. */
    private static int endOfFirst(List<Object> messages) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof LastHttpContent) {
                return i + 1;
            }
        }
        return messages.size();
    }

    private static byte[] body(List<Object> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o : messages) {
            if (o instanceof HttpContent c) {
                out.writeBytes(ByteBufUtil.getBytes(c.content()));
            }
        }
        return out.toByteArray();
    }

    private static List<String> describe(List<Object> messages) {
        List<String> out = new ArrayList<>();
        for (Object o : messages) {
            StringBuilder d = new StringBuilder(o instanceof LastHttpContent ? "last" : o.getClass().getSimpleName());
            if (o instanceof HttpResponse r) {
                d.append(' ').append(r.status()).append(' ').append(r.protocolVersion()).append(' ')
                        .append(r.headers().entries());
            }
            if (o instanceof HttpObject h) {
                d.append(' ').append(h.decoderResult());
            }
            if (o instanceof HttpContent c) {
                d.append(' ').append(digest(c.content()));
            }
            if (o instanceof ByteBuf b) {
                d.append(' ').append(digest(b));
            }
            out.add(d.toString());
        }
        return out;
    }

    private static String digest(ByteBuf content) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content.nioBuffer());
        return content.readableBytes() + " bytes, crc " + Long.toHexString(crc.getValue());
    }

    // ---- generation ----

    /**
     * A response: half of them plain (what backends send: the pass-through's case), half with
     * every kind of trouble mixed in at a higher rate.
     */
    private static byte[] response(Random random) {
        boolean dirty = random.nextBoolean();
        StringBuilder head = new StringBuilder();
        int status = dirty || random.nextInt(4) == 0 ? STATUS[random.nextInt(STATUS.length)] : 200;
        head.append(!rare(random, dirty, 7) ? "HTTP/1.1 " : switch (random.nextInt(3)) {
            case 0 -> "HTTP/1.0 ";
            case 1 -> "HTTP/1.1  ";
            default -> "http/1.1 ";
        }).append(status);
        switch (random.nextInt(6)) {
            case 0 -> { } // no reason phrase
            case 1 -> head.append(' ');
            case 2 -> head.append(" Weird\tReason ").append(value(random, dirty));
            default -> head.append(" OK");
        }
        head.append("\r\n");
        int length = random.nextInt(40) == 0 ? random.nextInt(150 * 1024) : random.nextInt(300);
        boolean lengthWritten = false;
        int fields = random.nextInt(12);
        for (int i = 0; i < fields; i++) {
            String name = random.nextInt(3) == 0 ? token(random, dirty) : COMMON[random.nextInt(COMMON.length)];
            String value;
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("transfer-encoding") && !dirty) {
                name = "X-Instead";
                value = value(random, false);
            } else if (lower.equals("connection")) {
                value = CONNECTION[random.nextInt(dirty ? CONNECTION.length : 4)];
            } else if (lower.equals("transfer-encoding")) {
                value = TRANSFER[random.nextInt(TRANSFER.length)];
            } else if (lower.equals("content-length")) {
                if (lengthWritten && !dirty) {
                    continue;
                }
                value = rare(random, dirty, 3) ? LENGTH[random.nextInt(LENGTH.length)] : Integer.toString(length);
                lengthWritten = true;
            } else {
                value = value(random, dirty);
            }
            head.append(name).append(rare(random, dirty, 20) ? " :" : ":")
                    .append(random.nextInt(4) == 0 ? "" : " ").append(value)
                    .append(random.nextInt(8) == 0 ? " \t" : "")
                    .append(rare(random, dirty, 30) ? "\n" : "\r\n");
            if (rare(random, dirty, 20)) {
                head.append(" folded continuation\r\n"); // obs-fold
            }
        }
        if (!lengthWritten && (!dirty || random.nextInt(4) != 0)) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        if (random.nextInt(30) == 0) {
            head.append("X-Big: ").append("b".repeat(random.nextBoolean() ? 3000 : 70 * 1024)).append("\r\n");
        }
        head.append(rare(random, dirty, 25) ? "\n" : "\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (rare(random, dirty, 4)) {
            mutate(random, headBytes);
        }
        byte[] body = new byte[length + random.nextInt(3) * random.nextInt(20)]; // sometimes more than announced
        random.nextBytes(body);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private static boolean rare(Random random, boolean dirty, int oneIn) {
        return dirty && random.nextInt(oneIn) == 0;
    }

    private static void mutate(Random random, byte[] bytes) {
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            int at = random.nextInt(bytes.length);
            bytes[at] = switch (random.nextInt(6)) {
                case 0 -> 0;
                case 1 -> '\r';
                case 2 -> '\n';
                case 3 -> ' ';
                case 4 -> (byte) (0x80 + random.nextInt(128));
                default -> (byte) random.nextInt(256);
            };
        }
    }

    private static String token(Random random, boolean dirty) {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
        StringBuilder out = new StringBuilder("X-");
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            out.append(chars.charAt(random.nextInt(chars.length())));
        }
        if (rare(random, dirty, 20)) {
            out.append(random.nextBoolean() ? '@' : '(');
        }
        return out.toString();
    }

    private static String value(Random random, boolean dirty) {
        StringBuilder out = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            int r = dirty ? random.nextInt(800) : 5 + random.nextInt(795);
            char c;
            if (r == 0) {
                c = 0;
            } else if (r == 1) {
                c = '\r';
            } else if (r == 2) {
                c = 0x7F;
            } else if (r == 3) {
                c = (char) (0x80 + random.nextInt(128));
            } else if (r == 4) {
                c = (char) random.nextInt(0x20);
            } else if (r < 20) {
                c = ' ';
            } else {
                c = (char) (0x21 + random.nextInt(0x7F - 0x21));
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Read boundaries: the whole response at once, or cut at random points. */
    private static int[] splits(Random random, int length) {
        if (length < 2 || random.nextInt(3) == 0) {
            return new int[] {length};
        }
        int pieces = 1 + random.nextInt(4);
        int[] cuts = new int[pieces + 1];
        for (int i = 0; i < pieces; i++) {
            cuts[i] = 1 + random.nextInt(length - 1);
        }
        cuts[pieces] = length;
        java.util.Arrays.sort(cuts);
        return java.util.Arrays.stream(cuts).distinct().toArray();
    }

    private static String printable(byte[] bytes) {
        String s = new String(bytes, 0, Math.min(bytes.length, 600), StandardCharsets.ISO_8859_1);
        return s.replace("\r", "\\r").replace("\n", "\\n\n").replace("\0", "\\0");
    }
}
