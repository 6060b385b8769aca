package dev.linnet.gateway.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The HTTP/1.1 protocol switch (RFC 9110 §7.8) as ingress-nginx proxies it: its template sends
 * {@code proxy_http_version 1.1}, {@code Upgrade $http_upgrade} and {@code Connection
 * $connection_upgrade}, so a WebSocket handshake reaches the pod with both headers, and only a
 * {@code 101} turns the connections into a byte tunnel ({@link Tunnel}).
 *
 * <p>{@link HopByHop} still strips {@code Upgrade} and {@code Connection} from every message;
 * these helpers put them back, only on an upgrade request and on the {@code 101} that accepts it.
 */
final class Upgrades {

    private Upgrades() {
    }

    /**
     * The protocols a client asks to switch to, or null when the request is no upgrade we tunnel:
     * it must be HTTP/1.1 (§7.8: ignore Upgrade in 1.0), name {@code upgrade} in {@code Connection}
     * (§7.8: the sender must), arrive on a connection whose HTTP/1.1 codec we can take out, and not
     * ask for {@code h2c}, which is about the client's own connection to us (RFC 9113 §3.1 drops
     * it; HTTP/2 is the listener's business), not something to pass to the pod.
     */
    static String requested(HttpRequest request, ChannelPipeline pipeline) {
        HttpHeaders h = request.headers();
        String upgrade = h.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || upgrade.isBlank() || !request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                || !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || pipeline.get(ServerCodec.class) == null) {
            return null;
        }
        for (String token : upgrade.split(",")) {
            if (token.trim().equalsIgnoreCase("h2c")) {
                return null;
            }
        }
        return upgrade;
    }

    /** Puts the switch back on a message whose hop-by-hop headers were stripped. */
    static void restore(HttpMessage message, String protocols) {
        message.headers()
                .set(HttpHeaderNames.UPGRADE, protocols)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }

    /** Whether an upstream-bound request carries a switch (only {@link #restore} puts one there). */
    static boolean isUpgrade(HttpRequest upstreamHead) {
        return upstreamHead.headers().contains(HttpHeaderNames.UPGRADE);
    }
}
