package dev.linnet.gateway.policy;

import static dev.linnet.gateway.testing.Fixtures.backend;
import static dev.linnet.gateway.testing.Fixtures.route;
import static dev.linnet.gateway.testing.Fixtures.table;
import static dev.linnet.gateway.testing.Fixtures.withPolicies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.GatewayExtension;
import dev.linnet.gateway.testing.TestBackend;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code auth-type: digest} (auth-limits-spec.md §2, §11.8; ingress-nginx has no e2e test): the
 * client side of RFC 2617 computed here, independently of {@link DigestAuth}.
 */
class DigestAuthTest {

    private static final String HOST = "digest";
    private static final String REALM = "test realm";

    @RegisterExtension
    final GatewayExtension gw = new GatewayExtension();

    private final AtomicLong now = new AtomicLong(1_800_000_000L);
    private final DigestNonces nonces = new DigestNonces(now::get, DigestNonces.LIFETIME);

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** htdigest's HA1 for user foo, password bar. */
    private static String ha1() throws Exception {
        return md5("foo:" + REALM + ":bar");
    }

    private TestBackend publish() throws Exception {
        TestBackend echo = gw.backend("echo");
        gw.publish(table(withPolicies(route(HOST, "/", backend("echo", echo)),
                new DigestAuth(REALM, Map.of("foo", ha1()), nonces))));
        return echo;
    }

    private static String nonceOf(HttpResponse<String> challenge) {
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge.headers().firstValue("www-authenticate").orElseThrow());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String authorization(String user, String password, String nonce, String uri) throws Exception {
        String ha1 = md5(user + ':' + REALM + ':' + password);
        String ha2 = md5("GET:" + uri);
        String response = md5(ha1 + ':' + nonce + ":00000001:0a4f113b:auth:" + ha2);
        return "Digest username=\"" + user + "\", realm=\"" + REALM + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"" + response + "\", algorithm=MD5";
    }

    @Test
    void aChallengeThenTheRightResponseIsProxiedWithoutAuthorization() throws Exception {
        TestBackend echo = publish();
        HttpResponse<String> challenge = gw.get(HOST, "/dir/index.html?x=1");
        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(challenge.headers().allValues("www-authenticate")).singleElement().asString()
                .startsWith("Digest algorithm=\"MD5\", qop=\"auth\", realm=\"" + REALM + "\", nonce=\"")
                .doesNotContain("stale");
        assertThat(challenge.body()).contains("401 Authorization Required");

        String nonce = nonceOf(challenge);
        HttpResponse<String> ok = gw.get(HOST, "/dir/index.html?x=1", "Authorization",
                authorization("foo", "bar", nonce, "/dir/index.html?x=1"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(echo.seen()).hasSize(1);
        assertThat(echo.last().header("Authorization")).isNull();
    }

    @Test
    void wrongPasswordUnknownUserOtherUriOrForgedNonceGetAFreshChallenge() throws Exception {
        TestBackend echo = publish();
        String nonce = nonceOf(gw.get(HOST, "/"));
        String forged = nonce.substring(0, 16) + "0".repeat(32); // the right time, a made-up MAC
        for (String auth : new String[] {
            authorization("foo", "baz", nonce, "/"),
            authorization("bob", "bar", nonce, "/"),
            authorization("foo", "bar", nonce, "/other"),
            authorization("foo", "bar", forged, "/"),
            "Digest username=\"foo\"",
            "Basic Zm9vOmJhcg==",
        }) {
            HttpResponse<String> r = gw.get(HOST, "/", "Authorization", auth);
            assertThat(r.statusCode()).as(auth).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).as(auth).get().asString()
                    .startsWith("Digest ").doesNotContain("stale");
        }
        assertThat(echo.seen()).isEmpty();
    }

    @Test
    void anExpiredNonceUsedRightlyGetsAStaleChallenge() throws Exception {
        TestBackend echo = publish();
        String nonce = nonceOf(gw.get(HOST, "/"));
        now.addAndGet(DigestNonces.LIFETIME.toSeconds() + 1);

        HttpResponse<String> stale = gw.get(HOST, "/", "Authorization", authorization("foo", "bar", nonce, "/"));
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(stale.headers().firstValue("www-authenticate")).get().asString().endsWith(", stale=\"true\"");
        // the client retries with the new nonce, without asking its user again
        assertThat(gw.get(HOST, "/", "Authorization", authorization("foo", "bar", nonceOf(stale), "/")).statusCode())
                .isEqualTo(200);
        assertThat(echo.seen()).hasSize(1);
    }
}
