package dev.linnet.gateway.policy;

/**
 * CRC-32 (IEEE, as nginx's {@code ngx_crc32_long} and zlib) over the UTF-8 bytes of characters,
 * fed piece by piece without building a string or a byte array: a hash key made of several
 * request variables costs no allocation.
 *
 * <pre>
 *   int crc = Crc32.START; crc = Crc32.update(crc, "a", 0, 1); …; int hash = Crc32.finish(crc);
 * </pre>
 */
final class Crc32 {

    static final int START = 0xFFFFFFFF;

    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Crc32() {
    }

    static int update(int crc, CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                crc = b(crc, c);
            } else if (c < 0x800) {
                crc = b(b(crc, 0xC0 | c >> 6), 0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                crc = b(b(b(b(crc, 0xF0 | cp >> 18), 0x80 | cp >> 12 & 0x3F), 0x80 | cp >> 6 & 0x3F), 0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                crc = b(crc, '?'); // a lone surrogate, encoded as String.getBytes(UTF_8) does
            } else {
                crc = b(b(b(crc, 0xE0 | c >> 12), 0x80 | c >> 6 & 0x3F), 0x80 | c & 0x3F);
            }
        }
        return crc;
    }

    static int update(int crc, CharSequence s) {
        return update(crc, s, 0, s.length());
    }

    static int finish(int crc) {
        return ~crc;
    }

    /** The CRC-32 of {@code s}'s UTF-8 bytes. */
    static int of(CharSequence s) {
        return finish(update(START, s));
    }

    private static int b(int crc, int octet) {
        return TABLE[(crc ^ octet) & 0xFF] ^ crc >>> 8;
    }
}
