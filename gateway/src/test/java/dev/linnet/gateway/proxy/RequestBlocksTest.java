package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.SourceRanges;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** block-cidrs, block-user-agents, block-referers: nginx's map values and the deny list. */
class RequestBlocksTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void cidrsBlockTheirClientsAndAnUnknownClient() throws Exception {
        RequestBlocks b = new RequestBlocks(SourceRanges.of(List.of("203.0.113.0/24", "2001:db8::/32")), List.of(),
                List.of());
        assertThat(b.blocks(ip("203.0.113.9"), null, null)).isTrue();
        assertThat(b.blocks(ip("2001:db8::1"), null, null)).isTrue();
        assertThat(b.blocks(ip("198.51.100.1"), "curl", "x")).isFalse();
        assertThat(b.blocks(null, null, null)).as("nothing proves it is outside").isTrue();
    }

    @Test
    void valuesAreNginxMapSources() throws Exception {
        RequestBlocks b = new RequestBlocks(null, List.of(RequestBlocks.Value.of("~*bot"),
                RequestBlocks.Value.of("Exact Agent")), List.of(RequestBlocks.Value.of("~^https?://spam\\.")));
        InetAddress client = ip("198.51.100.1");
        assertThat(b.blocks(client, "Googlebot/2.1", null)).isTrue();
        assertThat(b.blocks(client, "exact agent", null)).as("a string ignores case").isTrue();
        assertThat(b.blocks(client, "Exact Agent 2", null)).as("a string matches whole").isFalse();
        assertThat(b.blocks(client, "Mozilla", "https://spam.example/")).isTrue();
        assertThat(b.blocks(client, "Mozilla", "https://SPAM.example/")).as("~ is case-sensitive").isFalse();
        assertThat(b.blocks(client, null, null)).as("absent headers are empty strings").isFalse();
        assertThat(new RequestBlocks(null, List.of(RequestBlocks.Value.of("")), List.of()).blocks(client, null, null))
                .as("an empty value matches an absent header, as in nginx's map").isTrue();
    }

    @Test
    void aSearchOutOfBudgetBlocks() throws Exception {
        RequestBlocks b = new RequestBlocks(null, List.of(RequestBlocks.Value.of("~^(a+)+$")), List.of());
        assertThat(b.blocks(ip("198.51.100.1"), "a".repeat(5000) + "!", null)).isTrue();
        assertThat(RequestBlocks.NONE.isEmpty()).isTrue();
    }
}
