package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link SourceRanges} (issue 14 item 12): any text is either a valid entry or refused with the
 * documented {@link IllegalArgumentException}, and {@code allows} agrees with the CIDR parsed:
 * a client is allowed exactly when its first {@code bits} bits are the network's.
 */
class SourceRangesPropertyTest {

    @Provide
    Arbitrary<String> entries() {
        return Arbitraries.of("0", "1", "9", "10", "255", "256", "01", ".", ":", "::", "/", "/8", "/32", "/33", "/128",
                        "/0", "/08", "ffff", "a", "g", "%eth0", "[", "]", "-", " ", "1.2.3.4", "::ffff:", "x")
                .list().ofMaxSize(10).map(l -> String.join("", l));
    }

    @Property(tries = 3000)
    void anyTextIsValidOrRefusedWithTheDocumentedException(@ForAll("entries") String entry) {
        if (SourceRanges.isValid(entry)) {
            assertThat(SourceRanges.of(List.of(entry)).entries()).containsExactly(entry);
        } else {
            assertThatThrownBy(() -> SourceRanges.of(List.of(entry))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 300)
    void anyUnicodeTextToo(@ForAll String entry) {
        anyTextIsValidOrRefusedWithTheDocumentedException(entry);
    }

    @Property(tries = 2000)
    void anIpv4CidrAllowsExactlyTheClientsSharingItsPrefix(@ForAll @Size(4) List<@IntRange(max = 255) Integer> network,
            @ForAll @IntRange(max = 32) int bits, @ForAll @Size(4) List<@IntRange(max = 255) Integer> client,
            @ForAll @IntRange(max = 32) int shared) throws UnknownHostException {
        byte[] n = bytes(network);
        byte[] c = mix(n, bytes(client), shared);
        String entry = InetAddress.getByAddress(n).getHostAddress() + "/" + bits;
        assertThat(SourceRanges.of(List.of(entry)).allows(InetAddress.getByAddress(c)))
                .as("%s allows %s", entry, InetAddress.getByAddress(c).getHostAddress())
                .isEqualTo(samePrefix(n, c, bits));
    }

    @Property(tries = 2000)
    void anIpv6CidrAllowsExactlyTheClientsSharingItsPrefix(@ForAll @Size(16) List<@IntRange(max = 255) Integer> network,
            @ForAll @IntRange(max = 128) int bits, @ForAll @Size(16) List<@IntRange(max = 255) Integer> client,
            @ForAll @IntRange(max = 128) int shared, @ForAll boolean compressed) throws UnknownHostException {
        byte[] n = bytes(network);
        n[0] = (byte) (n[0] | 0x20); // not ::ffff:a.b.c.d, which the JDK hands back as IPv4
        byte[] c = mix(n, bytes(client), shared);
        String text = InetAddress.getByAddress(n).getHostAddress();
        if (compressed) {
            text = text.replaceFirst("(^|:)(0(:|$)){2,}", "::"); // the usual :: form
        }
        String entry = text + "/" + bits;
        InetAddress clientAddress = InetAddress.getByAddress(c);
        assertThat(SourceRanges.of(List.of(entry)).allows(clientAddress)).as("%s allows %s", entry, clientAddress)
                .isEqualTo(samePrefix(n, c, bits));
    }

    @Property(tries = 1000)
    void aSingleAddressIsItsFullLengthCidr(@ForAll @Size(4) List<@IntRange(max = 255) Integer> network,
            @ForAll @Size(4) List<@IntRange(max = 255) Integer> client) throws UnknownHostException {
        InetAddress n = InetAddress.getByAddress(bytes(network));
        InetAddress c = InetAddress.getByAddress(bytes(client));
        assertThat(SourceRanges.of(List.of(n.getHostAddress())).allows(c)).isEqualTo(n.equals(c));
    }

    private static byte[] bytes(List<Integer> values) {
        byte[] b = new byte[values.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (int) values.get(i);
        }
        return b;
    }

    /** {@code client} with its first {@code shared} bits taken from {@code network}: near misses are likely. */
    private static byte[] mix(byte[] network, byte[] client, int shared) {
        BigInteger all = BigInteger.ONE.shiftLeft(network.length * 8).subtract(BigInteger.ONE);
        BigInteger keep = all.shiftRight(shared); // the client's own bits
        BigInteger n = new BigInteger(1, network);
        BigInteger c = new BigInteger(1, client);
        BigInteger mixed = n.andNot(keep).or(c.and(keep));
        byte[] raw = mixed.toByteArray();
        byte[] out = new byte[network.length];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return out;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        BigInteger x = new BigInteger(1, a).shiftRight(a.length * 8 - bits);
        BigInteger y = new BigInteger(1, b).shiftRight(b.length * 8 - bits);
        return x.equals(y);
    }
}
