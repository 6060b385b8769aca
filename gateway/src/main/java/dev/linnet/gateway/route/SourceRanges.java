package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client networks allowed on a route: ingress-nginx's {@code allowlist-source-range}
 * (nginx {@code allow <cidr>; ... deny all;}, 403 for everyone else). Entries are CIDRs or single
 * addresses, IPv4 and IPv6, parsed as Go's {@code net.ParseCIDR} / {@code net.ParseIP} do: no
 * host names (nothing here ever does a DNS lookup), no legacy IPv4 forms such as {@code 10.1} or
 * leading zeros, host bits in a CIDR allowed and ignored. An empty list allows nobody.
 */
public final class SourceRanges {

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<String> sources;
    private final List<Range> ranges;

    private SourceRanges(List<String> sources, List<Range> ranges) {
        this.sources = sources;
        this.ranges = ranges;
    }

    /**
     * @param entries CIDRs or addresses, each valid ({@link #problem} returns null)
     * @throws IllegalArgumentException for an invalid entry
     */
    public static SourceRanges of(List<String> entries) {
        requireNonNull(entries, "entries");
        List<Range> ranges = new ArrayList<>(entries.size());
        for (String e : entries) {
            Range r = parse(e);
            if (r == null) {
                throw new IllegalArgumentException("source range: " + e + " (expected: " + EXPECTED + ")");
            }
            ranges.add(r);
        }
        return new SourceRanges(List.copyOf(entries), List.copyOf(ranges));
    }

    /** What a valid entry looks like, for warnings. */
    public static final String EXPECTED = "an IPv4 or IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32";

    /** Whether {@code entry} is a valid address or CIDR. */
    public static boolean isValid(String entry) {
        return parse(entry) != null;
    }

    /** The entries as written. */
    public List<String> entries() {
        return sources;
    }

    /** Whether an entry is IPv4 (nginx: the location has IPv4 lines, which an IPv4-mapped client is checked against). */
    public boolean hasIpv4() {
        for (Range r : ranges) {
            if (r.network.length == 4) {
                return true;
            }
        }
        return false;
    }

    public boolean allows(InetAddress client) {
        byte[] address = client.getAddress();
        for (Range r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static Range parse(String entry) {
        if (entry == null) {
            return null;
        }
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        byte[] address = ip.indexOf(':') >= 0 ? ipv6(ip) : ipv4(ip);
        if (address == null) {
            return null;
        }
        int max = address.length * 8;
        if (slash < 0) {
            return new Range(address, max);
        }
        String bits = entry.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
                || bits.length() > 1 && bits.charAt(0) == '0') {
            return null;
        }
        int n = Integer.parseInt(bits);
        return n > max ? null : new Range(address, n);
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || p.length() > 1 && p.charAt(0) == '0'
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        if (!s.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 128)) {
            return null; // also rejects zones (%eth0) and brackets
        }
        try {
            // Bracketed, the JDK parses an IPv6 literal or fails; it never falls back to DNS.
            byte[] a = InetAddress.getByName("[" + s + "]").getAddress();
            if (a.length == 4) { // ::ffff:a.b.c.d: the JDK hands back the IPv4 address
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(a, 0, mapped, 12, 4);
                return mapped;
            }
            return a;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceRanges r && sources.equals(r.sources);
    }

    @Override
    public int hashCode() {
        return sources.hashCode();
    }

    @Override
    public String toString() {
        return String.join(",", sources);
    }
}
