package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

    /**
     * Found by RequestTargetPropertyTest: the request line's host went unchecked for empty labels,
     * so {@code http://./} routed to the default server and {@code http://admin../} as
     * {@code admin}, where nginx's {@code ngx_http_validate_host} answers 400 to both.
     */
    @Test
    void anAbsoluteTargetWhoseHostHasAnEmptyLabelIsRefused() {
        for (String uri : new String[] {"http://./", "http://.", "http://../x", "http://a..b/", "http://admin..:80/",
            "http://..a/?q"}) {
            assertThat(RequestTarget.absolute(uri)).as(uri).isNull();
        }
        assertThat(RequestTarget.absolute("http://a./x")).isEqualTo(new RequestTarget.Absolute("a.", "/x"));
        assertThat(RequestTarget.absolute("http://.a/")).isEqualTo(new RequestTarget.Absolute(".a", "/"));
        assertThat(RequestTarget.absolute("http://a.b:8080?q")).isEqualTo(new RequestTarget.Absolute("a.b:8080", "/?q"));
    }
}
