package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PathMatchTest {

    // The examples table of https://kubernetes.io/docs/concepts/services-networking/ingress/#examples
    @ParameterizedTest(name = "{0} {1} vs {2} -> {3}")
    @CsvSource({
        "PREFIX, /,        /anything,    true",
        "PREFIX, /,        /,            true",
        "EXACT,  /foo,     /foo,         true",
        "EXACT,  /foo,     /bar,         false",
        "EXACT,  /foo,     /foo/,        false",
        "EXACT,  /foo/,    /foo,         false",
        "PREFIX, /foo,     /foo,         true",
        "PREFIX, /foo,     /foo/,        true",
        "PREFIX, /foo/,    /foo,         true",
        "PREFIX, /foo/,    /foo/,        true",
        "PREFIX, /aaa/bb,  /aaa/bbb,     false",
        "PREFIX, /aaa/bbb, /aaa/bbb,     true",
        "PREFIX, /aaa/bbb/,/aaa/bbb,     true",
        "PREFIX, /aaa/bbb, /aaa/bbb/,    true",
        "PREFIX, /aaa/bbb, /aaa/bbb/ccc, true",
        "PREFIX, /aaa/bbb, /aaa/bbbxyz,  false",
        "PREFIX, /foo,     /foobar,      false",
        "EXACT,  /Foo,     /foo,         false",
    })
    void matchesAsTheIngressApiDefines(PathType type, String rule, String request, boolean expected) {
        assertThat(new PathMatch(type, rule).matches(request)).isEqualTo(expected);
    }

    @Test
    void prefixLengthIgnoresTrailingSlash() {
        assertThat(PathMatch.prefix("/foo/").prefixLength()).isEqualTo(PathMatch.prefix("/foo").prefixLength());
        assertThat(PathMatch.prefix("/").prefixLength()).isZero();
    }

    @Test
    void rejectsRelativePath() {
        assertThatThrownBy(() -> PathMatch.prefix("foo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path: foo (expected: starts with /)");
    }
}
