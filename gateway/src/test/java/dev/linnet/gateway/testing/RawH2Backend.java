package dev.linnet.gateway.testing;

import dev.linnet.gateway.route.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An h2c (prior knowledge) upstream that misbehaves on purpose, frame by frame: answers every
 * request {@code "<name>:<n>"}, and in its modes refuses the first stream (RST_STREAM
 * REFUSED_STREAM) or sends GOAWAY after each answer while keeping the connection open, as a pod
 * that is shutting down does.
 */
public final class RawH2Backend implements AutoCloseable {

    public enum Mode { NORMAL, REFUSE_FIRST_STREAM, GOAWAY_AFTER_EACH_ANSWER }

    private final String name;
    private final Mode mode;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger answers = new AtomicInteger();

    private RawH2Backend(String name, Mode mode) throws InterruptedException {
        this.name = name;
        this.mode = mode;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel stream) {
                                        stream.pipeline().addLast(new Answer());
                                    }
                                }));
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    public static RawH2Backend start(String name, Mode mode) {
        try {
            return new RawH2Backend(name, mode);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
    }

    public int connections() {
        return connections.get();
    }

    /** Streams the backend saw, refused ones included. */
    public int streams() {
        return streams.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean end = msg instanceof Http2HeadersFrame h && h.isEndStream()
                        || msg instanceof Http2DataFrame d && d.isEndStream();
                if (msg instanceof Http2HeadersFrame && streams.incrementAndGet() == 1
                        && mode == Mode.REFUSE_FIRST_STREAM) {
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                    return;
                }
                if (!end || !(msg instanceof Http2StreamFrame)) {
                    return;
                }
                int n = answers.incrementAndGet();
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(
                        Unpooled.copiedBuffer(name + ":" + n, StandardCharsets.UTF_8), true));
                if (mode == Mode.GOAWAY_AFTER_EACH_ANSWER) {
                    // lastStreamId = this stream: later streams on this connection will not be processed.
                    ctx.channel().parent().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
