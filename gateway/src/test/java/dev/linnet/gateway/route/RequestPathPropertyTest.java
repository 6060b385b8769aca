package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of {@link RequestPath} (issue 14 item 12). Paths are ISO-8859-1 strings, one
 * character per byte, as the decoder reads a request line; the generator is biased towards the
 * characters that matter ({@code / . %} and hex digits).
 */
class RequestPathPropertyTest {

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("/", "/", "//", ".", "..", "/./", "/../", "%", "%2e", "%2E", "%2f", "%2F", "%25",
                        "%00", "%0", "%zz", "%61", "a", "b", "admin", "?", "#", "\\", ";", "%C3%A9", "é", " "),
                Arbitraries.chars().range('\u0000', '\u00ff').map(String::valueOf));
        return pieces.list().ofMaxSize(24).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> absolutePaths() {
        return paths().map(p -> "/" + p);
    }

    @Property(tries = 1000)
    void neverThrowsForAnyString(@ForAll("paths") String path) {
        RequestPath.normalise(path);
    }

    @Property(tries = 300)
    void neverThrowsForAnyUnicodeString(@ForAll @StringLength(max = 40) String path) {
        RequestPath.normalise(path);
        RequestPath.normalise("/" + path);
    }

    @Property(tries = 1000)
    void aNormalisedPathIsRootedAndHasNoEmptyDotOrDotDotSegment(@ForAll("absolutePaths") String path) {
        String n = RequestPath.normalise(path);
        if (n == null) {
            return; // nginx answers 400
        }
        assertThat(n).startsWith("/").doesNotContain("//").doesNotContain("/./").doesNotContain("/../");
        assertThat(n).doesNotEndWith("/.").doesNotEndWith("/..");
    }

    /**
     * Idempotent as far as nginx is: it decodes once, so a {@code %} that came from {@code %25}
     * would be decoded again on a second pass; every other normalised path is a fixed point.
     */
    @Property(tries = 1000)
    void normalisingTwiceChangesNothing(@ForAll("absolutePaths") String path) {
        String n = RequestPath.normalise(path);
        if (n == null || n.indexOf('%') >= 0) {
            return;
        }
        assertThat(RequestPath.normalise(n)).isEqualTo(n);
    }

    /**
     * {@code /%61dmin} routes as {@code /admin}: percent-encoding any characters of a path
     * (slashes and dots included, as nginx's state machine sees decoded ones) normalises to the
     * same path. {@code %} and NUL are left out: {@code %25} decodes to a literal {@code %}, and
     * {@code %00} is refused.
     */
    @Property(tries = 1000)
    void encodingCharactersDoesNotChangeTheNormalisedPath(
            @ForAll("absolutePaths") String raw, @ForAll long encodeMask, @ForAll boolean lowerHex) {
        String path = raw.replace("%", "").replace("\u0000", "");
        StringBuilder encoded = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (i > 0 && (encodeMask >>> (i % 64) & 1) == 1) {
                String hex = String.format(lowerHex ? "%%%02x" : "%%%02X", (int) c);
                encoded.append(hex);
            } else {
                encoded.append(c);
            }
        }
        assertThat(RequestPath.normalise(encoded.toString())).isEqualTo(RequestPath.normalise(path));
    }

    /** What rewrite-target sends upstream ({@link RequestPath#escapeUri}) routes like the path it escaped. */
    @Property(tries = 1000)
    void anEscapedPathNormalisesLikeThePathItself(@ForAll("absolutePaths") String raw) {
        String path = raw.replace("\u0000", "");
        String escaped = RequestPath.escapeUri(path);
        assertThat(escaped.chars()).allMatch(c -> c > 0x20 && c < 0x7f && c != '#' && c != '?');
        String withoutEscapes = RequestPath.normalise(path.replace("%", "%25"));
        assertThat(RequestPath.normalise(escaped)).isEqualTo(withoutEscapes);
    }

    @Property(tries = 1000)
    void escapeNonAsciiTouchesOnlyBytesAbove127(@ForAll @CharRange(to = '\u00ff') @StringLength(max = 30) String t) {
        String escaped = RequestPath.escapeNonAscii(t);
        assertThat(escaped.chars()).allMatch(c -> c < 0x80);
        if (t.chars().allMatch(c -> c < 0x80)) {
            assertThat(escaped).isSameAs(t);
        }
    }
}
