package dev.linnet.gateway.admin;

import dev.linnet.gateway.metrics.Exposition;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.route.RouteTableHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The admin endpoints. Requests here are tiny and rare, so they are aggregated; the data plane's
 * streaming rules don't apply.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final String TEXT = HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8";

    private final RouteTableHolder routes;
    private final GatewayMetrics metrics; // null: no /metrics
    private final AtomicBoolean shuttingDown;

    AdminHandler(RouteTableHolder routes, GatewayMetrics metrics, AtomicBoolean shuttingDown) {
        this.routes = routes;
        this.metrics = metrics;
        this.shuttingDown = shuttingDown;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), false);
            return;
        }
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        FullHttpResponse response;
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else {
            response = switch (path) {
                // The process answers: that is all liveness means here.
                case "/healthz" -> text(HttpResponseStatus.OK, "ok");
                // Not ready until the first table is published: before that every request would 404.
                // Shutting down: take us out of the load balancer while we still serve (the drain).
                case "/readyz" -> shuttingDown.get()
                        ? text(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down\n")
                        : routes.isPublished()
                        ? text(HttpResponseStatus.OK, "ok")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "no routing table published yet\n");
                case "/debug/routes" -> json(RoutesJson.render(routes.current(), routes.publishedAt(),
                        metrics == null ? Map.of() : metrics.ejectedEndpoints()));
                case "/metrics" -> metrics == null
                        ? text(HttpResponseStatus.NOT_FOUND, "metrics are not enabled\n")
                        : metrics(metrics.scrape(request.headers().get(HttpHeaderNames.ACCEPT)));
                default -> text(HttpResponseStatus.NOT_FOUND, "not found\n");
            };
        }
        send(ctx, request, response, HttpUtil.isKeepAlive(request));
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
            boolean keepAlive) {
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT);
        return r;
    }

    private static FullHttpResponse metrics(Exposition.Body body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body.bytes()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, body.contentType());
        return r;
    }

    private static FullHttpResponse json(byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
