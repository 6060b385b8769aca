package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server nonces for digest authentication that need no server state and cannot be forged: the
 * issue time in seconds and an HMAC-SHA-256 of it and the realm under a key made at start-up,
 * both in hex. A nonce is fresh for {@link #LIFETIME} (nginx-http-auth-digest's
 * {@code auth_digest_timeout} default); an older one that the client used correctly is "stale"
 * (RFC 2617 §3.2.1: the client retries with a new nonce without asking the user again).
 *
 * <p>Not kept: nginx-http-auth-digest's per-nonce request counters ({@code auth_digest_replays}),
 * so a captured request can be replayed within the nonce's lifetime.
 */
public final class DigestNonces {

    public static final Duration LIFETIME = Duration.ofSeconds(60);

    /** The process's nonces (one key for every route and loop). */
    public static final DigestNonces SHARED = new DigestNonces(() -> System.currentTimeMillis() / 1000, LIFETIME);

    private static final int MAC_BYTES = 16;
    private static final HexFormat HEX = HexFormat.of();

    /** What a nonce presented by a client is. */
    enum Verdict { FRESH, STALE, FORGED }

    private final byte[] key = new byte[32];
    private final LongSupplier epochSeconds;
    private final long lifetime;

    DigestNonces(LongSupplier epochSeconds, Duration lifetime) {
        this.epochSeconds = requireNonNull(epochSeconds, "epochSeconds");
        this.lifetime = lifetime.toSeconds();
        new SecureRandom().nextBytes(key);
    }

    String issue(String realm) {
        long now = epochSeconds.getAsLong();
        return HEX.toHexDigits(now) + HEX.formatHex(mac(now, realm));
    }

    Verdict check(String nonce, String realm) {
        if (nonce.length() != 16 + 2 * MAC_BYTES) {
            return Verdict.FORGED;
        }
        long issued;
        byte[] presented;
        try {
            issued = HEX.fromHexDigitsToLong(nonce, 0, 16);
            presented = HEX.parseHex(nonce, 16, nonce.length());
        } catch (IllegalArgumentException e) {
            return Verdict.FORGED;
        }
        if (!MessageDigest.isEqual(presented, mac(issued, realm))) {
            return Verdict.FORGED;
        }
        long age = epochSeconds.getAsLong() - issued;
        return age >= 0 && age <= lifetime ? Verdict.FRESH : Verdict.STALE;
    }

    private byte[] mac(long issued, String realm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(Long.BYTES).putLong(0, issued));
            mac.update(realm.getBytes(StandardCharsets.ISO_8859_1));
            byte[] full = mac.doFinal();
            byte[] cut = new byte[MAC_BYTES];
            System.arraycopy(full, 0, cut, 0, MAC_BYTES);
            return cut;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }
}
