package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    @Test
    void upstreamRequestIsHttp11WithoutHopByHopHeaders() {
        HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/x?y=1");
        in.headers().add("Host", "h").add("Connection", "keep-alive, X-Private").add("X-Private", "1")
                .add("Keep-Alive", "timeout=5").add("Expect", "100-continue").add("Transfer-Encoding", "chunked");
        HttpRequest out = ProxyHeaders.toUpstream(in, "10.1.2.3", false);
        assertThat(out.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(out.uri()).isEqualTo("/x?y=1");
        assertThat(out.headers().contains("Connection")).isFalse();
        assertThat(out.headers().contains("X-Private")).isFalse();
        assertThat(out.headers().contains("Keep-Alive")).isFalse();
        assertThat(out.headers().contains("Expect")).isFalse();
        assertThat(out.headers().get("Transfer-Encoding")).as("framing is re-encoded, not dropped").isEqualTo("chunked");
        assertThat(out.headers().get("X-Forwarded-For")).isEqualTo("10.1.2.3");
        assertThat(out.headers().get("X-Forwarded-Port")).isEqualTo("80");
    }

    @Test
    void forwardedHeadersFromTheClientAreReplacedWhateverTheirCase() {
        HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/p");
        in.headers().add("Host", "h:8080").add("x-REAL-ip", "6.6.6.6").add("X-Forwarded-For", "1.1.1.1")
                .add("x-forwarded-for", "2.2.2.2").add("X-Forwarded-Proto", "gopher").add("X-Original-URI", "/lie")
                .add("X-Request-ID", "abc").add("X-Kept", "k");
        HttpRequest out = ProxyHeaders.toUpstream(in, "10.1.2.3", true);
        assertThat(out.headers().getAll("X-Real-IP")).containsExactly("10.1.2.3");
        assertThat(out.headers().getAll("X-Forwarded-For")).containsExactly("10.1.2.3");
        assertThat(out.headers().get("X-Original-Forwarded-For")).isEqualTo("1.1.1.1, 2.2.2.2");
        assertThat(out.headers().getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(out.headers().getAll("X-Forwarded-Scheme")).containsExactly("https");
        assertThat(out.headers().getAll("X-Forwarded-Port")).containsExactly("443");
        assertThat(out.headers().get("X-Forwarded-Host")).isEqualTo("h:8080");
        assertThat(out.headers().getAll("X-Original-URI")).as("nginx sets it only with proxy-add-original-uri-header")
                .containsExactly("/lie");
        assertThat(out.headers().getAll("X-Request-ID")).as("a client's request id is passed on").containsExactly("abc");
        assertThat(out.headers().get("X-Kept")).isEqualTo("k");
        assertThat(out.headers().get("Host")).isEqualTo("h:8080");
    }

    @Test
    void proxyIsRemovedAndProxyAuthorizationPassesAsInNginx() {
        HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        in.headers().add("Host", "h").add("Proxy", "http://evil:3128").add("Proxy-Authorization", "Basic eA==");
        HttpRequest out = ProxyHeaders.toUpstream(in, "10.1.2.3", false);
        assertThat(out.headers().contains("Proxy")).as("HTTPoxy").isFalse();
        assertThat(out.headers().get("Proxy-Authorization")).isEqualTo("Basic eA==");
    }

    @Test
    void aSecondConnectionFieldStillNamesHopByHopHeaders() {
        HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        in.headers().add("Host", "h").add("Connection", "keep-alive").add("Connection", "X-Private").add("X-Private", "1");
        HttpRequest out = ProxyHeaders.toUpstream(in, "10.1.2.3", false);
        assertThat(out.headers().contains("X-Private")).isFalse();
    }

    @Test
    void connectionCannotNameHostAway() {
        HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        in.headers().add("Host", "h").add("Connection", "Host, Content-Length").add("Content-Length", "0");
        HttpRequest out = ProxyHeaders.toUpstream(in, "10.1.2.3", false);
        assertThat(out.headers().get("Host")).isEqualTo("h");
        assertThat(out.headers().get("Content-Length")).isEqualTo("0");
    }

    @Test
    void unframedResponseIsChunkedForHttp11AndClosesForHttp10() {
        HttpResponse r11 = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        assertThat(ProxyHeaders.toClient(r11, HttpMethod.GET, HttpVersion.HTTP_1_1, true)).isTrue();
        assertThat(r11.headers().get("Transfer-Encoding")).isEqualTo("chunked");

        HttpResponse r10 = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
        assertThat(ProxyHeaders.toClient(r10, HttpMethod.GET, HttpVersion.HTTP_1_0, true)).isFalse();
        assertThat(r10.headers().get("Connection")).isEqualTo("close");
    }

    @Test
    void keepAliveForHttp10IsSaidExplicitly() {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().add("Content-Length", "3").add("Connection", "close");
        assertThat(ProxyHeaders.toClient(r, HttpMethod.GET, HttpVersion.HTTP_1_0, true)).isTrue();
        assertThat(r.headers().get("Connection")).isEqualTo("keep-alive");
    }

    @Test
    void requestIdsAre32Hex() {
        assertThat(RequestIds.next().toString()).matches("[0-9a-f]{32}").isNotEqualTo(RequestIds.next().toString());
    }
}
