package dev.linnet.gateway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A frame-level HTTP/2 client with prior knowledge (h2c), Netty's own codec: lets a test send what
 * a browser would (several {@code cookie} fields, no {@code Host}) and see the raw response
 * frames, trailers included.
 */
public final class H2Client implements AutoCloseable {

    /**
     * A response: its HEADERS, body, and trailing HEADERS (empty when there were none); {@code interim}
     * counts the 1xx HEADERS before it.
     */
    public record Response(Http2Headers headers, byte[] body, Http2Headers trailers, int interim) {
        public int status() {
            return Integer.parseInt(headers.status().toString());
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<String> resets = new CopyOnWriteArrayList<>(); // "streamId:errorCode", as they arrived
    private final List<Integer> goAways = new CopyOnWriteArrayList<>(); // each GOAWAY's last stream id
    private final Channel connection;

    private H2Client(int port, SslContext tls) throws InterruptedException {
        this(port, tls, "localhost");
    }

    private H2Client(int port, SslContext tls, String sni) throws InterruptedException {
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), sni, port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().frameLogger(new ResetRecorder()).build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
    }

    public static H2Client connect(int port) {
        return connect(port, null);
    }

    /** HTTP/2 over TLS: ALPN offers only {@code h2}; the server's certificate is not checked. */
    public static H2Client connectTls(int port) {
        try {
            return connect(port, SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2))
                    .build());
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HTTP/2 over TLS with {@code sni}, presenting {@code client}'s certificate when asked. */
    public static H2Client connectTls(int port, String sni, TestPki.Cert client) {
        try {
            SslContext tls = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .keyManager(client.key(), client.chain())
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2))
                    .build();
            return new H2Client(port, tls, sni);
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static H2Client connect(int port, SslContext tls) {
        try {
            return new H2Client(port, tls);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Request headers with the pseudo-headers set; add fields with {@code .add(name, value)}. */
    public static Http2Headers headers(String method, String authority, String path) {
        return new DefaultHttp2Headers().method(method).scheme("http").authority(authority).path(path);
    }

    /** A request without body. */
    public Response send(Http2Headers headers) {
        return await(begin(headers, null));
    }

    /** A request with a body of {@code size} bytes, made by {@code chunk(offset)}, sent as flow control allows. */
    public CompletableFuture<Response> start(Http2Headers headers, long size, LongFunction<ByteBuf> chunk,
            AtomicLong sent) {
        return begin(headers, new Upload(size, chunk, sent));
    }

    public Response send(Http2Headers headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return await(begin(headers, new Upload(bytes.length, offset -> Unpooled.wrappedBuffer(bytes), new AtomicLong())));
    }

    /**
     * Every RST_STREAM the connection received, as {@code "streamId:errorCode"} in order, also
     * those for streams already closed on this side (the multiplexer drops those silently).
     */
    public List<String> resets() {
        return resets;
    }

    /**
     * A request without body, as a client that honours GOAWAY sends it (RFC 9113 §6.8: no new
     * stream once one arrived): null, and nothing sent, when a GOAWAY came first. The check runs
     * on the connection's event loop right before the stream's HEADERS, so it is never stale.
     */
    public Response sendUnlessGoingAway(Http2Headers headers) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        connection.eventLoop().execute(() -> {
            if (!goAways.isEmpty()) {
                result.complete(null); // a GOAWAY comes before the close, so also when the connection is gone
                return;
            }
            new Http2StreamChannelBootstrap(connection).handler(new Collector(result, null)).open()
                    .addListener(f -> {
                        if (f.isSuccess()) {
                            ((Http2StreamChannel) f.getNow()).writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
                        } else {
                            result.completeExceptionally(f.cause());
                        }
                    });
        });
        return await(result);
    }

    /** The last-stream-id of every GOAWAY the connection received, in order. */
    public List<Integer> goAways() {
        return goAways;
    }

    /** Headers without END_STREAM and nothing after them: a request that never finishes. */
    public CompletableFuture<Response> startUnfinished(Http2Headers headers) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new Collector(result, null)).open().syncUninterruptibly().getNow();
        stream.eventLoop().execute(() -> stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)));
        return result;
    }

    private CompletableFuture<Response> begin(Http2Headers headers, Upload upload) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new Collector(result, upload)).open().syncUninterruptibly().getNow();
        stream.eventLoop().execute(() -> {
            stream.write(new DefaultHttp2HeadersFrame(headers, upload == null || upload.size == 0));
            if (upload != null && upload.size > 0) {
                upload.pump(stream);
            }
            stream.flush();
        });
        return result;
    }

    private static Response await(CompletableFuture<Response> f) {
        try {
            return f.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isOpen() {
        return connection.isActive();
    }

    @Override
    public void close() {
        connection.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Writes the body while the stream's flow-control window has room. */
    private static final class Upload {
        final long size;
        final LongFunction<ByteBuf> chunk;
        final AtomicLong sent;

        Upload(long size, LongFunction<ByteBuf> chunk, AtomicLong sent) {
            this.size = size;
            this.chunk = chunk;
            this.sent = sent;
        }

        void pump(Channel stream) {
            while (stream.isWritable() && sent.get() < size) {
                ByteBuf piece = chunk.apply(sent.get());
                long after = sent.addAndGet(piece.readableBytes());
                stream.write(new DefaultHttp2DataFrame(piece, after >= size));
            }
            stream.flush();
        }
    }

    /** Sees the connection's frames before the multiplexer: records each inbound RST_STREAM and GOAWAY. */
    private final class ResetRecorder extends Http2FrameLogger {
        ResetRecorder() {
            super(LogLevel.TRACE);
        }

        @Override
        public void logRstStream(Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
            if (direction == Direction.INBOUND) {
                resets.add(streamId + ":" + errorCode);
            }
        }

        @Override
        public void logGoAway(Direction direction, ChannelHandlerContext ctx, int lastStreamId, long errorCode,
                ByteBuf debugData) {
            if (direction == Direction.INBOUND) {
                goAways.add(lastStreamId);
            }
        }
    }

    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> result;
        private final Upload upload;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2Headers headers;
        private Http2Headers trailers = new DefaultHttp2Headers();
        private int interim;

        Collector(CompletableFuture<Response> result, Upload upload) {
            this.result = result;
            this.upload = upload;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = false;
                if (msg instanceof Http2HeadersFrame h) {
                    CharSequence status = h.headers().status();
                    if (headers == null && status != null && status.charAt(0) == '1') {
                        interim++;
                        return;
                    }
                    if (headers == null) {
                        headers = h.headers();
                    } else {
                        trailers = h.headers();
                    }
                    end = h.isEndStream();
                } else if (msg instanceof Http2DataFrame d) {
                    body.writeBytes(ByteBufUtil.getBytes(d.content()));
                    end = d.isEndStream();
                }
                if (end) {
                    result.complete(new Response(headers, body.toByteArray(), trailers, interim));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (upload != null && ctx.channel().isWritable()) {
                upload.pump(ctx.channel());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame reset) {
                result.completeExceptionally(new IllegalStateException("stream reset: " + reset.errorCode()));
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IllegalStateException("stream closed before its end"));
        }
    }
}
