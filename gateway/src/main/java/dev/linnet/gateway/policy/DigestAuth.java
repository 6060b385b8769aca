package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * {@code auth-type: digest} (ingress-nginx loads nginx-http-auth-digest with its defaults;
 * auth-limits-spec.md §2): RFC 2617 digest with MD5 and {@code qop=auth} against htdigest entries
 * ({@code user:realm:HA1}, HA1 = MD5(user:realm:password)) of the Ingress's realm.
 *
 * <pre>
 *   no / bad credentials, unknown user, wrong response, forged nonce ─▶ 401 + fresh challenge
 *   right response with an expired nonce                          ─▶ 401 + challenge, stale=true
 *   right response, fresh nonce                                    ─▶ proxied, without Authorization
 * </pre>
 *
 * MD5 is cheap: everything runs on the event loop.
 */
public final class DigestAuth extends PasswordAuth {

    private static final HexFormat HEX = HexFormat.of();

    private final DigestNonces nonces;

    /**
     * @param realm the {@code auth-realm}; only htdigest lines of this realm were kept
     * @param users user → HA1 in lower-case hex
     */
    public DigestAuth(String realm, Map<String, String> users) {
        this(realm, users, DigestNonces.SHARED);
    }

    DigestAuth(String realm, Map<String, String> users, DigestNonces nonces) {
        super(realm, users);
        this.nonces = requireNonNull(nonces, "nonces");
    }

    @Override
    public Flow onRequest(RequestContext request) {
        HttpRequest head = request.request();
        Map<String, String> p = parameters(head.headers().get(HttpHeaderNames.AUTHORIZATION));
        String user = p.get("username");
        String nonce = p.get("nonce");
        String response = p.get("response");
        String ha1 = user == null ? null : users.get(user);
        if (ha1 == null || nonce == null || response == null || !realm.equals(p.get("realm"))
                || !head.uri().equals(p.get("uri")) || !"auth".equals(p.get("qop"))
                || p.get("nc") == null || p.get("cnonce") == null
                || p.containsKey("algorithm") && !"MD5".equalsIgnoreCase(p.get("algorithm"))) {
            return challenge(request, false);
        }
        DigestNonces.Verdict verdict = nonces.check(nonce, realm);
        if (verdict == DigestNonces.Verdict.FORGED) {
            return challenge(request, false);
        }
        String ha2 = md5(head.method().name() + ':' + p.get("uri"));
        String expected = md5(ha1 + ':' + nonce + ':' + p.get("nc") + ':' + p.get("cnonce") + ":auth:" + ha2);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.ISO_8859_1),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1))) {
            return challenge(request, false);
        }
        return verdict == DigestNonces.Verdict.FRESH ? Flow.CONTINUE : challenge(request, true);
    }

    private Flow challenge(RequestContext request, boolean stale) {
        request.deny(401, unauthorized(request, "Digest algorithm=\"MD5\", qop=\"auth\", realm=\"" + realm
                + "\", nonce=\"" + nonces.issue(realm) + '"' + (stale ? ", stale=\"true\"" : "")));
        return Flow.ANSWERED;
    }

    /**
     * The {@code name=value} pairs of {@code Authorization: Digest …} (RFC 2617 §3.2.2: tokens or
     * quoted strings, comma-separated); empty when the header is absent, of another scheme, or
     * malformed. Names are lower-cased; a repeated name makes the whole header malformed.
     */
    static Map<String, String> parameters(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Digest ", 0, 7)) {
            return Map.of();
        }
        Map<String, String> out = new HashMap<>();
        int i = 7;
        int n = header.length();
        while (i < n) {
            char c = header.charAt(i);
            if (c == ' ' || c == ',' || c == '\t') {
                i++;
                continue;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                return Map.of();
            }
            String name = header.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            i = eq + 1;
            if (i < n && header.charAt(i) == '"') {
                for (i++; i < n && header.charAt(i) != '"'; i++) {
                    if (header.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    value.append(header.charAt(i));
                }
                if (i >= n) {
                    return Map.of(); // unterminated quoted string
                }
                i++;
            } else {
                for (; i < n && header.charAt(i) != ',' && header.charAt(i) != ' '; i++) {
                    value.append(header.charAt(i));
                }
            }
            if (name.isEmpty() || out.put(name, value.toString()) != null) {
                return Map.of();
            }
        }
        return out;
    }

    static String md5(String s) {
        return HEX.formatHex(DigestUtils.md5(s.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
