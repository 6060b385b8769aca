package dev.linnet.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.metrics.Phase;
import dev.linnet.gateway.metrics.RequestTimeline;
import io.netty.handler.codec.http.HttpMethod;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Compiling {@code log-format-upstream} and rendering variables, without a gateway. */
class LogFormatTest {

    private static AccessLogEntry entry(LogFormat format, String... headerValues) {
        RequestTimeline t = RequestTimeline.start(HttpMethod.GET);
        t.status(200);
        t.mark(Phase.DONE);
        String[] headers = new String[format.headers().length];
        System.arraycopy(headerValues, 0, headers, 0, Math.min(headerValues.length, headers.length));
        return new AccessLogEntry(AccessLogSettings.DEFAULT, t, null, 0L,
                new AccessLogEntry.Client("10.1.2.3", 5555, 8080, false, null, null),
                new AccessLogEntry.Request("GET", "/a?b=1", "HTTP/1.1", "h.example", "/a"), "id-1", headers);
    }

    @Test
    void bracedAndBareNamesIgnoringCaseAndALoneDollarIsText() {
        LogFormat f = LogFormat.compile("${STATUS}$ $Remote_Addr:${remote_port}$");
        assertThat(f.unknown()).isEmpty();
        assertThat(f.format(entry(f), Escaping.DEFAULT)).isEqualTo("200$ 10.1.2.3:5555$");
    }

    @Test
    void eachHeaderGetsOneSlot() {
        LogFormat f = LogFormat.compile("$http_x_a $http_X_A $cookie_s $cookie_t $remote_user $http_cookie");
        assertThat(f.headers()).containsExactly("x-a", "cookie", "authorization");
        assertThat(f.format(entry(f, "v", "s=1; t=two", null), Escaping.DEFAULT))
                .isEqualTo("v v 1 two - s=1; t=two");
    }

    @Test
    void unknownNamesAreListedOnceInOrder() {
        LogFormat f = LogFormat.compile("$b_unknown $a_unknown $b_unknown $http_ok");
        assertThat(f.unknown()).containsExactly("b_unknown", "a_unknown");
        assertThat(f.format(entry(f), Escaping.JSON)).isEqualTo("   ");
    }

    @Test
    void argsAndRequestUriAndTheDefaultsOfMissingValues() {
        LogFormat f = LogFormat.compile("$request_uri|$args|$uri|$upstream_addr|$proxy_upstream_name|$namespace|$req_id");
        assertThat(f.format(entry(f), Escaping.DEFAULT)).isEqualTo("/a?b=1|b=1|/a|-|-||id-1");
    }

    @Test
    void requestIdIsNginxsOwnWhenTheClientSentOne() {
        LogFormat f = LogFormat.compile("$req_id $request_id");
        assertThat(f.format(entry(f), Escaping.DEFAULT)).as("no client id: the same").isEqualTo("id-1 id-1");
        assertThat(f.format(entry(f, "id-1"), Escaping.DEFAULT)).matches("id-1 [0-9a-f]{32}");
    }

    /** ngx_escape_json writes the last hex digit of \\u00XX in capitals ('A' + ch - 10), as the default mode's \\xXX. */
    @Test
    void jsonEscapesControlCharactersWithCapitalHexAsNginx() {
        StringBuilder out = new StringBuilder();
        Escaping.JSON.append(out, "\u001f\u001b\u000b");
        assertThat(out).hasToString("\\u001F\\u001B\\u000B");
    }

    @Test
    void escapingModes() {
        String v = "a\"b\\c\u0001\n\u00e9";
        StringBuilder out = new StringBuilder();
        Escaping.DEFAULT.append(out, v);
        assertThat(out).hasToString("a\\x22b\\x5Cc\\x01\\x0A\\xE9");
        out.setLength(0);
        Escaping.JSON.append(out, v);
        assertThat(out).hasToString("a\\\"b\\\\c\\u0001\\n\u00e9");
        out.setLength(0);
        Escaping.NONE.append(out, v);
        assertThat(out).hasToString(v);
    }

    @Test
    void basicUserOnlyFromABasicHeaderThatDecodes() {
        assertThat(Variable.basicUser("Basic YWxpY2U6c2VjcmV0")).isEqualTo("alice");
        assertThat(Variable.basicUser("basic YWxpY2U6c2VjcmV0")).isEqualTo("alice");
        assertThat(Variable.basicUser("Bearer abc")).isNull();
        assertThat(Variable.basicUser("Basic !!!")).isNull();
        assertThat(Variable.basicUser(null)).isNull();
    }

    @Test
    void nginxTimeFormats() {
        long millis = ZonedDateTime.of(2026, 3, 5, 12, 0, 0, 0, ZoneId.of("UTC")).toInstant().toEpochMilli() + 7;
        LogTimes times = new LogTimes(ZoneId.of("UTC"));
        assertThat(times.local(millis)).isEqualTo("05/Mar/2026:12:00:00 +0000");
        assertThat(times.iso8601(millis)).isEqualTo("2026-03-05T12:00:00+00:00");
        assertThat(new LogTimes(ZoneId.of("+02:00")).local(millis)).isEqualTo("05/Mar/2026:14:00:00 +0200");
        StringBuilder out = new StringBuilder();
        Variable.seconds(out, 3_400_000L);
        assertThat(out).hasToString("0.003");
    }

    @Test
    void theReadmeListsEveryVariable() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("## Access log"), readme.indexOf("## Routing"));
        assertThat(Variable.names().filter(n -> !section.contains("`$" + n + "`")).toList()).isEmpty();
        assertThat(section).contains("`$http_<header>`", "`$cookie_<name>`");
    }

    @Test
    void theDefaultIsIngressNginxsFormat() {
        assertThat(LogFormat.DEFAULT.source()).isEqualTo("$remote_addr - $remote_user [$time_local] \"$request\" $status"
                + " $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length $request_time"
                + " [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr"
                + " $upstream_response_length $upstream_response_time $upstream_status $req_id");
        assertThat(LogFormat.DEFAULT.unknown()).isEmpty();
    }
}
