package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

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
public final class BasicAuth extends PasswordAuth {

    private final SlowHashes slow;

    /** @param users user → hash field, from the first line of each user */
    public BasicAuth(String realm, Map<String, String> users) {
        this(realm, users, SlowHashes.SHARED);
    }

    BasicAuth(String realm, Map<String, String> users, SlowHashes slow) {
        super(realm, users);
        this.slow = requireNonNull(slow, "slow");
    }

    @Override
    public Flow onRequest(RequestContext request) {
        byte[] credentials = credentials(request.request().headers().get(HttpHeaderNames.AUTHORIZATION));
        int colon = indexOf(credentials, (byte) ':');
        if (colon <= 0) { // none, malformed, or an empty user
            return refuse(request);
        }
        String hash = users.get(new String(credentials, 0, colon, StandardCharsets.ISO_8859_1));
        byte[] password = Arrays.copyOfRange(credentials, colon + 1, credentials.length);
        if (hash == null) {
            return refuse(request);
        }
        if (!PasswordHashes.scheme(hash).slow()) {
            return PasswordHashes.matches(hash, password) ? Flow.CONTINUE : refuse(request);
        }
        if (slow.remembered(hash, password)) {
            return Flow.CONTINUE;
        }
        // The verdict comes on a pool thread; the request's state is read on its own loop only.
        boolean queued = slow.check(hash, password, ok -> request.eventLoop().execute(() -> {
            if (request.abandoned()) {
                return;
            }
            if (ok) {
                request.resume();
            } else {
                request.deny(401, challenge(request));
            }
        }));
        if (!queued) {
            request.answer(Answers.status(request.channel().alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE));
            return Flow.ANSWERED;
        }
        return Flow.SUSPENDED;
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

    private Flow refuse(RequestContext request) {
        request.deny(401, challenge(request));
        return Flow.ANSWERED;
    }

    private FullHttpResponse challenge(RequestContext request) {
        return unauthorized(request, "Basic realm=\"" + realm + '"');
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
