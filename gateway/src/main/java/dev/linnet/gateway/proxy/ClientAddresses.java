package dev.linnet.gateway.proxy;

import dev.linnet.gateway.policy.ClientView;
import dev.linnet.gateway.route.SourceRanges;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The client's address, scheme, host and port of one request (annotations-spec.md §4.2, §4.3), as
 * nginx's realip module and ingress-nginx's {@code lua_ingress.rewrite()} compute them, with two
 * deliberate differences (§4.6): a client's {@code X-Forwarded-For-Proxy-Protocol} is never read,
 * and behind a PROXY header the PROXY source, not the balancer, is the address when no forwarded
 * header names another (ingress-nginx #13725).
 *
 * <pre>
 *   start := TCP peer
 *   PROXY header?    peer trusted ─▶ start := PROXY source        (else: the peer, done)
 *   use-forwarded-headers, or enable-real-ip without PROXY:
 *       walk the forwarded-for header from the right, from start:
 *           current untrusted, or no entry left ─▶ current
 *           rightmost unused entry not IP[:port] ─▶ current
 *           else current := that entry
 * </pre>
 *
 * With the defaults nothing is parsed: the address is the peer's, kept per connection.
 */
final class ClientAddresses {

    private ClientAddresses() {
    }

    /**
     * @param peer the TCP peer, {@code peerText} its text (both kept per connection); null in handler tests
     * @param origin the connection's PROXY header, or {@code null}
     * @param tls whether the connection is TLS (the HTTPS listener)
     * @param authority the Host header as sent ({@code $http_host}, port included), or empty
     */
    static ClientView view(ClientTrust trust, HttpHeaders headers, InetSocketAddress peer, String peerText,
            ProxyProtocol.Origin origin, boolean tls, String authority) {
        String scheme = tls ? "https" : "http";
        String port = origin != null ? origin.destinationPort() : tls ? "443" : "80"; // as ingress-nginx's 80 and 443
        String host = authority;
        InetSocketAddress address = peer;
        String text = peerText;
        if (peer != null && (origin != null || trust.useForwardedHeaders() || trust.enableRealIp())) {
            InetSocketAddress start = peer;
            if (origin != null && trusted(trust.trustedPeers(), peer)) {
                start = origin.source();
            }
            InetSocketAddress real = start;
            if (start != peer || origin == null) {
                boolean fromHeader = trust.useForwardedHeaders() || trust.enableRealIp() && origin == null;
                real = fromHeader ? walk(trust.trustedPeers(), start, joined(headers, trust.forwardedForHeader())) : start;
            }
            if (real != peer) {
                address = real;
                text = real == start && origin != null ? origin.sourceText() : NetUtil.toAddressString(real.getAddress());
            }
        }
        if (trust.useForwardedHeaders()) {
            String proto = headers.get(ProxyHeaders.X_FORWARDED_PROTO);
            if (proto != null && !proto.isEmpty()) {
                scheme = proto; // verbatim: "myproto" passes (A1)
            }
            String forwardedPort = headers.get(ProxyHeaders.X_FORWARDED_PORT);
            if (forwardedPort != null && !forwardedPort.isEmpty()) {
                port = forwardedPort;
            }
            String forwardedHost = firstValue(headers.get(ProxyHeaders.X_FORWARDED_HOST));
            if (forwardedHost != null) {
                host = forwardedHost;
            }
        }
        if (origin != null && "443".equals(origin.destinationPort())) {
            scheme = "https"; // a balancer that terminated TLS on 443 (A7)
        }
        return new ClientView(address, text, scheme, host, port);
    }

    /** The header's lines joined with {@code ", "} in order (nginx 1.23+), or {@code null}. */
    static String joined(HttpHeaders headers, CharSequence name) {
        List<String> all = headers.getAll(name);
        return all.isEmpty() ? null : all.size() == 1 ? all.get(0) : String.join(", ", all);
    }

    /** The first entry of a list split on white space, {@code |} and {@code ,} (ingress-nginx's util.split). */
    static String firstValue(String value) {
        if (value == null) {
            return null;
        }
        int start = 0;
        while (start < value.length() && isListSeparator(value.charAt(start))) {
            start++;
        }
        int end = start;
        while (end < value.length() && !isListSeparator(value.charAt(end))) {
            end++;
        }
        return start == end ? null : value.substring(start, end);
    }

    private static boolean isListSeparator(char c) {
        return c == ',' || c == '|' || Character.isWhitespace(c);
    }

    /**
     * nginx's {@code ngx_http_get_forwarded_addr} with {@code real_ip_recursive on}: from
     * {@code current}, take entries from the right while the address so far is trusted.
     */
    static InetSocketAddress walk(SourceRanges trusted, InetSocketAddress current, String list) {
        if (list == null) {
            return current;
        }
        int end = list.length();
        while (trusted(trusted, current)) {
            while (end > 0 && isSeparator(list.charAt(end - 1))) {
                end--;
            }
            if (end == 0) {
                return current;
            }
            int start = end;
            while (start > 0 && !isSeparator(list.charAt(start - 1))) {
                start--;
            }
            InetSocketAddress entry = parse(list, start, end);
            if (entry == null) {
                return current; // not an address: the last one accepted stands
            }
            current = entry;
            if (start == 0) {
                return current; // the leftmost entry, trusted or not
            }
            end = start - 1;
        }
        return current;
    }

    private static boolean isSeparator(char c) {
        return c == ',' || c == ' ';
    }

    static boolean trusted(SourceRanges trusted, InetSocketAddress address) {
        return address.getAddress() != null && trusted.allows(address.getAddress());
    }

    /**
     * nginx's {@code ngx_parse_addr_port}: {@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code 2001:db8::1},
     * {@code [2001:db8::1]:80}; the port 0 when none; {@code null} for anything else (never DNS).
     */
    static InetSocketAddress parse(String s, int start, int end) {
        InetAddress whole = ip(s.substring(start, end));
        if (whole != null) {
            return new InetSocketAddress(whole, 0);
        }
        int colon;
        int addressStart = start;
        int addressEnd;
        if (end - start > 0 && s.charAt(start) == '[') {
            int close = s.indexOf(']', start);
            if (close < 0 || close >= end - 1 || s.charAt(close + 1) != ':') {
                return null;
            }
            addressStart = start + 1;
            addressEnd = close;
            colon = close + 1;
        } else {
            colon = s.indexOf(':', start);
            if (colon < 0 || colon >= end) {
                return null;
            }
            addressEnd = colon;
        }
        int port = port(s, colon + 1, end);
        InetAddress address = port < 0 ? null : ip(s.substring(addressStart, addressEnd));
        return address == null ? null : new InetSocketAddress(address, port);
    }

    private static int port(String s, int start, int end) {
        if (end - start < 1 || end - start > 5) {
            return -1;
        }
        int port = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            port = port * 10 + c - '0';
        }
        return port >= 1 && port <= 65535 ? port : -1;
    }

    private static InetAddress ip(String s) {
        if (s.indexOf('%') >= 0 || s.indexOf('[') >= 0) {
            return null; // nginx takes no zone, and brackets only with a port
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(s);
        try {
            return bytes == null ? null : address(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The address of {@code bytes}, an IPv4-mapped IPv6 address staying IPv6 as in nginx (so the
     * default {@code 0.0.0.0/0} does not trust {@code ::ffff:1.2.3.4}; the JDK would make it IPv4).
     */
    static InetAddress address(byte[] bytes) throws UnknownHostException {
        return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
    }
}
