package dev.linnet.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

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

    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString CLOSE = AsciiString.cached("close");

    private HopByHop() {
    }

    /**
     * The extra names {@code Connection} declares hop-by-hop (lower case), never Transfer-Encoding,
     * Content-Length or Host; empty (and allocation-free) when there is no Connection header.
     */
    static List<String> namedByConnection(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return List.of();
        }
        Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
        CharSequence first = values.next();
        if (!values.hasNext() && (KEEP_ALIVE.contentEqualsIgnoreCase(first) || CLOSE.contentEqualsIgnoreCase(first))) {
            return List.of(); // the common case: one field naming only what is dropped anyway
        }
        List<String> named = new ArrayList<>(2);
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals("transfer-encoding") && !t.equals("host") && !t.equals("content-length")) {
                    named.add(t);
                }
            }
        }
        return named;
    }

    /** Whether {@code name} is among {@code named} (from {@link #namedByConnection}). */
    static boolean isNamed(List<String> named, CharSequence name) {
        for (String n : named) {
            if (AsciiString.contentEqualsIgnoreCase(n, name)) {
                return true;
            }
        }
        return false;
    }

    static void strip(HttpHeaders headers) {
        if (headers.isEmpty()) {
            return;
        }
        // Connection: close, X-Foo  ─▶ X-Foo is hop-by-hop too (never Transfer-Encoding or Host, though:
        // a client naming those must not make us drop the framing or the routing key).
        for (String name : namedByConnection(headers)) {
            headers.remove(name);
        }
        for (CharSequence name : ALWAYS) {
            headers.remove(name);
        }
    }
}
