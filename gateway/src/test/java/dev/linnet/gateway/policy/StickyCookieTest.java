package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.PathMatch;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The affinity cookie's bytes (affinity-spec.md §4.5) and how it is read back (§4.1). */
class StickyCookieTest {

    private static final PathMatch ROOT = PathMatch.prefix("/");
    private static final long NOW = Instant.parse("2017-02-10T14:11:12Z").toEpochMilli();

    private static StickyCookie cookie(SameSite sameSite, boolean conditional, boolean secure) {
        return new StickyCookie("aff", null, null, null, null, secure, sameSite, conditional);
    }

    private static HttpHeaders cookies(String... values) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (String v : values) {
            h.add("Cookie", v);
        }
        return h;
    }

    @Test
    void a29_a30_plainHttpAndHttps() {
        StickyCookie c = StickyCookie.named("route");
        assertThat(c.header("k|b", PathMatch.prefix("/foo"), false, null, NOW)).isEqualTo("route=k|b; Path=/foo; HttpOnly");
        assertThat(c.header("k|b", ROOT, true, null, NOW)).isEqualTo("route=k|b; Path=/; Secure; HttpOnly");
    }

    @Test
    void everyAttributeInLuaRestyCookiesOrder() {
        StickyCookie c = new StickyCookie("aff", "/p", "foo.bar", 172800L, 3000L, true, SameSite.STRICT, false);
        assertThat(c.header("k|b", ROOT, false, null, NOW)).isEqualTo(
                "aff=k|b; Expires=Sun, 12-Feb-17 14:11:12 GMT; Max-Age=3000; Domain=foo.bar; Path=/p; Secure; HttpOnly;"
                        + " SameSite=Strict");
    }

    @Test
    void a36_sameSiteMatrix() {
        String chrome71 = "Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/71.0.3578.98 Safari/537.36";
        String chrome51 = "Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/51.0.2704.103 Safari/537.36";
        assertThat(cookie(SameSite.LAX, false, true).header("v", ROOT, false, null, NOW))
                .endsWith("; Secure; HttpOnly; SameSite=Lax");
        assertThat(cookie(SameSite.STRICT, true, false).header("v", ROOT, false, null, NOW)).endsWith("; SameSite=Strict");
        assertThat(cookie(SameSite.LAX, true, false).header("v", ROOT, false, chrome51, NOW)).endsWith("; SameSite=Lax");
        assertThat(cookie(SameSite.NONE, false, false).header("v", ROOT, false, chrome51, NOW)).endsWith("; SameSite=None");
        assertThat(cookie(SameSite.NONE, true, false).header("v", ROOT, false, chrome71, NOW)).endsWith("; SameSite=None");
        assertThat(cookie(SameSite.NONE, true, false).header("v", ROOT, false, chrome51, NOW)).endsWith("; HttpOnly");
    }

    @Test
    void a58_conditionalSameSiteNoneUserAgents() {
        assertThat(SameSite.incompatibleWithNone("Mozilla/5.0 Chrome/67.0.1 Safari/537.36")).isTrue();
        assertThat(SameSite.incompatibleWithNone("Mozilla/5.0 (iPhone; CPU iPhone OS 12_0 like Mac OS X)")).isTrue();
        assertThat(SameSite.incompatibleWithNone(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_0) AppleWebKit/605.1.15 Version/12.0 Safari/605.1.15")).isTrue();
        assertThat(SameSite.incompatibleWithNone("Mozilla/5.0 Chrome/100.0 Safari/537.36")).isFalse();
        assertThat(SameSite.incompatibleWithNone(null)).isFalse();
        assertThat(SameSite.parse("none")).isEqualTo(SameSite.NONE);
        assertThat(SameSite.parse("LAX")).isEqualTo(SameSite.LAX);
        assertThat(SameSite.parse("sometimes")).isNull();
    }

    @Test
    void a59_maxAgeZeroAndExpiresInThePast() {
        StickyCookie c = new StickyCookie("aff", null, null, -1L, 0L, false, null, false);
        assertThat(c.header("v", ROOT, false, null, NOW))
                .isEqualTo("aff=v; Expires=Fri, 10-Feb-17 14:11:11 GMT; Max-Age=0; Path=/; HttpOnly");
    }

    @Test
    void cookieTimeHasATwoDigitYearUntil2037() {
        StringBuilder b = new StringBuilder();
        StickyCookie.cookieTime(b, Instant.parse("2038-01-01T00:00:00Z").getEpochSecond());
        assertThat(b).hasToString("Fri, 01-Jan-2038 00:00:00 GMT");
        b.setLength(0);
        StickyCookie.cookieTime(b, Instant.parse("2026-03-09T05:06:07Z").getEpochSecond());
        assertThat(b).hasToString("Mon, 09-Mar-26 05:06:07 GMT");
    }

    @Test
    void a55_regexPathsBecomeTheirLiteralPrefix() {
        StickyCookie c = StickyCookie.named("aff");
        assertThat(c.pathFor(PathMatch.regex("/foo/.*"))).isEqualTo("/foo");
        assertThat(c.pathFor(PathMatch.regex("/(de|fr)(.*)$"))).isEqualTo("/");
        assertThat(c.pathFor(PathMatch.regex("/api/v1"))).as("a prefix made regex by use-regex").isEqualTo("/api/v1");
        assertThat(c.pathFor(PathMatch.prefix("/foo/"))).as("as written").isEqualTo("/foo/");
    }

    @Test
    void a65_readingIsCaseSensitiveAndTheLastOccurrenceWins() {
        StickyCookie c = StickyCookie.named("aff");
        assertThat(c.read(cookies("aff=X; aff=Y"))).isEqualTo("Y");
        assertThat(c.read(cookies("aff=X", "other=1; aff=Z"))).isEqualTo("Z");
        assertThat(c.read(cookies("AFF=X"))).isNull();
        assertThat(c.read(cookies("xaff=1;aff=v w; naked; aff2=3"))).isEqualTo("v");
        assertThat(c.read(cookies())).isNull();
    }

    @Test
    void a37_a38_valuePieces() {
        assertThat(Affinity.upstreamKey("10.184.7.40:8080")).isEqualTo("10.184.7.40:8080");
        assertThat(Affinity.backendKey("10.184.7.40:8080")).as("legacy: no backend key").isNull();
        assertThat(Affinity.upstreamKey("ep|key")).isEqualTo("ep");
        assertThat(Affinity.backendKey("ep|key")).isEqualTo("key");
        assertThat(Affinity.backendKey("||ep||key|")).as("empty pieces dropped").isEqualTo("key");
        assertThat(Affinity.upstreamKey("")).isNull();
    }
}
