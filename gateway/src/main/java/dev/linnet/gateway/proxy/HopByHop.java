package dev.linnet.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 §7.6.1),
 * in both directions: {@code Connection} and every header it names, plus the classic list nginx
 * never passes on. {@code Transfer-Encoding} stays: Netty's encoder re-frames the body by it,
 * so the next hop sees correct framing for its own connection.
 */
final class HopByHop {

    private static final List<CharSequence> ALWAYS = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHORIZATION);

    private HopByHop() {
    }

    static void strip(HttpHeaders headers) {
        // Connection: close, X-Foo  ─▶ X-Foo is hop-by-hop too (never Transfer-Encoding or Host, though:
        // a client naming those must not make us drop the framing or the routing key).
        if (headers.isEmpty()) {
            return;
        }
        // contains() first: most requests carry no Connection header, and getAll() allocates.
        for (String value : headers.contains(HttpHeaderNames.CONNECTION)
                ? headers.getAll(HttpHeaderNames.CONNECTION) : List.<String>of()) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && !token.equalsIgnoreCase("transfer-encoding") && !token.equalsIgnoreCase("host")
                        && !token.equalsIgnoreCase("content-length")) {
                    headers.remove(token);
                }
                start = end + 1;
            }
        }
        for (CharSequence name : ALWAYS) {
            headers.remove(name);
        }
    }
}
