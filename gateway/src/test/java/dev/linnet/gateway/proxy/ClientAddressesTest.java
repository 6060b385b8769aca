package dev.linnet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.policy.ClientView;
import dev.linnet.gateway.route.SourceRanges;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The §4.2 algorithm and §4.3 values over annotations-spec.md's verified examples. */
class ClientAddressesTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 40000);
    private static final ClientTrust FORWARDED = ClientTrust.DEFAULT.toBuilder().useForwardedHeaders(true).build();

    private static ClientView view(ClientTrust trust, ProxyProtocol.Origin origin, String... headers) {
        return view(trust, PEER, origin, headers);
    }

    private static ClientView view(ClientTrust trust, InetSocketAddress peer, ProxyProtocol.Origin origin,
            String... headers) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return ClientAddresses.view(trust, h, peer, peer.getAddress().getHostAddress(), origin, false, "h:8080");
    }

    private static ProxyProtocol.Origin origin(String source, int port, String destinationPort) {
        return new ProxyProtocol.Origin(new InetSocketAddress(source, port), source, destinationPort);
    }

    private static ClientTrust trusting(String... cidrs) {
        return FORWARDED.toBuilder().trustedPeers(SourceRanges.of(List.of(cidrs))).build();
    }

    @Test
    void defaultsBelieveOnlyTheConnection() {
        ClientView v = view(ClientTrust.DEFAULT, null, "X-Forwarded-For", "1.1.1.1", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil", "X-Forwarded-Port", "1");
        assertThat(v).isEqualTo(new ClientView(PEER, "127.0.0.1", "http", "h:8080", "80"));
    }

    @Test
    void theDefaultCidrTrustsEveryIpv4PeerSoTheLeftmostEntryWins() {
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.1.1.1, 2.2.2.2").remoteAddr()).isEqualTo("1.1.1.1");
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "2.2.2.2").remoteAddr())
                .as("repeated lines joined in order").isEqualTo("1.1.1.1");
    }

    @Test
    void theDefaultCidrCoversNoIpv6() {
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.1.1.1, 2001:db8::1, 3.3.3.3").remoteAddr())
                .isEqualTo("2001:db8::1");
        InetSocketAddress v6Peer = new InetSocketAddress("::1", 40000);
        assertThat(view(FORWARDED, v6Peer, null, "X-Forwarded-For", "1.1.1.1").address()).as("untrusted peer")
                .isEqualTo(v6Peer);
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.1.1.1, ::ffff:2.2.2.2").address().getAddress())
                .as("an IPv4-mapped entry stays IPv6 and untrusted, as in nginx").isInstanceOf(Inet6Address.class);
    }

    @Test
    void anEntryThatIsNoAddressStopsTheWalk() {
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.1.1.1, garbage, 3.3.3.3").remoteAddr())
                .isEqualTo("3.3.3.3");
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.1.1.1, garbage").address()).isEqualTo(PEER);
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "").address()).isEqualTo(PEER);
        assertThat(view(FORWARDED, null, "X-Forwarded-For", ", ,").address()).isEqualTo(PEER);
    }

    @Test
    void theWalkStopsAtTheFirstUntrustedAddress() {
        ClientTrust trust = trusting("127.0.0.0/8", "10.0.0.0/8");
        assertThat(view(trust, null, "X-Forwarded-For", "6.6.6.6, 1.1.1.1, 10.0.0.2").remoteAddr())
                .as("the client wrote 6.6.6.6; the first untrusted hop is what counts").isEqualTo("1.1.1.1");
        assertThat(view(trusting("10.0.0.0/8"), null, "X-Forwarded-For", "1.1.1.1").address())
                .as("the peer itself is not trusted").isEqualTo(PEER);
        assertThat(view(trust, null, "X-Forwarded-For", "10.0.0.9, 10.0.0.2").remoteAddr())
                .as("all trusted: the leftmost").isEqualTo("10.0.0.9");
    }

    @Test
    void entriesMayCarryAPort() {
        ClientView v = view(FORWARDED, null, "X-Forwarded-For", "1.2.3.4:5678");
        assertThat(v.address()).isEqualTo(new InetSocketAddress("1.2.3.4", 5678));
        assertThat(v.remoteAddr()).isEqualTo("1.2.3.4");
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.1.1.1, [2001:db8::1]:80").address())
                .isEqualTo(new InetSocketAddress("2001:db8::1", 80));
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "1.2.3.4:0").address()).as("port 0 is no port")
                .isEqualTo(PEER);
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "[2001:db8::1]").address()).isEqualTo(PEER);
        assertThat(view(FORWARDED, null, "X-Forwarded-For", "example.com").address()).as("never DNS").isEqualTo(PEER);
    }

    @Test
    void enableRealIpTakesTheAddressButNothingElse() {
        ClientTrust realIp = ClientTrust.DEFAULT.toBuilder().enableRealIp(true).build();
        ClientView v = view(realIp, null, "X-Forwarded-For", "1.2.3.4", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "myhost", "X-Forwarded-Port", "1234");
        assertThat(v).isEqualTo(new ClientView(new InetSocketAddress("1.2.3.4", 0), "1.2.3.4", "http", "h:8080", "80"));
    }

    @Test
    void forwardedForHeaderNamesTheSource() {
        ClientTrust cf = FORWARDED.toBuilder().forwardedForHeader("CF-Connecting-IP").build();
        assertThat(view(cf, null, "CF-Connecting-IP", "9.9.9.9", "X-Forwarded-For", "1.1.1.1").remoteAddr())
                .isEqualTo("9.9.9.9");
    }

    @Test
    void forwardedHeadersSetSchemeHostAndPortVerbatim() {
        ClientView v = view(FORWARDED, null, "X-Forwarded-Proto", "myproto", "X-Forwarded-Port", "1234",
                "X-Forwarded-Host", "myhost.com, another.host,example.net");
        assertThat(v.scheme()).isEqualTo("myproto");
        assertThat(v.port()).isEqualTo("1234");
        assertThat(v.host()).isEqualTo("myhost.com");
        assertThat(view(FORWARDED, null, "X-Forwarded-Host", "example.com:80").hostWithoutPort())
                .isEqualTo("example.com");
    }

    @Test
    void proxyProtocolSourceWhenThePeerIsTrusted() {
        ClientTrust proxy = ClientTrust.DEFAULT.toBuilder().useProxyProtocol(true).build();
        ClientView v = view(proxy, origin("192.168.0.1", 56324, "1234"), "X-Forwarded-For", "6.6.6.6");
        assertThat(v.address()).isEqualTo(new InetSocketAddress("192.168.0.1", 56324));
        assertThat(v.port()).isEqualTo("1234");
        assertThat(v.scheme()).isEqualTo("http");
        assertThat(view(proxy, origin("192.168.0.1", 1, "443"), new String[0]).scheme()).isEqualTo("https");
        ClientTrust narrow = proxy.toBuilder().trustedPeers(SourceRanges.of(List.of("10.0.0.0/8"))).build();
        assertThat(view(narrow, origin("192.168.0.1", 1, "80"), new String[0]).address())
                .as("a balancer outside proxy-real-ip-cidr is not believed").isEqualTo(PEER);
    }

    @Test
    void proxyProtocolWithForwardedHeaders() {
        ClientTrust both = FORWARDED.toBuilder().useProxyProtocol(true).build();
        assertThat(view(both, origin("192.168.0.1", 1, "80"), "X-Forwarded-For", "192.168.0.111").remoteAddr())
                .as("A9: the default CIDR trusts the PROXY source").isEqualTo("192.168.0.111");
        assertThat(view(trusting("127.0.0.1/32"), origin("192.168.0.1", 1, "80"), "X-Forwarded-For",
                "192.168.0.111").remoteAddr()).as("an untrusted PROXY source is the client").isEqualTo("192.168.0.1");
        assertThat(view(both, origin("192.168.0.1", 1, "80"), new String[0]).remoteAddr())
                .as("X15: without XFF the PROXY source, not the balancer (ingress-nginx #13725)").isEqualTo("192.168.0.1");
        assertThat(view(both, origin("192.168.0.1", 1, "80"), "X-Forwarded-For-Proxy-Protocol", "6.6.6.6")
                .remoteAddr()).as("X16: a client's internal header is never read").isEqualTo("192.168.0.1");
    }

    @Test
    void firstValueSplitsOnCommasBarsAndSpace() {
        assertThat(ClientAddresses.firstValue(" a.example|b")).isEqualTo("a.example");
        assertThat(ClientAddresses.firstValue(" , ")).isNull();
        assertThat(ClientAddresses.firstValue(null)).isNull();
    }
}
