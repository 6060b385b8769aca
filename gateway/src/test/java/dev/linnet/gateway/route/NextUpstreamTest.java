package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class NextUpstreamTest {

    @Test
    void parsesNginxWordsAndOffWins() {
        assertThat(NextUpstream.parseConditions("error timeout")).isEqualTo(NextUpstream.DEFAULT.conditions());
        assertThat(NextUpstream.parseConditions(" Error  http_503 non_idempotent "))
                .isEqualTo(NextUpstream.ERROR | NextUpstream.HTTP_503 | NextUpstream.NON_IDEMPOTENT);
        assertThat(NextUpstream.parseConditions("error off")).isZero();
        assertThat(NextUpstream.parseConditions("error http_418")).isEqualTo(-1);
        assertThat(NextUpstream.parseConditions("  ")).isEqualTo(-1);
    }

    @Test
    void aRouteLeavesToTheListenerWhatItDoesNotSet() {
        NextUpstream listener = new NextUpstream(NextUpstream.ERROR, Duration.ofSeconds(9));
        assertThat(new NextUpstream(-1, Duration.ofSeconds(2)).over(listener))
                .isEqualTo(new NextUpstream(NextUpstream.ERROR, Duration.ofSeconds(2)));
        assertThat(new NextUpstream(0, null).over(listener)).isEqualTo(new NextUpstream(0, Duration.ofSeconds(9)));
        NextUpstream full = new NextUpstream(NextUpstream.TIMEOUT, Duration.ZERO);
        assertThat(full.over(listener)).isSameAs(full);
    }

    @Test
    void statusesMapToTheirWords() {
        NextUpstream n = new NextUpstream(NextUpstream.HTTP_502 | NextUpstream.HTTP_429, Duration.ZERO);
        assertThat(n.retriesStatus(502)).isTrue();
        assertThat(n.retriesStatus(429)).isTrue();
        assertThat(n.retriesStatus(503)).isFalse();
        assertThat(n.retriesStatus(200)).isFalse();
        assertThat(n.words()).isEqualTo("http_502 http_429");
    }
}
