package dev.linnet.gateway.policy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.commons.codec.digest.UnixCrypt;

/**
 * The htpasswd hash schemes ingress-nginx's image accepts (auth-limits-spec.md §2): nginx's own
 * {@code ngx_crypt} ({@code $apr1$}, {@code {PLAIN}}, {@code {SHA}}, {@code {SSHA}}) and musl's
 * {@code crypt()} ({@code $1$}, {@code $5$}, {@code $6$}, bcrypt, 13-character DES). The prefix is
 * matched here, case-sensitively as nginx's {@code strncmp}, because commons-codec's own dispatcher
 * knows neither apr1 nor bcrypt. Anything else ({@code $y$}, scrypt, Argon2, BSDi {@code _} DES,
 * an empty hash) never matches, as a {@code crypt()} that fails never equals the stored field.
 *
 * <p>Hashes and passwords are handled as bytes (ISO-8859-1 strings map them one to one): nginx
 * compares bytes, whatever their encoding. Every comparison is constant-time.
 */
public final class PasswordHashes {

    /** How a stored hash is checked, and whether that is too slow for an event loop. */
    public enum Scheme {
        PLAIN(false), SHA(false), SSHA(false), DES(false),
        APR1(true), MD5_CRYPT(true), SHA256_CRYPT(true), SHA512_CRYPT(true), BCRYPT(true),
        /** Never matches. */
        UNSUPPORTED(false);

        private final boolean slow;

        Scheme(boolean slow) {
            this.slow = slow;
        }

        /**
         * Whether checking costs more than a few microseconds (iterated hashes: 1000 MD5 rounds for
         * apr1, 5000+ for SHA-crypt, 2^cost for bcrypt), so it runs off the event loop.
         */
        public boolean slow() {
            return slow;
        }
    }

    /** bcrypt reads at most 72 key bytes (OpenBSD and musl truncate longer passwords, never reject them). */
    private static final int BCRYPT_MAX_KEY = 72;
    private static final int SHA1_LENGTH = 20;
    private static final BCrypt.Verifyer BCRYPT = BCrypt.verifyer(null, LongPasswordStrategies.none());

    private PasswordHashes() {
    }

    public static Scheme scheme(String hash) {
        if (hash.startsWith("{PLAIN}")) {
            return Scheme.PLAIN;
        } else if (hash.startsWith("{SHA}")) {
            return Scheme.SHA;
        } else if (hash.startsWith("{SSHA}")) {
            return Scheme.SSHA;
        } else if (hash.startsWith("$apr1$")) {
            return Scheme.APR1;
        } else if (hash.startsWith("$1$")) {
            return Scheme.MD5_CRYPT;
        } else if (hash.startsWith("$5$")) {
            return Scheme.SHA256_CRYPT;
        } else if (hash.startsWith("$6$")) {
            return Scheme.SHA512_CRYPT;
        } else if (hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")
                || hash.startsWith("$2x$")) {
            return Scheme.BCRYPT;
        } else if (hash.length() == 13 && isDesAlphabet(hash)) {
            return Scheme.DES;
        }
        return Scheme.UNSUPPORTED;
    }

    /**
     * Whether {@code password} (raw bytes) matches {@code hash} (an htpasswd field, ISO-8859-1).
     * {@code password} is left as it was: the libraries get a copy, since commons-codec's crypt
     * functions zero the key they are given.
     */
    public static boolean matches(String hash, byte[] original) {
        byte[] password = original.clone();
        try {
            return switch (scheme(hash)) {
                case PLAIN -> equal(hash.substring("{PLAIN}".length()), password);
                case SHA -> equal(hash.substring("{SHA}".length()),
                        Base64.getEncoder().encode(DigestUtils.sha1(password)));
                case SSHA -> ssha(hash.substring("{SSHA}".length()), password);
                case DES -> equal(hash, UnixCrypt.crypt(password, hash.substring(0, 2)));
                case APR1 -> equal(hash, Md5Crypt.apr1Crypt(password, hash));
                case MD5_CRYPT -> equal(hash, Md5Crypt.md5Crypt(password, hash));
                case SHA256_CRYPT -> equal(hash, Sha2Crypt.sha256Crypt(password, hash));
                case SHA512_CRYPT -> equal(hash, Sha2Crypt.sha512Crypt(password, hash));
                case BCRYPT -> BCRYPT.verify(Arrays.copyOf(password, Math.min(password.length, BCRYPT_MAX_KEY)),
                        hash.getBytes(StandardCharsets.ISO_8859_1)).verified;
                case UNSUPPORTED -> false;
            };
        } catch (IllegalArgumentException e) {
            return false; // a malformed salt or field: crypt() fails, which never equals the stored hash
        }
    }

    /** {@code {SSHA}}: base64(SHA-1(password ‖ salt) ‖ salt). */
    private static boolean ssha(String encoded, byte[] password) {
        byte[] stored = Base64.getDecoder().decode(encoded);
        if (stored.length < SHA1_LENGTH) {
            return false;
        }
        MessageDigest sha1 = DigestUtils.getSha1Digest();
        sha1.update(password);
        sha1.update(stored, SHA1_LENGTH, stored.length - SHA1_LENGTH);
        return MessageDigest.isEqual(sha1.digest(), Arrays.copyOf(stored, SHA1_LENGTH));
    }

    private static boolean equal(String stored, String computed) {
        return equal(stored, computed.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean equal(String stored, byte[] computed) {
        return MessageDigest.isEqual(stored.getBytes(StandardCharsets.ISO_8859_1), computed);
    }

    private static boolean isDesAlphabet(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '/')) {
                return false;
            }
        }
        return true;
    }
}
