package dev.linnet.gateway.split;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.random.RandomGenerator;

/**
 * Linnet's sticky, monotone weighted canary (opt-in, {@code linnet.dev/canary-sticky-*};
 * affinity-spec.md §9, issue 17 §2): the weight draw is replaced by a pure function of a stable
 * user key, so every replica agrees, raising the weight only moves users stable → canary, and
 * lowering it moves them back.
 *
 * <pre>
 *   key    = the configured header or cookie when present, else the assignment cookie
 *            (a new random id when absent: it decides this request and is set on the response)
 *   u      = first 8 bytes, big-endian unsigned, of SHA-256(UTF-8(seed) ‖ 0x00 ‖ UTF-8(key))
 *   canary ⇔ floor(u · total / 2^64) &lt; weight      (only weight/total matters)
 * </pre>
 *
 * @param header the header whose value is the key, or {@code null}
 * @param cookie the cookie whose value is the key, or {@code null}
 * @param seed mixed into the hash (default the canary Ingress's {@code namespace/name}); a seed
 *     shared by several canaries puts the same users on all of them
 * @param assignmentCookie the name of Linnet's assignment cookie
 */
public record StickyCanary(String header, String cookie, String seed, String assignmentCookie) {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    /** The default name of the assignment cookie. */
    public static final String DEFAULT_COOKIE = "linnet_canary_id";

    public StickyCanary {
        requireNonNull(seed, "seed");
        requireNonNull(assignmentCookie, "assignmentCookie");
        if (header != null && cookie != null) {
            throw new IllegalArgumentException("header and cookie: both set (expected: at most one)");
        }
    }

    /** The key this request carries, or {@code null} when a new assignment id must be issued. */
    public String key(SplitRequest request) {
        String v = header != null ? request.header(header) : cookie != null ? request.cookie(cookie) : null;
        if (v != null && !v.isEmpty()) {
            return v;
        }
        v = request.cookie(assignmentCookie);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The unsigned 64-bit position of {@code key} under {@code seed}. */
    public static long position(String seed, String key) {
        MessageDigest sha = SHA_256.get(); // digest() leaves it reset for the next call
        sha.update(seed.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        byte[] d = sha.digest(key.getBytes(StandardCharsets.UTF_8));
        long u = 0;
        for (int i = 0; i < 8; i++) {
            u = u << 8 | d[i] & 0xFF;
        }
        return u;
    }

    /** {@code floor(u · total / 2^64) < weight}: the canary for the lowest weight/total share of positions. */
    public static boolean canary(long u, int weight, int total) {
        if (weight <= 0) {
            return false;
        }
        if (weight >= total) {
            return true;
        }
        long t = total;
        // Java 17 has no Math.unsignedMultiplyHigh: the signed high word, corrected for the sign bits
        long bucket = Math.multiplyHigh(u, t) + ((u >> 63) & t) + ((t >> 63) & u);
        return Long.compareUnsigned(bucket, weight) < 0;
    }

    /** A new assignment id: 128 random bits, base64url without padding. */
    public static String newId(RandomGenerator random) {
        byte[] id = new byte[16];
        for (int i = 0; i < 16; i += 8) {
            long r = random.nextLong();
            for (int k = 0; k < 8; k++) {
                id[i + k] = (byte) (r >>> 8 * k);
            }
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /** The {@code Set-Cookie} value issuing {@code id}. */
    public String setCookie(String id, boolean https) {
        return assignmentCookie + '=' + id + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax" + (https ? "; Secure" : "");
    }
}
