package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The closed variable set of auth values (auth-limits-spec.md §3.8) and nginx's {@code $escaped_request_uri}. */
class AuthTemplateTest {

    @Test
    void escapedRequestUriKeepsOnlyUnreservedCharacters() {
        assertThat(AuthTemplate.escape("/?a=b&c=d")).isEqualTo("%2F%3Fa%3Db%26c%3Dd"); // e2e E9
        assertThat(AuthTemplate.escape("/dash?x=1")).isEqualTo("%2Fdash%3Fx%3D1");
        assertThat(AuthTemplate.escape("/café ~-._")).isEqualTo("%2Fcaf%C3%A9%20~-._");
    }

    @Test
    void variablesAreNamesOfTheClosedSetOnly() {
        AuthTemplate t = AuthTemplate.compile("https://$host/x?u=${escaped_request_uri}&h=$http_x_user&c=$cookie_Sid");
        assertThat(t.parts()).containsExactly("https://", new AuthTemplate.Var(AuthTemplate.Name.HOST, null), "/x?u=",
                new AuthTemplate.Var(AuthTemplate.Name.ESCAPED_REQUEST_URI, null), "&h=",
                new AuthTemplate.Var(AuthTemplate.Name.HTTP, "x-user"), "&c=",
                new AuthTemplate.Var(AuthTemplate.Name.COOKIE, "Sid"));
        assertThat(t.isConstant()).isFalse();
        assertThat(AuthTemplate.compile("http://auth/check").isConstant()).isTrue();
        for (String unknown : new String[] {"$hostname", "$request_body", "$upstream_http_x", "$arg_a", "$Host"}) {
            assertThatThrownBy(() -> AuthTemplate.compile("http://a/" + unknown)).as(unknown)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not one Linnet evaluates");
        }
        assertThatThrownBy(() -> AuthTemplate.compile("http://a/${host")).hasMessageContaining("unterminated");
    }
}
