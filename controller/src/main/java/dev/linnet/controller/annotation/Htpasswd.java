package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.PasswordHashes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * htpasswd and htdigest files, read once at build time into user → hash maps with the rules nginx
 * applies per request ({@code ngx_http_auth_basic_handler}; auth-limits-spec.md §2): lines that
 * start with {@code #} or CR are skipped, the user field runs to the first {@code :} and is
 * compared byte for byte, the hash runs to the next {@code :}, CR, LF or the end, and the
 * <em>first</em> line of a user wins. Text is ISO-8859-1 so that every byte keeps its value.
 *
 * <p>Warnings name the user, never the hash.
 */
final class Htpasswd {

    private static final Pattern HA1 = Pattern.compile("[0-9a-fA-F]{32}");
    /**
     * Above this (ingress-nginx's e2e Secrets use 14), a bcrypt check takes seconds: one user's
     * logins can then keep the gateway's few password threads busy for every Ingress. Warned
     * about, still served: nginx would compute it too (blocking a whole worker meanwhile).
     */
    static final int MAX_QUICK_BCRYPT_COST = 14;

    private Htpasswd() {
    }

    static String text(byte[] file) {
        return new String(file, StandardCharsets.ISO_8859_1);
    }

    /** {@code user:hash[:anything]} lines; users whose hash no scheme reads are warned about and kept (they never match). */
    static Map<String, String> basic(String file, String where, Consumer<String> warnings) {
        Map<String, String> users = new HashMap<>();
        for (String line : file.split("\n", -1)) {
            String[] f = fields(line, 2);
            if (f == null || users.containsKey(f[0])) {
                continue;
            }
            users.put(f[0], f[1]);
            int cost = bcryptCost(f[1]);
            if (cost > MAX_QUICK_BCRYPT_COST) {
                warnings.accept(where + ": user " + AnnotationKey.quote(f[0]) + " has a bcrypt hash of cost " + cost
                        + " (expected: at most " + MAX_QUICK_BCRYPT_COST + "); each check takes about "
                        + (1L << (cost - 10)) / 10.0 + " s on the gateway's shared password threads");
            }
            if (PasswordHashes.scheme(f[1]) == PasswordHashes.Scheme.UNSUPPORTED) {
                warnings.accept(where + ": user " + AnnotationKey.quote(f[0]) + " has " + describe(f[1])
                        + " (expected: $apr1$, $1$, $5$, $6$, $2a$/$2b$/$2y$ bcrypt, 13-character DES, {SHA}, {SSHA}"
                        + " or {PLAIN}); that user can never log in");
            }
        }
        return Map.copyOf(users);
    }

    /** htdigest {@code user:realm:HA1} lines of {@code realm}; HA1 in lower-case hex. */
    static Map<String, String> digest(String file, String realm, String where, Consumer<String> warnings) {
        Map<String, String> users = new HashMap<>();
        for (String line : file.split("\n", -1)) {
            String[] f = fields(line, 3);
            if (f == null || !f[1].equals(realm) || users.containsKey(f[0])) {
                continue;
            }
            if (!HA1.matcher(f[2]).matches()) {
                warnings.accept(where + ": user " + AnnotationKey.quote(f[0]) + " of realm " + AnnotationKey.quote(realm)
                        + " has no valid digest (expected: 32 hex digits of MD5(user:realm:password), as htdigest"
                        + " writes); that user can never log in");
                continue;
            }
            users.put(f[0], f[2].toLowerCase(Locale.ROOT));
        }
        if (users.isEmpty()) {
            warnings.accept(where + " has no htdigest line of realm " + AnnotationKey.quote(realm)
                    + " (expected: user:realm:HA1 lines); nobody can log in");
        }
        return Map.copyOf(users);
    }

    /** The first {@code n} colon-separated fields of a line; the last ends at {@code :} or CR; null for a skipped line. */
    private static String[] fields(String line, int n) {
        if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '\r') {
            return null;
        }
        String[] out = new String[n];
        int start = 0;
        for (int i = 0; i < n - 1; i++) {
            int colon = line.indexOf(':', start);
            if (colon < 0) {
                return null;
            }
            out[i] = line.substring(start, colon);
            start = colon + 1;
        }
        int end = start;
        while (end < line.length() && line.charAt(end) != ':' && line.charAt(end) != '\r') {
            end++;
        }
        out[n - 1] = line.substring(start, end);
        return out;
    }

    /** The cost of a {@code $2?$NN$} hash, or -1. */
    private static int bcryptCost(String hash) {
        if (PasswordHashes.scheme(hash) != PasswordHashes.Scheme.BCRYPT || hash.length() < 7 || hash.charAt(6) != '$'
                || !Character.isDigit(hash.charAt(4)) || !Character.isDigit(hash.charAt(5))) {
            return -1;
        }
        return Integer.parseInt(hash, 4, 6, 10);
    }

    private static String describe(String hash) {
        if (hash.isEmpty()) {
            return "an empty password hash";
        }
        if (hash.startsWith("_")) {
            return "a BSDi extended DES hash, which Linnet cannot check";
        }
        int end = hash.indexOf('$', 1);
        return hash.startsWith("$") && end > 0
                ? "an unsupported password hash scheme " + hash.substring(0, end + 1)
                : "an unsupported password hash scheme";
    }
}
