package dev.linnet.gateway.proxy;

import dev.linnet.gateway.upstream.PassPlan;
import dev.linnet.gateway.upstream.PassedHead;
import dev.linnet.gateway.upstream.UpstreamCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One upstream response (the perf harness's nginx backend answer: six fields, a 7-byte body)
 * from the upstream connection's bytes to the client connection's bytes, both codecs in
 * {@link EmbeddedChannel}s as in the gateway's pipelines:
 *
 * <ul>
 *   <li>{@link #nettyPath}: {@code HttpClientCodec} decodes it, {@code ProxyHeaders.toClient},
 *       {@code hide-headers} and {@code ResponseHeaders.apply} edit it (ingress-nginx's defaults),
 *       head and body are merged as the exchange does, {@link ServerCodec} encodes them;</li>
 *   <li>{@link #passThrough}: {@link UpstreamCodec} armed with the same edits as a
 *       {@link PassPlan} scans and rewrites the head into one buffer, the body joins it, and
 *       {@link ServerCodec} writes the bytes as they are.</li>
 * </ul>
 *
 * {@link #nettyDecodeChunked} against {@link #fallbackDecode} is the price of responses that are
 * turned down (chunked), decoding only.
 *
 * <p>Run with {@code -prof gc} for the bytes allocated per response:
 *
 * <pre>
 *   perf/jmh.sh ResponsePassThrough -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.allocator.type=pooled", "-Dio.netty.leakDetection.level=disabled"})
public class ResponsePassThroughBenchmark {

    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\n"
            + "Server: nginx/1.22.1\r\n"
            + "Date: Sun, 06 Dec 2026 10:00:00 GMT\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 7\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n"
            + "stable\n").getBytes(StandardCharsets.US_ASCII);

    /** The same answer chunked: the pass-through scans it and leaves it to Netty's decoder. */
    static final byte[] CHUNKED = ("HTTP/1.1 200 OK\r\n"
            + "Server: nginx/1.22.1\r\n"
            + "Date: Sun, 06 Dec 2026 10:00:00 GMT\r\n"
            + "Content-Type: text/plain\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n"
            + "7\r\nstable\n\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final ResponseHeaders gateway = ResponseHeaders.DEFAULT;
    private final PassPlan plan = gateway.passPlan(false);
    private EmbeddedChannel nettyUpstream;
    private EmbeddedChannel passUpstream;
    private UpstreamCodec passCodec;
    private EmbeddedChannel client;

    @Setup(Level.Trial)
    public void setUp() {
        HttpDecoderConfig config = new HttpDecoderConfig().setMaxChunkSize(64 * 1024).setMaxHeaderSize(64 * 1024);
        nettyUpstream = new EmbeddedChannel(new HttpClientCodec(config, false, false));
        passCodec = new UpstreamCodec(config);
        passUpstream = new EmbeddedChannel(passCodec);
        client = new EmbeddedChannel(new ServerCodec(new HttpDecoderConfig()));
        nettyUpstream.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        passUpstream.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        client.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        if (nettyPath() != passThrough() || nettyDecodeChunked() != fallbackDecode()) {
            throw new IllegalStateException("the two paths differ");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        nettyUpstream.finishAndReleaseAll();
        passUpstream.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    private static ByteBuf upstreamBytes() {
        return bytes(RESPONSE);
    }

    private static ByteBuf bytes(byte[] response) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(response.length).writeBytes(response);
    }

    /** Decoding a chunked response with HttpClientCodec: the baseline of {@link #fallbackDecode}. */
    @Benchmark
    public int nettyDecodeChunked() {
        nettyUpstream.writeInbound(bytes(CHUNKED));
        return drain(nettyUpstream);
    }

    /**
     * The same, armed: what a response the pass-through turns down costs on top, in the steady
     * state of a backend that always answers chunked (one scan in sixteen, UpstreamCodec).
     */
    @Benchmark
    public int fallbackDecode() {
        passCodec.passThrough(plan); // the gateway holds the codec too (UpstreamHandler)
        passUpstream.writeInbound(bytes(CHUNKED));
        return drain(passUpstream);
    }

    private static int drain(EmbeddedChannel ch) {
        int n = 0;
        for (Object o; (o = ch.readInbound()) != null; ) {
            n++;
            io.netty.util.ReferenceCountUtil.release(o);
        }
        return n;
    }

    @Benchmark
    public int nettyPath() {
        nettyUpstream.writeInbound(upstreamBytes());
        HttpResponse head = nettyUpstream.readInbound();
        LastHttpContent last = nettyUpstream.readInbound();
        ProxyHeaders.toClient(head, HttpMethod.GET, HttpVersion.HTTP_1_1, true);
        gateway.hideUpstream(head.headers());
        gateway.apply(head.headers(), false, true);
        client.writeOutbound(new DefaultFullHttpResponse(head.protocolVersion(), head.status(), last.content(),
                head.headers(), last.trailingHeaders()));
        return sent();
    }

    @Benchmark
    public int passThrough() {
        passCodec.passThrough(plan); // the gateway holds the codec too (UpstreamHandler)
        passUpstream.writeInbound(upstreamBytes());
        PassedHead head = passUpstream.readInbound();
        HttpContent last = passUpstream.readInbound();
        head.finish(false);
        if (head.absorb(last.content())) {
            last.release();
            client.writeOutbound(head);
        } else {
            client.writeOutbound(head, last);
        }
        return sent();
    }

    private int sent() {
        int n = 0;
        for (ByteBuf out; (out = client.readOutbound()) != null; ) {
            n += out.readableBytes();
            out.release();
        }
        return n;
    }
}
