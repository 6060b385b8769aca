package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * {@code auth-type: basic} (nginx's {@code auth_basic}, auth-limits-spec.md §2): the request needs
 * {@code Authorization: Basic} credentials matching the htpasswd entries of the Ingress's Secret,
 * else 401 with one {@code WWW-Authenticate: Basic realm="…"}. The backend never sees the client's
 * {@code Authorization} header (ingress-nginx's {@code proxy_set_header Authorization ""}).
 *
 * <p>Cheap schemes are checked on the event loop; iterated ones (bcrypt, apr1, SHA-crypt) on
 * {@link SlowHashes}' pool, the request suspended meanwhile; a saturated pool answers 503.
 * Unlike nginx, a realm of {@code off} is just a realm: it never switches authentication off.
 */
public final class BasicAuth implements RequestPolicy, UpstreamPolicy {

    /** nginx's 401 page title; the body of every 401 of this policy. */
    static final String UNAUTHORIZED_TEXT = "401 Authorization Required\n";

    private final String realm;
    private final Map<String, String> users;
    private final SlowHashes slow;

    /**
     * @param realm the {@code auth-realm} ({@code ""} when absent), validated by the controller
     * @param users user → hash field, first line of each user (ISO-8859-1: bytes as the file holds them)
     */
    public BasicAuth(String realm, Map<String, String> users) {
        this(realm, users, SlowHashes.SHARED);
    }

    BasicAuth(String realm, Map<String, String> users, SlowHashes slow) {
        this.realm = requireNonNull(realm, "realm");
        this.users = Map.copyOf(requireNonNull(users, "users"));
        this.slow = requireNonNull(slow, "slow");
    }

    public String realm() {
        return realm;
    }

    public Map<String, String> users() {
        return users;
    }

    @Override
    public Step step() {
        return Step.BASIC_AUTH;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        byte[] credentials = credentials(request.request().headers().get(HttpHeaderNames.AUTHORIZATION));
        int colon = indexOf(credentials, (byte) ':');
        if (colon <= 0) { // none, malformed, or an empty user
            return unauthorized(request);
        }
        String hash = users.get(new String(credentials, 0, colon, StandardCharsets.ISO_8859_1));
        byte[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
        if (hash == null) {
            return unauthorized(request);
        }
        if (!PasswordHashes.scheme(hash).slow()) {
            return PasswordHashes.matches(hash, password) ? Flow.CONTINUE : unauthorized(request);
        }
        if (slow.remembered(hash, password)) {
            return Flow.CONTINUE;
        }
        boolean queued = slow.check(hash, password, ok -> {
            if (request.abandoned()) {
                return;
            }
            if (ok) {
                request.resume();
            } else {
                request.answer(challenge(request));
            }
        });
        if (!queued) {
            request.answer(Answers.status(request.channel().alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE));
            return Flow.ANSWERED;
        }
        return Flow.SUSPENDED;
    }

    @Override
    public void onUpstreamRequest(RequestContext request, HttpRequest upstream) {
        upstream.headers().remove(HttpHeaderNames.AUTHORIZATION);
    }

    /**
     * The decoded {@code user:password} of {@code Authorization: Basic <base64>} as nginx reads it
     * ({@code ngx_http_auth_basic_user}): the scheme case-insensitive and followed by a space, then
     * spaces skipped, standard base64 up to the first {@code =}; an empty array when absent or malformed.
     */
    static byte[] credentials(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new byte[0];
        }
        int start = 6;
        while (start < header.length() && header.charAt(start) == ' ') {
            start++;
        }
        int end = header.indexOf('=', start);
        try {
            return Base64.getDecoder().decode(header.substring(start, end < 0 ? header.length() : end));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private Flow unauthorized(RequestContext request) {
        request.answer(challenge(request));
        return Flow.ANSWERED;
    }

    private FullHttpResponse challenge(RequestContext request) {
        FullHttpResponse response = Answers.text(request.channel().alloc(), HttpResponseStatus.UNAUTHORIZED,
                UNAUTHORIZED_TEXT);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + realm + '"');
        return response;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BasicAuth other && realm.equals(other.realm) && users.equals(other.users);
    }

    @Override
    public int hashCode() {
        return Objects.hash(realm, users);
    }

    @Override
    public String toString() {
        return "BasicAuth[realm=" + realm + ", users=" + users.keySet() + ']'; // never the hashes
    }
}
