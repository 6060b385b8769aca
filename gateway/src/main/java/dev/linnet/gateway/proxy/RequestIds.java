package dev.linnet.gateway.proxy;

import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;

/**
 * 32 hex characters, like ingress-nginx's {@code $req_id} (16 random bytes). An {@link AsciiString}
 * over the bytes it fills: the encoder copies them as they are, with no String in between.
 */
final class RequestIds {

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private RequestIds() {
    }

    static AsciiString next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] out = new byte[32];
        fill(out, 0, random.nextLong());
        fill(out, 16, random.nextLong());
        return new AsciiString(out, false);
    }

    private static void fill(byte[] out, int offset, long bits) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
    }
}
