package dev.linnet.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * nginx's rule for request header names, as ingress-nginx runs it ({@code ignore_invalid_headers on},
 * {@code underscores_in_headers off}): a name with anything but letters, digits and {@code -} (and
 * {@code _} only when underscores are allowed) is ignored: not proxied, not used for anything.
 * ngx_http_parse_header_line marks such a line invalid and ngx_http_process_request_headers skips
 * it ("client sent invalid header line"): no 400. HTTP/2 fields get the same
 * (ngx_http_v2_validate_header); both reach this class as the same request head.
 *
 * <p>Why it matters: CGI-style backends (Rack, WSGI, PHP) read {@code X_Real_IP} as
 * {@code X-Real-IP}, so a forwarded {@code X_Real_IP} or {@code X-Forwarded_For} spoofs the address
 * the gateway sets (the class of Puma's CVE-2024-45614).
 *
 * <p>{@code ssl-client-*} fields go too, on every host: those names are the gateway's own report
 * of a client certificate ({@code ClientCertAuth}), and a client must not be able to claim one
 * where no certificate is checked (deliberate difference: ingress-nginx passes them through on
 * hosts without {@code auth-tls-secret}, auth-limits-spec.md §4).
 */
final class HeaderNames {

    // Indexed by ASCII code: letters, digits and '-' (nginx's lowcase table), with or without '_'.
    private static final boolean[] NGINX = nameChars(false);
    private static final boolean[] NGINX_WITH_UNDERSCORES = nameChars(true);

    private static final String SSL_CLIENT = "ssl-client-";

    private HeaderNames() {
    }

    /** Removes the fields whose names nginx would ignore; one pass, allocates only when it finds one. */
    static void dropInvalid(HttpHeaders headers, boolean underscores) {
        boolean[] allowed = underscores ? NGINX_WITH_UNDERSCORES : NGINX;
        List<CharSequence> invalid = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (!isValid(name, allowed) || isSslClient(name)) {
                if (invalid == null) {
                    invalid = new ArrayList<>(2);
                }
                invalid.add(name);
            }
        }
        if (invalid != null) {
            for (CharSequence name : invalid) {
                headers.remove(name);
            }
        }
    }

    /** {@code ssl-client-…} in any case, {@code _} counting as {@code -} (a CGI backend reads both alike). */
    static boolean isSslClient(CharSequence name) {
        int n = SSL_CLIENT.length();
        if (name.length() <= n || (name.charAt(0) | 0x20) != 's') { // one compare for almost every name
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            char want = SSL_CLIENT.charAt(i);
            if (want == '-' ? c != '-' && c != '_' : (c | 0x20) != want) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValid(CharSequence name, boolean[] allowed) {
        if (name instanceof AsciiString ascii) { // the decoders' names: straight over the bytes
            byte[] bytes = ascii.array();
            for (int i = ascii.arrayOffset(), end = i + ascii.length(); i < end; i++) {
                byte b = bytes[i];
                if (b < 0 || !allowed[b]) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0, n = name.length(); i < n; i++) {
            char c = name.charAt(i);
            if (c >= 128 || !allowed[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean[] nameChars(boolean underscores) {
        boolean[] allowed = new boolean[128];
        for (char c = 'a'; c <= 'z'; c++) {
            allowed[c] = true;
            allowed[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            allowed[c] = true;
        }
        allowed['-'] = true;
        allowed['_'] = underscores;
        return allowed;
    }
}
