package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.linnet.gateway.policy.PasswordHashes.Scheme;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.apache.commons.codec.digest.UnixCrypt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every htpasswd scheme of auth-limits-spec.md §2, from fixed vectors and from the libraries. */
class PasswordHashesTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Vectors made outside Java, password {@code secret} unless given: {@code openssl passwd
     * -apr1|-1|-5|-6 -salt saltsalt secret} (OpenSSL 3.0), glibc/libxcrypt {@code crypt()} through
     * Perl for {@code rounds=} and DES ({@code crypt("test","ab")}), Python's hashlib for
     * {@code {SHA}} and {@code {SSHA}} (salt {@code NaCl}), and bcrypt's published test vectors
     * (Openwall crypt_blowfish {@code wrapper.c}: {@code U*U}, {@code U*U*}).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "APR1|$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0|secret",
        "MD5_CRYPT|$1$saltsalt$9xy1btjgzLYfb7hivXtC//|secret",
        "SHA256_CRYPT|$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA|secret",
        "SHA256_CRYPT|$5$rounds=1000$saltsalt$eKLZU9t9OoPWrqOQsoTIKG0aYkZ5rGOoOQhiIvoSWX2|secret",
        "SHA512_CRYPT|$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1|secret",
        "DES|abgOeLfPimXQo|test",
        "SHA|{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=|secret",
        "SSHA|{SSHA}dj2lH1ocucmj5OQsjP6mQrVx6FhOYUNs|secret",
        "PLAIN|{PLAIN}secret|secret",
        "BCRYPT|$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW|U*U",
        "BCRYPT|$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK|U*U*",
    })
    void knownVectorsMatchTheirPasswordOnly(Scheme scheme, String hash, String password) {
        assertThat(PasswordHashes.scheme(hash)).isEqualTo(scheme);
        assertThat(PasswordHashes.matches(hash, bytes(password))).isTrue();
        assertThat(PasswordHashes.matches(hash, bytes(password + "x"))).isFalse();
        assertThat(PasswordHashes.matches(hash, bytes(""))).isFalse();
    }

    @Test
    void hashesMadeByTheLibrariesMatch() {
        byte[] pw = bytes("bar");
        // commons-codec zeroes the key it is given: each hash gets its own copy
        String[] hashes = {
            Md5Crypt.apr1Crypt(pw.clone(), "$apr1$abcdefgh"),
            Md5Crypt.md5Crypt(pw.clone(), "$1$abcdefgh"),
            Sha2Crypt.sha256Crypt(pw.clone(), "$5$rounds=5000$abcdefghijklmnop"),
            Sha2Crypt.sha512Crypt(pw.clone()),
            UnixCrypt.crypt(pw.clone(), "zz"),
            new String(BCrypt.with(BCrypt.Version.VERSION_2A).hash(4, pw.clone()), StandardCharsets.ISO_8859_1),
            new String(BCrypt.with(BCrypt.Version.VERSION_2B).hash(4, pw.clone()), StandardCharsets.ISO_8859_1),
            new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(4, pw.clone()), StandardCharsets.ISO_8859_1),
            new String(BCrypt.with(BCrypt.Version.VERSION_2X).hash(4, pw.clone()), StandardCharsets.ISO_8859_1),
        };
        for (String hash : hashes) {
            assertThat(PasswordHashes.scheme(hash)).as(hash).isNotEqualTo(Scheme.UNSUPPORTED);
            assertThat(PasswordHashes.matches(hash, pw)).as(hash).isTrue();
            assertThat(PasswordHashes.matches(hash, bytes("baz"))).as(hash).isFalse();
        }
    }

    /** A check must not zero the password (commons-codec does to its input): the cache keys on it afterwards. */
    @Test
    void checkingLeavesThePasswordAsItWas() {
        byte[] pw = bytes("secret");
        assertThat(PasswordHashes.matches("$apr1$saltsalt$LrttParrLPdxvgutaSXWJ0", pw)).isTrue();
        assertThat(PasswordHashes.matches("$6$saltsalt$x", pw)).isFalse();
        assertThat(PasswordHashes.matches("abgOeLfPimXQo", pw)).isFalse();
        assertThat(pw).isEqualTo(bytes("secret"));
    }

    /** OpenBSD and musl read at most 72 bytes of a bcrypt key: longer passwords are cut, not refused. */
    @Test
    void bcryptTruncatesLongPasswordsAt72Bytes() {
        byte[] long80 = new byte[80];
        Arrays.fill(long80, (byte) 'a');
        String hash = new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(4, Arrays.copyOf(long80, 72)),
                StandardCharsets.ISO_8859_1);
        assertThat(PasswordHashes.matches(hash, long80)).isTrue();
        long80[71] = 'b';
        assertThat(PasswordHashes.matches(hash, long80)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "_J9..saltLXKE4peqNCg|secret",   // BSDi extended DES (libxcrypt reads it, musl too, Java nothing)
        "$y$j9T$salt$hash|secret",       // yescrypt
        "$7$CU..../....salt$hash|secret", // scrypt
        "{SHA256}K7gNU3sdo+OL0wNhqoVWhr3g6s1xYv72ol/pe/Unols=|secret",
        "''|''",                         // foo: with an empty hash (A8)
        "secret|secret",                 // plain text without {PLAIN}
    })
    void unsupportedSchemesNeverMatch(String hash, String password) {
        assertThat(PasswordHashes.scheme(hash)).isEqualTo(Scheme.UNSUPPORTED);
        assertThat(PasswordHashes.matches(hash, bytes(password))).isFalse();
    }

    @Test
    void malformedHashesOfAKnownSchemeNeverMatchNorThrow() {
        for (String hash : new String[] {"$apr1$", "$1$!!!", "$5$", "$2y$04$short", "{SSHA}AA==", "{SSHA}***",
                "{SHA}", "$2b$99$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"}) {
            assertThat(PasswordHashes.matches(hash, bytes(""))).as(hash).isFalse();
        }
    }

    @Test
    void slowSchemesAreTheIteratedOnes() {
        assertThat(Arrays.stream(Scheme.values()).filter(Scheme::slow))
                .containsExactly(Scheme.APR1, Scheme.MD5_CRYPT, Scheme.SHA256_CRYPT, Scheme.SHA512_CRYPT, Scheme.BCRYPT);
    }
}
