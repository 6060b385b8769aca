package dev.linnet.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A few field names with what {@link HeadScan} does to each, looked up by the name's bytes in
 * the scanned head: the hash computed during the scan picks candidates, the bytes confirm (a colliding
 * name must never pass for Content-Length).
 */
final class FieldNames {

    static final byte[] CLOSE = bytes("close");
    static final byte[] KEEP_ALIVE = bytes("keep-alive");

    /**
     * What every passed-through head loses or is checked for, as {@code ProxyHeaders.toClient}
     * and {@code HopByHop} treat a decoded one: hop-by-hop fields cut (Proxy-Authorization too,
     * as HopByHop's list), Server left to the plan, Transfer-Encoding refused (re-framed by Netty's path).
     */
    static final FieldNames RESPONSE = new FieldNames(
            List.of("content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "te",
                    "trailer", "upgrade", "proxy-authorization", "server"),
            new int[] {HeadScan.CONTENT_LENGTH, HeadScan.REFUSE, HeadScan.CONNECTION, HeadScan.DROP, HeadScan.DROP,
                HeadScan.DROP, HeadScan.DROP, HeadScan.DROP, HeadScan.DROP, HeadScan.SERVER});

    private final byte[][] names;
    private final int[] hashes;
    private final int[] kinds;

    private FieldNames(List<String> names, int[] kinds) {
        this.names = new byte[names.size()][];
        this.hashes = new int[names.size()];
        this.kinds = kinds;
        for (int i = 0; i < names.size(); i++) {
            String lower = names.get(i).toLowerCase(Locale.ROOT);
            this.names[i] = bytes(lower);
            hashes[i] = HeadScan.hash(lower);
        }
    }

    /** Names that are all dropped (a route's hidden and replaced fields). */
    static FieldNames dropped(List<String> names) {
        int[] kinds = new int[names.size()];
        Arrays.fill(kinds, HeadScan.DROP);
        return new FieldNames(names, kinds);
    }

    int kindOf(byte[] b, int at, int length, int hash) {
        for (int i = 0; i < names.length; i++) {
            if (hashes[i] == hash && equalsIgnoreCase(b, at, length, names[i])) {
                return kinds[i];
            }
        }
        return HeadScan.KEEP;
    }

    /** Whether {@code length} bytes at {@code at} are {@code lower} in any case; {@code lower} is lower case. */
    static boolean equalsIgnoreCase(byte[] b, int at, int length, byte[] lower) {
        if (length != lower.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            int c = b[at + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
