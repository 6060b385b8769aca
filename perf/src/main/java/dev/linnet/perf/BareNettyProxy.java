package dev.linnet.perf;

import com.sun.net.httpserver.HttpServer;
import dev.linnet.controller.cli.Main;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Not Linnet: the floor under it. The least a proxy built from Netty's HTTP/1.1 codecs does for
 * the load harness's routing, exactly the work of the reference nginx configuration
 * ({@code perf/nginx/proxy.nginx.conf.tmpl}): Host → server, {@code Region ~ cd|sz}, then cookie
 * {@code user_from_cd}, then 10 % by weight; {@code Host} kept and {@code X-Forwarded-For} set,
 * {@code Connection} dropped; keep-alive both ways; anything else 404. No metrics, timeouts,
 * limits, retries, validation of our own, back-pressure, pipelining or HTTP/2: whatever it costs
 * per request is what Netty's codecs, pipeline, buffers and transport cost, with nothing of Linnet
 * on top. Slightly cheaper than nginx's work still: it leaves the backend's {@code Server} and
 * {@code Date} as they are (nginx writes its own), and its 10 % weight draws a random number
 * where nginx hashes {@code $request_id} (so compare it on the plain, header and cookie scenarios).
 *
 * <p>It takes the launcher's arguments, so the harness starts it in the baseline's place
 * (perf/README.md, "Netty's floor"): {@code --manifests} (the backends' ports are read from the
 * EndpointSlices there), {@code --http-port}, {@code --admin-port} (answers 200 to anything, for
 * the readiness check), {@code --bind-address}; everything else is ignored.
 */
public final class BareNettyProxy {

    static { // Linnet's launcher defaults, before any Netty buffer class loads
        Main.nettyDefaults();
    }

    private static final Pattern REGION = Pattern.compile("cd|sz");
    private static final FastThreadLocal<Pools> POOLS = new FastThreadLocal<>() {
        @Override
        protected Pools initialValue() {
            return new Pools();
        }
    };

    private static InetSocketAddress stable;
    private static InetSocketAddress canary;

    private BareNettyProxy() {
    }

