package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.testing.Gen;
import dev.linnet.gateway.testing.PropertyCheck;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SourceRanges} (issue 14 item 12): any text is either a valid entry or refused with the
 * documented {@link IllegalArgumentException}, and {@code allows} agrees with the CIDR parsed:
 * a client is allowed exactly when its first {@code bits} bits are the network's.
 */
class SourceRangesPropertyTest {

    private static final Gen<String> ENTRIES = Gen.joined(Gen.of("0", "1", "9", "10", "255", "256", "01", ".", ":",
            "::", "/", "/8", "/32", "/33", "/128", "/0", "/08", "ffff", "a", "g", "%eth0", "[", "]", "-", " ",
            "1.2.3.4", "::ffff:", "x"), 10);

    private static final String[] ENTRY_EDGES = {"", " ", "/", "0.0.0.0/0", "::/0", "1.2.3.4", "1.2.3.4/32",
        "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.4/08", "01.2.3.4", "256.0.0.0", "1.2.3", "1.2.3.4.5",
        " 1.2.3.4", "1.2.3.4 ", "::", "::/128", "::/129", "::1", "::ffff:1.2.3.4", "::ffff:1.2.3.4/96", "[::1]",
        "fe80::1%eth0", "1::2::3", "g::1", "ffff::ffff:ffff:ffff:ffff:ffff:ffff:ffff/64", "\u0000", "１.2.3.4"};

    private static final Gen<List<Integer>> V4 = Gen.ints(0, 255).list(4, 4);
    private static final Gen<List<Integer>> V6 = Gen.ints(0, 255).list(16, 16);

    @Test
    void anyTextIsValidOrRefusedWithTheDocumentedException() {
        PropertyCheck.forAll(ENTRIES).edgeCases(ENTRY_EDGES).check(3000, SourceRangesPropertyTest::validOrRefused);
    }

    @Test
    void anyUnicodeTextToo() {
        PropertyCheck.forAll(Gen.strings(Gen.anyChar(), 0, 255)).check(300, SourceRangesPropertyTest::validOrRefused);
    }

    private static void validOrRefused(String entry) {
        if (SourceRanges.isValid(entry)) {
            assertThat(SourceRanges.of(List.of(entry)).entries()).containsExactly(entry);
        } else {
            assertThatThrownBy(() -> SourceRanges.of(List.of(entry))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** A network, its prefix length, and a client sharing its first {@code shared} bits. */
    record Cidr(List<Integer> network, int bits, List<Integer> client, int shared, boolean compressed) {

        static Gen<Cidr> of(Gen<List<Integer>> address, int maxBits) {
            return random -> new Cidr(address.next(random), random.nextInt(maxBits + 1), address.next(random),
                    random.nextInt(maxBits + 1), random.nextBoolean());
        }

        /** All-zero and all-one addresses at the boundaries: /0, the full length, one bit short. */
        static List<Cidr> edges(int bytes) {
            int max = bytes * 8;
            List<Integer> zeros = Collections.nCopies(bytes, 0);
            List<Integer> ones = Collections.nCopies(bytes, 255);
            return List.of(new Cidr(zeros, 0, ones, 0, false), new Cidr(ones, max, ones, max, false),
                    new Cidr(ones, max, ones, max - 1, true), new Cidr(zeros, max, zeros, max - 1, true),
                    new Cidr(ones, max - 1, zeros, max - 1, false), new Cidr(ones, 1, zeros, 1, true),
                    new Cidr(ones, 1, zeros, 0, false), new Cidr(zeros, 8, ones, 7, true),
                    new Cidr(zeros, 9, ones, 9, false));
        }
    }

    @Test
    void anIpv4CidrAllowsExactlyTheClientsSharingItsPrefix() {
        PropertyCheck.forAll(Cidr.of(V4, 32)).edgeCases(Cidr.edges(4)).check(2000, cidr -> {
            byte[] n = bytes(cidr.network());
            byte[] c = mix(n, bytes(cidr.client()), cidr.shared());
            String entry = InetAddress.getByAddress(n).getHostAddress() + "/" + cidr.bits();
            assertThat(SourceRanges.of(List.of(entry)).allows(InetAddress.getByAddress(c)))
                    .as("%s allows %s", entry, InetAddress.getByAddress(c).getHostAddress())
                    .isEqualTo(samePrefix(n, c, cidr.bits()));
        });
    }

    @Test
    void anIpv6CidrAllowsExactlyTheClientsSharingItsPrefix() {
        PropertyCheck.forAll(Cidr.of(V6, 128)).edgeCases(Cidr.edges(16)).check(2000, cidr -> {
            byte[] n = bytes(cidr.network());
            n[0] = (byte) (n[0] | 0x20); // not ::ffff:a.b.c.d, which the JDK hands back as IPv4
            byte[] c = mix(n, bytes(cidr.client()), cidr.shared());
            String text = InetAddress.getByAddress(n).getHostAddress();
            if (cidr.compressed()) {
                text = text.replaceFirst("(^|:)(0(:|$)){2,}", "::"); // the usual :: form
            }
            String entry = text + "/" + cidr.bits();
            InetAddress clientAddress = InetAddress.getByAddress(c);
            assertThat(SourceRanges.of(List.of(entry)).allows(clientAddress)).as("%s allows %s", entry, clientAddress)
                    .isEqualTo(samePrefix(n, c, cidr.bits()));
        });
    }

    @Test
    void aSingleAddressIsItsFullLengthCidr() {
        Gen<List<List<Integer>>> pairs = V4.list(2, 2);
        List<Integer> zeros = List.of(0, 0, 0, 0);
        List<Integer> ones = List.of(255, 255, 255, 255);
        PropertyCheck.forAll(pairs).edgeCases(List.of(zeros, zeros), List.of(ones, ones), List.of(zeros, ones),
                List.of(List.of(10, 0, 0, 1), List.of(10, 0, 0, 0))).check(1000, pair -> {
                    InetAddress n = InetAddress.getByAddress(bytes(pair.get(0)));
                    InetAddress c = InetAddress.getByAddress(bytes(pair.get(1)));
                    assertThat(SourceRanges.of(List.of(n.getHostAddress())).allows(c)).isEqualTo(n.equals(c));
                });
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
