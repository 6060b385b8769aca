package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.Cors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code enable-cors} and the {@code cors-*} keys (annotations-spec.md §1.1): the {@link Cors}
 * policy. ingress-nginx's parser never fails, so CORS never drops or denies an Ingress: an invalid
 * value is its key's default, with a warning.
 */
public final class CorsAnnotations {

    static final String DEFAULT_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
    static final String DEFAULT_HEADERS = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,"
            + "Cache-Control,Content-Type,Range,Authorization";
    static final long DEFAULT_MAX_AGE = 1728000;

    // ingress-nginx's validators, spaces removed first; possessive so that a long invalid value
    // cannot make the matcher backtrack (the originals nest optional quantifiers). Their \s is a
    // blank here: a CR or LF would end the response head inside the header's value.
    private static final ValueType<String> METHODS = new ValueType.CheckedString(
            Pattern.compile("(?:[A-Za-z]++,?+[ \\t]?+)++"), true, "method names separated by commas, e.g. GET, POST");
    private static final ValueType<String> EXPOSE = new ValueType.CheckedString(
            Pattern.compile("(?:(?:[A-Za-z0-9\\-_]++|\\*),?+[ \\t]?+)++"), true,
            "header names or * separated by commas");
    /** One origin of the list: a lowercase scheme is required, one leading {@code *.}, a port, no path. */
    private static final Pattern ORIGIN = Pattern.compile("[a-z]+://(\\*\\.)?[A-Za-z0-9\\-.]*(:\\d+)?|\\*|null");

    public static final AnnotationKey<Boolean> ENABLE = AnnotationKey.prefixed("enable-cors", ValueType.BOOL, false,
            "answer CORS preflights (204) and add the Access-Control-* headers to every response");
    public static final AnnotationKey<String> ALLOW_ORIGIN = AnnotationKey.prefixed("cors-allow-origin",
            ValueType.VERBATIM, "*", "comma-separated origins (scheme://host[:port], one *. label allowed), or *");
    public static final AnnotationKey<String> ALLOW_METHODS = AnnotationKey.prefixed("cors-allow-methods", METHODS,
            DEFAULT_METHODS, "Access-Control-Allow-Methods, sent as written");
    public static final AnnotationKey<String> ALLOW_HEADERS = AnnotationKey.prefixed("cors-allow-headers",
            ValueType.HEADER_LIST, DEFAULT_HEADERS, "Access-Control-Allow-Headers, sent as written");
    public static final AnnotationKey<Boolean> ALLOW_CREDENTIALS = AnnotationKey.prefixed("cors-allow-credentials",
            ValueType.BOOL, true, "send Access-Control-Allow-Credentials: true");
    public static final AnnotationKey<String> EXPOSE_HEADERS = AnnotationKey.prefixed("cors-expose-headers", EXPOSE,
            "", "Access-Control-Expose-Headers, sent as written (empty: not sent)");
    public static final AnnotationKey<Long> MAX_AGE = AnnotationKey.prefixed("cors-max-age", ValueType.INT,
            DEFAULT_MAX_AGE, "Access-Control-Max-Age in seconds");

    public static final List<AnnotationKey<?>> KEYS = List.of(ENABLE, ALLOW_ORIGIN, ALLOW_METHODS, ALLOW_HEADERS,
            ALLOW_CREDENTIALS, EXPOSE_HEADERS, MAX_AGE);

    private CorsAnnotations() {
    }

    /** The policy, or {@code null} when CORS is off (not enabled, or no origin of the list is usable). */
    public static Cors parse(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        if (!ENABLE.read(annotations, prefix, warnings)) {
            return null;
        }
        List<String> origins = origins(annotations, prefix, warnings);
        if (origins.isEmpty()) {
            return null;
        }
        return new Cors(origins, orDefault(ALLOW_METHODS.read(annotations, prefix, warnings), DEFAULT_METHODS),
                orDefault(ALLOW_HEADERS.read(annotations, prefix, warnings), DEFAULT_HEADERS),
                ALLOW_CREDENTIALS.read(annotations, prefix, warnings), EXPOSE_HEADERS.read(annotations, prefix, warnings),
                MAX_AGE.read(annotations, prefix, warnings));
    }

    /**
     * ingress-nginx's origin list: absent, blank or failing the list validator gives {@code *}; an
     * item {@code *} makes the whole list {@code *}; items that are not origins are skipped; no item
     * left means CORS is off.
     */
    static List<String> origins(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        String raw = ALLOW_ORIGIN.raw(annotations, prefix);
        if (raw == null || raw.isBlank()) {
            return List.of("*");
        }
        if (!validList(raw.replace(" ", ""))) {
            warnings.accept(ALLOW_ORIGIN.describe(prefix, raw) + " is invalid (expected: origins such as"
                    + " https://a.example.com, http://*.example.com:8080 or *, separated by commas; lower-case"
                    + " scheme, no path); using \"*\": every origin is allowed, as ingress-nginx does");
            return List.of("*");
        }
        List<String> origins = new ArrayList<>();
        for (String part : raw.split(",")) {
            String origin = part.strip();
            if (origin.equals("*")) {
                return List.of("*");
            }
            if (origin.isEmpty()) {
                continue;
            }
            if (ORIGIN.matcher(origin).matches()) {
                origins.add(origin);
            } else {
                warnings.accept(ALLOW_ORIGIN.describe(prefix, raw) + ": origin " + AnnotationKey.quote(origin)
                        + " is invalid (expected: scheme://host[:port] with a lower-case scheme); skipped");
            }
        }
        if (origins.isEmpty()) {
            warnings.accept(ALLOW_ORIGIN.describe(prefix, raw) + " has no usable origin; CORS is off for this"
                    + " Ingress, as in ingress-nginx");
        }
        return origins;
    }

    /**
     * ingress-nginx's whole-list validator
     * {@code ^((((([a-z]+://)?(\*\.)?[A-Za-z0-9\-.]*(:\d+)?,?)|null)+)|\*)?$}, without its
     * backtracking: its items may run together, so the language is local rules on the characters
     * (a {@code /} only in a {@code ://} after a lower-case letter, a {@code :} before digits or
     * that {@code //}, a {@code *} before a {@code .}).
     */
    static boolean validList(String s) {
        if (s.equals("*")) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == ',') {
                continue;
            }
            if (c == '*') {
                if (!s.startsWith(".", i + 1)) {
                    return false;
                }
            } else if (c == ':') {
                if (s.startsWith("//", i + 1)) {
                    if (i == 0 || s.charAt(i - 1) < 'a' || s.charAt(i - 1) > 'z') {
                        return false;
                    }
                    i += 2;
                } else if (i + 1 >= s.length() || s.charAt(i + 1) < '0' || s.charAt(i + 1) > '9') {
                    return false;
                }
            } else {
                return false; // a '/' outside "://", or any other character
            }
        }
        return true;
    }

    private static String orDefault(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
