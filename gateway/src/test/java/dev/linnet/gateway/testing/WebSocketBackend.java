package dev.linnet.gateway.testing;

import dev.linnet.gateway.route.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket echo server on 127.0.0.1 built from Netty's own {@link WebSocketServerProtocolHandler}
 * (none of the gateway's code). Every frame is echoed, except two text commands: {@code "name"}
 * answers the backend's name, {@code "drop"} closes the TCP connection without a close frame.
 * It records the handshake requests it saw and counts its open connections.
 */
public final class WebSocketBackend implements AutoCloseable {

    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final List<HttpHeaders> handshakes = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();

    private WebSocketBackend(String name) throws InterruptedException {
        this.name = name;
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .maxFramePayloadLength(64 * 1024 * 1024)
                .sendCloseFrame(null) // "drop" cuts the connection, no close frame
                .build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // Unmasking a large frame touches every byte; under the test run's paranoid leak
                // detection each touch records a stack trace and an 8 MiB echo takes minutes. The
                // backend is not the code under test: its buffers skip the detector.
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false, true))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new Recorder(), new WebSocketServerProtocolHandler(ws), new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public static WebSocketBackend start(String name) {
        try {
            return new WebSocketBackend(name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Endpoint endpoint() {
        return new Endpoint("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** The headers of every handshake request that reached this backend. */
    public List<HttpHeaders> handshakes() {
        return handshakes;
    }

    /** Connections open to this backend now. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest request) {
                handshakes.add(request.headers().copy());
            }
            ctx.fireChannelRead(msg);
        }
    }

    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame text && text.text().equals("name")) {
                ctx.writeAndFlush(new TextWebSocketFrame(name));
            } else if (frame instanceof TextWebSocketFrame text && text.text().equals("drop")) {
                ctx.close();
            } else {
                ctx.writeAndFlush(frame.retainedDuplicate());
            }
        }
    }
}
