package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code $uri} nginx would match locations against, for the same request path. */
class RequestPathTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // already normal: the same instance comes back (checked below)
        "/                       | /",
        "/a/b                    | /a/b",
        "/a/b/                   | /a/b/",
        "/a.b/c..d/.e/..f/...    | /a.b/c..d/.e/..f/...",
        // merge_slashes
        "//                      | /",
        "//a//b//                | /a/b/",
        // dot segments
        "/.                      | /",
        "/./a/./b                | /a/b",
        "/a/.                    | /a/",
        "/a/b/..                 | /a/",
        "/a/..                   | /",
        "/a/b/../c               | /a/c",
        "/a//../b                | /b",
        "/public/../admin        | /admin",
        // percent-decoding, once, then the same segment rules
        "/%61dmin                | /admin",
        "/a%2Fb                  | /a/b",
        "/a/%2e%2E/b             | /b",
        "/a%2F..%2Fb             | /b",
        "/a%20b                  | /a b",
        "/%25                    | /%",
        "/%2541                  | /%41",
        "/a%3Fb%23c              | /a?b#c",
        "/caf%C3%A9              | /cafÃ©",
    })
    void normalisesAsNginxMatchesLocations(String path, String expected) {
        assertThat(RequestPath.normalise(path)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../a", "/a/../..", "/a/%2e%2e/..", "/%00", "/a%0", "/a%", "/a%zz", "/a%g1"})
    void whatNginxRefusesWith400IsNull(String path) {
        assertThat(RequestPath.normalise(path)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a/b", "/a/b/", "/api/v1/users.json", "*"})
    void aPlainPathCostsNoCopy(String path) {
        assertThat(RequestPath.normalise(path)).isSameAs(path);
    }

    @ParameterizedTest(name = "{0} -> {1} / {2}")
    @CsvSource(delimiter = '|', value = {
        // as the proxy module escapes a rewritten $uri / as rewrite escapes a capture in arguments
        "/users         | /users            | /users",
        "a/b-c_d.e~f    | a/b-c_d.e~f       | a/b-c_d.e~f",
        "'a b'          | a%20b             | a%20b",
        "a?b#c%d        | a%3Fb%23c%25d     | a%3Fb%23c%25d",
        "a&b+c;d        | a&b+c;d           | a%26b%2Bc%3Bd",
        "cafÃ©          | caf%C3%A9         | caf%C3%A9",
    })
    void escapesAsNginxDoesForTheUriAndForArguments(String raw, String uri, String args) {
        assertThat(RequestPath.escapeUri(raw)).isEqualTo(uri);
        assertThat(RequestPath.escapeArgs(raw)).isEqualTo(args);
    }
}
