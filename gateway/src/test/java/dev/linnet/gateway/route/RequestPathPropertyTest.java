package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.Gen;
import dev.linnet.gateway.testing.PropertyCheck;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link RequestPath} (issue 14 item 12). Paths are ISO-8859-1 strings, one
 * character per byte, as the decoder reads a request line; the generator is biased towards the
 * characters that matter ({@code / . %} and hex digits).
 */
class RequestPathPropertyTest {

    private static final Gen<String> PATHS = Gen.joined(Gen.oneOf(
            Gen.of("/", "/", "//", ".", "..", "/./", "/../", "%", "%2e", "%2E", "%2f", "%2F", "%25", "%00", "%0",
                    "%zz", "%61", "a", "b", "admin", "?", "#", "\\", ";", "%C3%A9", "é", " "),
            Gen.chars('\u0000', '\u00ff').map(String::valueOf)), 24);

    private static final Gen<String> ABSOLUTE_PATHS = PATHS.map(p -> "/" + p);

    /** Empty, the dot segments at the start, middle and end, encoded dots and slashes, bad escapes. */
    private static final List<String> PATH_EDGES = List.of("", "/", "//", "/.", "/..", "/./", "/../", "/...",
            "/a/..", "/a/../", "/a/../..", "/../a", "/a/./b", "/a//b", "/%2e", "/%2e%2e", "/%2E%2e/", "/a/%2e%2e/b",
            "/.%2e/", "/%2f", "/a%2f..%2fb", "/%", "/%2", "/%zz", "/%00", "/a%00b", "/%25", "/%252e%252e/",
            "/%61dmin", "/a?b/../c", "/a#/../b", "/a\\..\\b", "/%C3%A9", "/é", "/\u0000", "/\u00ff", "a", "..",
            "/a;b/..;/c", "/ ");

    @Test
    void neverThrowsForAnyString() {
        PropertyCheck.forAll(PATHS).edgeCases(PATH_EDGES).check(1000, RequestPath::normalise);
    }

    @Test
    void neverThrowsForAnyUnicodeString() {
        PropertyCheck.forAll(Gen.strings(Gen.anyChar(), 0, 40)).edgeCases("\uD800", "/\uDC00", "\u2028", "\uFFFF")
                .check(300, path -> {
                    RequestPath.normalise(path);
                    RequestPath.normalise("/" + path);
                });
    }

    @Test
    void aNormalisedPathIsRootedAndHasNoEmptyDotOrDotDotSegment() {
        PropertyCheck.forAll(ABSOLUTE_PATHS).edgeCases(absoluteEdges()).check(1000, path -> {
            String n = RequestPath.normalise(path);
            if (n == null) {
                return; // nginx answers 400
            }
            assertThat(n).startsWith("/").doesNotContain("//").doesNotContain("/./").doesNotContain("/../");
            assertThat(n).doesNotEndWith("/.").doesNotEndWith("/..");
        });
    }

    /**
     * Idempotent as far as nginx is: it decodes once, so a {@code %} that came from {@code %25}
     * would be decoded again on a second pass; every other normalised path is a fixed point.
     */
    @Test
    void normalisingTwiceChangesNothing() {
        PropertyCheck.forAll(ABSOLUTE_PATHS).edgeCases(absoluteEdges()).check(1000, path -> {
            String n = RequestPath.normalise(path);
            if (n == null || n.indexOf('%') >= 0) {
                return;
            }
            assertThat(RequestPath.normalise(n)).isEqualTo(n);
        });
    }

    /** A path, which of its characters to percent-encode (bit i for character i), and the hex case. */
    record Encoding(String path, long mask, boolean lowerHex) {
        static final Gen<Encoding> GEN = random -> new Encoding(ABSOLUTE_PATHS.next(random),
                Gen.anyLong().next(random), random.nextBoolean());
    }

    /**
     * {@code /%61dmin} routes as {@code /admin}: percent-encoding any characters of a path
     * (slashes and dots included, as nginx's state machine sees decoded ones) normalises to the
     * same path. {@code %} and NUL are left out: {@code %25} decodes to a literal {@code %}, and
     * {@code %00} is refused.
     */
    @Test
    void encodingCharactersDoesNotChangeTheNormalisedPath() {
        List<Encoding> edges = absoluteEdges().stream().flatMap(p -> List.of(new Encoding(p, -1L, true),
                new Encoding(p, -1L, false), new Encoding(p, 0x5555_5555_5555_5555L, true)).stream()).toList();
        PropertyCheck.forAll(Encoding.GEN).edgeCases(edges).check(1000, e -> {
            String path = e.path().replace("%", "").replace("\u0000", "");
            StringBuilder encoded = new StringBuilder();
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (i > 0 && (e.mask() >>> (i % 64) & 1) == 1) {
                    encoded.append(String.format(e.lowerHex() ? "%%%02x" : "%%%02X", (int) c));
                } else {
                    encoded.append(c);
                }
            }
            assertThat(RequestPath.normalise(encoded.toString())).as(encoded.toString())
                    .isEqualTo(RequestPath.normalise(path));
        });
    }

    /** What rewrite-target sends upstream ({@link RequestPath#escapeUri}) routes like the path it escaped. */
    @Test
    void anEscapedPathNormalisesLikeThePathItself() {
        PropertyCheck.forAll(ABSOLUTE_PATHS).edgeCases(absoluteEdges()).check(1000, raw -> {
            String path = raw.replace("\u0000", "");
            String escaped = RequestPath.escapeUri(path);
            assertThat(escaped.chars()).allMatch(c -> c > 0x20 && c < 0x7f && c != '#' && c != '?');
            String withoutEscapes = RequestPath.normalise(path.replace("%", "%25"));
            assertThat(RequestPath.normalise(escaped)).isEqualTo(withoutEscapes);
        });
    }

    @Test
    void escapeNonAsciiTouchesOnlyBytesAbove127() {
        PropertyCheck.forAll(Gen.strings(Gen.chars('\u0000', '\u00ff'), 0, 30))
                .edgeCases("", "a", "\u007f", "\u0080", "\u00ff", "/é?x=é", "%C3%A9").check(1000, t -> {
                    String escaped = RequestPath.escapeNonAscii(t);
                    assertThat(escaped.chars()).allMatch(c -> c < 0x80);
                    if (t.chars().allMatch(c -> c < 0x80)) {
                        assertThat(escaped).isSameAs(t);
                    }
                });
    }

    private static List<String> absoluteEdges() {
        return PATH_EDGES.stream().map(p -> p.startsWith("/") ? p : "/" + p).toList();
    }
}
