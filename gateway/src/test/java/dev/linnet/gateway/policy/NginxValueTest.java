package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** nginx's variable syntax as {@link NginxValue} reads it, and the closed set of variables. */
class NginxValueTest {

    @Test
    void variablesAreNameCharactersOrBracedAndCapturesOneDigit() {
        assertThat(NginxValue.parse("$host.svc", false).constant()).isFalse();
        assertThat(NginxValue.parse("${host}x", false).constant()).isFalse();
        assertThat(NginxValue.parse("/$12", true).constant()).isFalse();
        assertThat(NginxValue.parse("plain", false).constant()).isTrue();
        assertThat(NginxValue.literal("$host").constant()).as("custom-headers: literal").isTrue();
    }

    @Test
    void unknownOrMalformedVariablesAreRefusedWhenParsed() {
        assertThatThrownBy(() -> NginxValue.parse("$upstream_addr", false)).hasMessageContaining("$upstream_addr");
        assertThatThrownBy(() -> NginxValue.parse("$1", false)).hasMessageContaining("captures");
        assertThatThrownBy(() -> NginxValue.parse("a$", false)).hasMessageContaining("invalid variable");
        assertThatThrownBy(() -> NginxValue.parse("${host", false)).hasMessageContaining("invalid variable");
        assertThatThrownBy(() -> NginxValue.parse("$http_", false)).hasMessageContaining("$http_");
        for (String name : new String[] {"HOST", "http_x_user", "arg_page", "cookie_session", "service_name"}) {
            assertThat(NginxValue.parse("$" + name, false).source()).isEqualTo("$" + name);
        }
    }

    @Test
    void proxyRedirectRewritesCookieAttributesAndNothingElse() {
        ProxyRedirect r = new ProxyRedirect(null, null, ".localhost", "example.org", "/one/", "/");
        assertThat(r.rewriteCookie("a=1; domain=LOCALHOST;path=/one/two; Secure"))
                .isEqualTo("a=1; domain=example.org;path=/two; Secure");
        assertThat(r.rewriteCookie("path=/one/x; a=b")).as("the name=value pair is never an attribute")
                .isEqualTo("path=/one/x; a=b");
        assertThat(r.rewriteCookie("a=1; Domain=sub.localhost")).isEqualTo("a=1; Domain=sub.localhost");
    }
}
