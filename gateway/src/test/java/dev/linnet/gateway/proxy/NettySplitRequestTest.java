package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class NettySplitRequestTest {

    @Test
    void headerLookupIgnoresCase() {
        HttpHeaders h = new DefaultHttpHeaders().add("X-Canary", "always");
        assertThat(new NettySplitRequest(h).header("x-canary")).isEqualTo("always");
        assertThat(new NettySplitRequest(h).header("X-CANARY")).isEqualTo("always");
        assertThat(new NettySplitRequest(h).header("X-Other")).isNull();
    }

    @Test
    void repeatedHeadersAreJoinedWithCommaSpace() {
        HttpHeaders h = new DefaultHttpHeaders().add("X-Canary", "always").add("x-canary", "never");
        assertThat(new NettySplitRequest(h).header("X-Canary")).isEqualTo("always, never");
    }

    @Test
    void emptyHeaderIsPresentAndEmpty() {
        HttpHeaders h = new DefaultHttpHeaders().add("X-Canary", "");
        assertThat(new NettySplitRequest(h).header("X-Canary")).isEmpty();
    }

    @Test
    void underscoreHeaderIsNotTheDashedOne() {
        // nginx drops request headers with underscores, so "X_Canary: always" never selects.
        HttpHeaders h = new DefaultHttpHeaders().add("X_Canary", "always");
        assertThat(new NettySplitRequest(h).header("X-Canary")).isNull();
    }

    @Test
    void cookieIsTheFirstWithThatNameIgnoringCase() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Cookie", "a=1;  Canary=always ;b=2")
                .add("Cookie", "canary=never");
        assertThat(new NettySplitRequest(h).cookie("canary")).isEqualTo("always");
        assertThat(new NettySplitRequest(h).cookie("B")).isEqualTo("2");
        assertThat(new NettySplitRequest(h).cookie("c")).isNull();
        assertThat(new NettySplitRequest(h).cookie("")).isNull();
    }

    @Test
    void cookieNameMustMatchWholly() {
        HttpHeaders h = new DefaultHttpHeaders().add("Cookie", "xcanary=always; canaryx=always; flag; canary=");
        assertThat(new NettySplitRequest(h).cookie("canary")).isEmpty();
        assertThat(NettySplitRequest.find("flag; canary=never", "flag")).isNull();
        assertThat(NettySplitRequest.find("flag; canary=never", "canary")).isEqualTo("never");
    }
}
