package dev.linnet.controller.annotation;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How one annotation value is read: its validator and parser in one, as ingress-nginx's
 * {@code parser} package pairs a {@code Validator} with {@code GetBoolAnnotation} and friends.
 * {@link #parse} returns {@code null} for an invalid value; the caller then warns and uses the
 * key's default.
 */
public interface ValueType<T> {

    /** The parsed value, or {@code null} when {@code raw} is invalid. */
    T parse(String raw);

    /** What a valid value looks like, for the warning: {@code ... (expected: <this>)}. */
    String expected();

    /** A value as warnings name it (e.g. the ConfigMap's default they fall back to). */
    default String show(T value) {
        return value instanceof String s ? WarningValue.quote(s) : String.valueOf(value);
    }

    /**
     * Go's {@code strconv.ParseBool}: exactly these twelve spellings, no trimming, so
     * {@code " true"} is invalid (canary-spec.md §1).
     */
    ValueType<Boolean> BOOL = new ValueType<>() {
        @Override
        public Boolean parse(String raw) {
            return switch (raw) {
                case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
                case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
                default -> null;
            };
        }

        @Override
        public String expected() {
            return "true or false";
        }
    };

    /** nginx's {@code on} / {@code off} flag, case-sensitive as ingress-nginx validates it. */
    ValueType<Boolean> ON_OFF = twoWords("on", "off", false);

    /**
     * A flag spelled as one of two words, case-sensitive: {@code yes} is true, {@code no} false;
     * {@code trim}: surrounding whitespace is ignored (ingress-nginx's {@code ValidateOptions}).
     */
    static ValueType<Boolean> twoWords(String yes, String no, boolean trim) {
        return new ValueType<>() {
            @Override
            public Boolean parse(String raw) {
                String v = trim ? raw.strip() : raw;
                return v.equals(yes) ? Boolean.TRUE : v.equals(no) ? Boolean.FALSE : null;
            }

            @Override
            public String expected() {
                return yes + " or " + no;
            }

            @Override
            public String show(Boolean value) {
                return value ? yes : no;
            }
        };
    }

    /**
     * Go's {@code strconv.Atoi} on a 64-bit platform: an optional {@code +} or {@code -}, then
     * ASCII digits only (no trimming, no decimals, no underscores), within the range of a Go
     * {@code int} (int64); out of range is an error, as Atoi's {@code ErrRange}.
     */
    ValueType<Long> INT = new ValueType<>() {
        @Override
        public Long parse(String raw) {
            int i = 0;
            boolean negative = false;
            if (!raw.isEmpty() && (raw.charAt(0) == '+' || raw.charAt(0) == '-')) {
                negative = raw.charAt(0) == '-';
                i = 1;
            }
            if (i == raw.length()) {
                return null;
            }
            // Accumulate negatively so that Long.MIN_VALUE is representable, as in Long.parseLong.
            long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
            long result = 0;
            for (; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c < '0' || c > '9') {
                    return null; // also rejects non-ASCII digits that Character.digit would accept
                }
                int digit = c - '0';
                if (result < limit / 10 || result * 10 < limit + digit) {
                    return null;
                }
                result = result * 10 - digit;
            }
            return negative ? result : -result;
        }

        @Override
        public String expected() {
            return "an integer";
        }
    };

    /**
     * ingress-nginx's proxy timeouts: an integer number of seconds ({@code GetIntAnnotation},
     * then {@code proxy_*_timeout <n>s}). Zero and negative values would give nginx a broken
     * or zero timeout, so they are invalid here.
     */
    ValueType<Duration> SECONDS = new ValueType<>() {
        @Override
        public Duration parse(String raw) {
            Long n = INT.parse(raw);
            return n == null || n <= 0 || n > Integer.MAX_VALUE ? null : Duration.ofSeconds(n);
        }

        @Override
        public String expected() {
            return "a positive integer number of seconds, e.g. 30";
        }
    };

    /** nginx's size syntax ({@link NginxSize}), in bytes. */
    ValueType<Long> SIZE = new ValueType<>() {
        @Override
        public Long parse(String raw) {
            long n = NginxSize.parse(raw);
            return n < 0 ? null : n;
        }

        @Override
        public String expected() {
            return NginxSize.EXPECTED;
        }
    };

    /** A count that may be 0 (nginx's "no limit" for {@code proxy_next_upstream_tries}). */
    ValueType<Integer> COUNT = new ValueType<>() {
        @Override
        public Integer parse(String raw) {
            Long n = INT.parse(raw);
            return n == null || n < 0 || n > Integer.MAX_VALUE ? null : n.intValue();
        }

        @Override
        public String expected() {
            return "an integer >= 0 (0: every endpoint once)";
        }
    };

    /**
     * A URI path template for {@code rewrite-target}: printable ASCII without spaces, quotes,
     * braces, backslashes or {@code #}; {@code $1}..{@code $9} name capture groups. Looser than
     * ingress-nginx's validator where that one would reject a query string, stricter where a
     * character could never be part of a request target.
     */
    // A target that starts with http://, https:// or $scheme is a redirect in nginx's rewrite (a
    // 302), which Linnet does not do: refused with a warning rather than proxied as a path.
    ValueType<String> URI_TEMPLATE = new CheckedString(
            Pattern.compile("(?!(?i:https?://|\\$scheme))[A-Za-z0-9\\-._~/:$&?=%+@!,;*()']*"), false,
            "a path such as /$1 or /app/$2 (letters, digits and - . _ ~ / : $ & ? = % + @ ! , ; * ( ) ' only;"
                    + " not a URL, which ingress-nginx turns into a redirect)");

    /**
     * One of {@code choices}, case-sensitive, after trimming (ingress-nginx's string validators
     * for {@code affinity}, {@code affinity-mode}, {@code affinity-canary-behavior}); empty is
     * the key's default.
     */
    static ValueType<String> oneOf(String... choices) {
        java.util.List<String> allowed = java.util.List.of(choices);
        return new ValueType<>() {
            @Override
            public String parse(String raw) {
                String v = raw.strip();
                return v.isEmpty() || allowed.contains(v) ? v : null;
            }

            @Override
            public String expected() {
                return String.join(" or ", allowed);
            }
        };
    }

    /** Any value, as written; used for the Kubernetes-owned keys that are compared verbatim. */
    ValueType<String> VERBATIM = new ValueType<>() {
        @Override
        public String parse(String raw) {
            return raw;
        }

        @Override
        public String expected() {
            return "any string";
        }
    };

    /**
     * ingress-nginx's {@code BasicCharsRegex} validator with {@code removeSpace=true}: spaces
     * are removed before the check, then the value must be letters, digits and
     * {@code / - . _ ~ :}; so {@code , = ; *} and {@code \r \n} are rejected.
     */
    ValueType<String> BASIC_CHARS = new CheckedString(
            Pattern.compile("[/\\-._~a-zA-Z0-9:]*"), true,
            "letters, digits and / - . _ ~ : only");

    /**
     * ingress-nginx's {@code IsValidRegex} validator: spaces are <em>not</em> removed, so a space
     * is invalid, as are {@code , ! #}. The pattern is not compiled here.
     */
    ValueType<String> REGEX_CHARS = new CheckedString(
            Pattern.compile("[/\\-._~a-zA-Z0-9:^$\\[\\](){}*+?|&=\\\\]*"), false,
            "a regular expression of letters, digits and / - . _ ~ : ^ $ [ ] ( ) { } * + ? | & = \\ only, no spaces");

    /** ingress-nginx's {@code URLWithNginxVariableRegex}: letters, digits, {@code - . _ ~ / : , ? & = $} and spaces. */
    ValueType<String> URL_WITH_VARIABLES = new CheckedString(
            Pattern.compile("[/\\-._~a-zA-Z0-9:, ?&=$]*"), true,
            "a URL of letters, digits and - . _ ~ / : , ? & = $ only (no % # { } ; @ quotes)");

    /** ingress-nginx's {@code URLIsValidRegex}: as above without {@code $} (no variables). */
    ValueType<String> URL_CHARS = new CheckedString(
            Pattern.compile("[/\\-._~a-zA-Z0-9:,?&=]*"), true,
            "letters, digits and - . _ ~ / : , ? & = only (no $ variables)");

    /** ingress-nginx's {@code HeadersVariable}: a comma-separated list of header names. */
    ValueType<String> HEADER_LIST = new CheckedString(
            Pattern.compile("[A-Za-z0-9\\-_, ]*"), false,
            "header names separated by commas (letters, digits, - and _)");

    /** ingress-nginx's {@code NGINXVariable}: letters, digits, {@code - _ $ { }}. */
    ValueType<String> NGINX_VARIABLE = new CheckedString(
            Pattern.compile("[A-Za-z0-9\\-_${}]*"), false,
            "letters, digits, - _ and $variables only");

    /** ingress-nginx's {@code ExtendedCharsRegex}: BasicChars, {@code ,} and spaces. */
    ValueType<String> EXTENDED_CHARS = new CheckedString(
            Pattern.compile("[/\\-._~a-zA-Z0-9:, ]*"), false,
            "letters, digits, spaces and / - . _ ~ : , only");

    /**
     * A string annotation as ingress-nginx's {@code GetStringAnnotation} reads it: the validator
     * runs on the raw value (never on an empty one), then each line is trimmed; a value that is
     * empty after trimming is simply {@code ""}, not an error (canary-spec.md §1, "Trimming").
     */
    final class CheckedString implements ValueType<String> {
        private final Pattern allowed;
        private final boolean removeSpaces;
        private final String expected;

        CheckedString(Pattern allowed, boolean removeSpaces, String expected) {
            this.allowed = allowed;
            this.removeSpaces = removeSpaces;
            this.expected = expected;
        }

        @Override
        public String parse(String raw) {
            if (raw.isEmpty()) {
                return "";
            }
            String checked = removeSpaces ? raw.replace(" ", "") : raw;
            // The character classes exclude \r and \n, which ingress-nginx rejects explicitly.
            if (!allowed.matcher(checked).matches()) {
                return null;
            }
            return raw.strip();
        }

        @Override
        public String expected() {
            return expected;
        }
    }
}