    public static void main(String[] args) throws Exception {
        String manifests = arg(args, "--manifests", null);
        String bind = arg(args, "--bind-address", "127.0.0.1");
        int httpPort = Integer.parseInt(arg(args, "--http-port", "8080"));
        int adminPort = Integer.parseInt(arg(args, "--admin-port", "10254"));
        List<Integer> ports = backendPorts(Path.of(manifests));
        stable = new InetSocketAddress("127.0.0.1", ports.get(0));
        canary = new InetSocketAddress("127.0.0.1", ports.get(1));

        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Front());
                    }
                })
                .bind(bind, httpPort).sync();
        HttpServer admin = HttpServer.create(new InetSocketAddress(bind, adminPort), 16);
        admin.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        admin.start();
        System.out.println("bare Netty proxy on " + bind + ":" + httpPort + ", stable " + stable + ", canary " + canary);
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return fallback;
    }

    /** The port of EndpointSlice {@code stable-1}, then of {@code canary-1}. */
    private static List<Integer> backendPorts(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                all.append(Files.readString(f)).append("\n---\n");
            }
        }
        List<Integer> ports = new ArrayList<>();
        for (String name : new String[] {"stable-1", "canary-1"}) {
            Matcher m = Pattern.compile("name: " + name + "\\n(?:.*\\n)*?- name: http\\n\\s*port: (\\d+)")
                    .matcher(all);
            if (!m.find()) {
                throw new IllegalStateException("no EndpointSlice " + name + " in " + dir);
            }
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    private static InetSocketAddress choose(HttpRequest request) {
        HttpHeaders h = request.headers();
        String host = h.get(HttpHeaderNames.HOST);
        if (host == null) {
            return null;
        }
        int colon = host.indexOf(':');
        host = colon < 0 ? host : host.substring(0, colon);
        if (host.equalsIgnoreCase("plain.example.com")) {
            return stable;
        }
        if (!host.equalsIgnoreCase("canary.example.com")) {
            return null;
        }
        String region = h.get("Region");
        if (region != null && REGION.matcher(region).find()) {
            return canary;
        }
        String cookie = h.get(HttpHeaderNames.COOKIE);
        if (cookie != null) {
            for (String pair : cookie.split(";")) {
                String p = pair.trim();
                if (p.equals("user_from_cd=always")) {
                    return canary;
                }
                if (p.equals("user_from_cd=never")) {
                    return stable;
                }
            }
        }
        return ThreadLocalRandom.current().nextInt(100) < 10 ? canary : stable;
    }

    /** Idle upstream connections of one event loop, per backend. */
    private static final class Pools {
        final ArrayDeque<Channel> stable = new ArrayDeque<>();
        final ArrayDeque<Channel> canary = new ArrayDeque<>();

        ArrayDeque<Channel> of(InetSocketAddress backend) {
            return backend == BareNettyProxy.stable ? stable : canary;
        }
    }

    /** One client connection: each request goes to an idle upstream connection or a new one. */
    private static final class Front extends ChannelInboundHandlerAdapter {
        private final ArrayDeque<Object> waiting = new ArrayDeque<>(); // until the upstream connects
        private Channel upstream;
        private boolean keepAlive = true;
        private boolean discarding; // the rest of a request answered 404

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (discarding) {
                discarding = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
                InetSocketAddress backend = choose(request);
                if (backend == null) {
                    discarding = !(msg instanceof LastHttpContent);
                    ReferenceCountUtil.release(msg);
                    FullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.NOT_FOUND, Unpooled.copiedBuffer("no route\n", StandardCharsets.US_ASCII));
                    notFound.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, notFound.content().readableBytes());
                    HttpUtil.setKeepAlive(notFound, keepAlive);
                    ChannelFuture written = ctx.writeAndFlush(notFound);
                    if (!keepAlive) {
                        written.addListener(ChannelFutureListener.CLOSE);
                    }
                    return;
                }
                HttpHeaders h = request.headers();
                h.remove(HttpHeaderNames.CONNECTION);
                String peer = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
                String forwarded = h.get("X-Forwarded-For");
                h.set("X-Forwarded-For", forwarded == null ? peer : forwarded + ", " + peer);
                request.setProtocolVersion(HttpVersion.HTTP_1_1);
                Channel idle = POOLS.get().of(backend).pollFirst();
                if (idle != null) {
                    attach(ctx, idle);
                    idle.write(msg);
                } else {
                    waiting.add(msg);
                    connect(ctx, backend);
                }
            } else if (upstream == null) {
                waiting.add(msg); // the request's body pieces and end, until connected
            } else if (msg instanceof LastHttpContent) {
                upstream.writeAndFlush(msg);
            } else {
                upstream.write(msg);
            }
        }

        private void attach(ChannelHandlerContext client, Channel ch) {
            upstream = ch;
            ((Back) ch.pipeline().last()).client = client;
        }

        private void connect(ChannelHandlerContext client, InetSocketAddress backend) {
            EventLoop loop = client.channel().eventLoop();
            ChannelFuture connect = new Bootstrap().group(loop).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Back(backend));
                        }
                    })
                    .connect(backend);
            connect.addListener((ChannelFutureListener) f -> {
                if (f.isSuccess() && !client.channel().isActive()) {
                    f.channel().close(); // the client left while we connected
                    return;
                }
                if (!f.isSuccess()) {
                    waiting.forEach(ReferenceCountUtil::release);
                    waiting.clear();
                    client.close();
                    return;
                }
                attach(client, f.channel());
                Object m;
                while ((m = waiting.poll()) != null) {
                    f.channel().write(m);
                }
                f.channel().flush();
            });
        }

        /** The response's end went to the client: the upstream connection is free again, if reusable. */
        void responseDone(ChannelHandlerContext client, Channel ch, InetSocketAddress backend, boolean reusable) {
            upstream = null;
            if (reusable) {
                POOLS.get().of(backend).addFirst(ch);
            } else {
                ch.close();
            }
            if (!keepAlive) {
                client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            waiting.forEach(ReferenceCountUtil::release);
            waiting.clear();
            if (upstream != null) {
                upstream.close(); // mid-response: not reusable
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One upstream connection: response objects go to the client, flushed once per socket read. */
    private static final class Back extends ChannelInboundHandlerAdapter {
        private final InetSocketAddress backend;
        ChannelHandlerContext client;
        private boolean reusable;

        Back(InetSocketAddress backend) {
            this.backend = backend;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelHandlerContext c = client;
            if (c == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpResponse response) { // the client's keep-alive, not the upstream's
                reusable = HttpUtil.isKeepAlive(response);
                HttpUtil.setKeepAlive(response, ((Front) c.handler()).keepAlive);
            }
            if (msg instanceof LastHttpContent) {
                c.writeAndFlush(msg);
                client = null;
                ((Front) c.handler()).responseDone(c, ctx.channel(), backend, reusable);
            } else {
                c.write(msg); // flushed when the read is over
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (client != null) {
                client.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            POOLS.get().of(backend).remove(ctx.channel());
            if (client != null) {
                client.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
