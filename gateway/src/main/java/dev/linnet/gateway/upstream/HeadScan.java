package dev.linnet.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One pass over an upstream response head, deciding whether it may be passed through
 * ({@link UpstreamCodec}) and noting where its fields are. It accepts only the plain form of a
 * head, narrower than what Netty's decoder takes, so that "accepted here" always implies
 * "decoded by Netty to the same fields": anything else (an HTTP/1.0 status line, obs-fold, a bare
 * CR or LF, a control or non-ASCII byte, a space before the colon, Transfer-Encoding, no or a
 * repeated or odd Content-Length, a Connection naming other fields, a head not whole in the
 * buffer) is a fallback to Netty, which then decodes or rejects it as before. Nothing here ever
 * rejects a response itself.
 *
 * <pre>
 *   "HTTP/1.1 " 3DIGIT [ SP reason ] CRLF
 *   *( token ":" OWS value OWS CRLF )       value bytes: VCHAR, SP, HTAB
 *   CRLF
 * </pre>
 *
 * The head's bytes are copied into an array in one bulk copy and scanned there: a plain loop over
 * an array cost a third of {@code ByteBuf.forEachByte}'s call per byte (measured with
 * {@code ResponsePassThroughBenchmark}), and field values, most of the bytes, are checked eight at
 * a time. A NUL written behind the copied bytes stops every loop,
 * so the loops need no bounds checks of their own. One scanner per event loop ({@link #get}): a
 * scan's results are used before the decoder returns.
 */
final class HeadScan {

    static final int MAX_HEAD = 64 * 1024; // the upstream decoder's maxHeaderSize: larger heads are Netty's to refuse
    private static final int FIRST_COPY = 1024; // most heads fit; a longer one is copied again, whole
    private static final int MAX_STATUS_LINE = 1024;
    private static final int MAX_LENGTH_DIGITS = 18; // fits a long

    // field kinds, by name
    static final int KEEP = 0;
    static final int DROP = 1; // hop-by-hop, or replaced by the gateway
    static final int SERVER = 2;
    static final int CONTENT_LENGTH = 3;
    static final int CONNECTION = 4; // dropped; only "close" or "keep-alive" are taken
    static final int REFUSE = 5; // Transfer-Encoding: Netty's path re-frames it

    private static final byte TCHAR = 1;
    private static final byte FIELD_CHAR = 2; // VCHAR, SP, HTAB (no obs-text: Netty's String round trip is not ours to vouch for)
    private static final byte[] CLASS = new byte[256];
    private static final byte[] LOWER = new byte[256];

    static {
        for (int c = 0x20; c < 0x7F; c++) {
            CLASS[c] |= FIELD_CHAR;
        }
        CLASS['\t'] |= FIELD_CHAR;
        String tchar = "!#$%&'*+-.^_`|~";
        for (int c = 0; c < 256; c++) {
            LOWER[c] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
            if (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c < 128 && tchar.indexOf(c) >= 0) {
                CLASS[c] |= TCHAR;
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final byte[] PREFIX = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};

    private static final FastThreadLocal<HeadScan> SCANS = new FastThreadLocal<>() {
        @Override
        protected HeadScan initialValue() {
            return new HeadScan();
        }
    };

    private byte[] b = new byte[FIRST_COPY + 1];
    private int copied;

    // results
    int status;
    int end; // the head's length, its last LF included
    int count; // fields
    int[] fields = new int[2 * 16]; // per field: its line's start (an offset in the head), its kind
    long contentLength;
    int contentLengths;
    boolean upstreamClose;
    boolean server;

    private HeadScan() {
    }

    /** This event loop's scanner. */
    static HeadScan get() {
        return SCANS.get();
    }

    /** The head's bytes, from offset 0 ({@link #end} of them); valid until the next scan. */
    byte[] bytes() {
        return b;
    }

    /**
     * Scans the head at the reader index of {@code in} without moving it.
     *
     * @param extra names the route's edits replace or hide (dropped too), or null
     * @return whether the head is whole and plain enough to pass through
     */
    boolean scan(ByteBuf in, FieldNames extra) {
        int available = Math.min(in.readableBytes(), MAX_HEAD);
        int copied = copy(in, Math.min(available, FIRST_COPY));
        if (scanCopy(extra)) {
            return true;
        }
        if (end >= 0 || copied == available) {
            return false; // not plain, or not whole in this read
        }
        copy(in, available); // ran out of bytes in the first copy only: a long head
        return scanCopy(extra);
    }

    private int copy(ByteBuf in, int n) {
        if (b.length < n + 1) {
            b = new byte[n + 1]; // kept: a loop that met one long head will meet more (at most 64 KiB)
        }
        in.getBytes(in.readerIndex(), b, 0, n);
        b[n] = 0; // the stop for every loop below
        copied = n;
        return n;
    }

    /** @return true when plain; else {@link #end} is -1 when the copy ended inside the head, -2 when not plain */
    private boolean scanCopy(FieldNames extra) {
        byte[] b = this.b;
        end = -2;
        count = 0;
        contentLengths = 0;
        contentLength = -1;
        upstreamClose = false;
        server = false;
        for (int i = 0; i < PREFIX.length; i++) {
            if (b[i] != PREFIX[i]) {
                return stopped(b, i);
            }
        }
        int p = PREFIX.length;
        int code = 0;
        for (; p < PREFIX.length + 3; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return stopped(b, p);
            }
            code = code * 10 + d;
        }
        status = code;
        if (b[p] == ' ') {
            p++;
            while ((CLASS[b[p] & 0xFF] & FIELD_CHAR) != 0) {
                p++;
            }
        }
        if (p > MAX_STATUS_LINE) {
            return false;
        }
        if (b[p] != '\r' || b[p + 1] != '\n') {
            return stopped(b, b[p] == '\r' ? p + 1 : p);
        }
        p += 2;
        while (true) {
            int line = p;
            int c = b[p] & 0xFF;
            if (c == '\r') {
                if (b[p + 1] != '\n') {
                    return stopped(b, p + 1);
                }
                end = p + 2;
                return contentLengths == 1 && status >= 200 && status < 600
                        && status != 204 && status != 205 && status != 304;
            }
            int hash = 0;
            while ((CLASS[c] & TCHAR) != 0) {
                hash = 31 * hash + LOWER[c];
                c = b[++p] & 0xFF;
            }
            if (p == line || c != ':') {
                return stopped(b, p); // obs-fold, a space before the colon, garbage
            }
            int kind = FieldNames.RESPONSE.kindOf(b, line, p - line, hash);
            if (kind == KEEP && extra != null) {
                kind = extra.kindOf(b, line, p - line, hash);
            }
            if (kind == REFUSE) {
                return false;
            }
            p++;
            while (b[p] == ' ' || b[p] == '\t') {
                p++;
            }
            int valueStart = p;
            while (true) {
                p = skipPrintable(b, p, copied);
                if ((CLASS[c = b[p] & 0xFF] & FIELD_CHAR) == 0) {
                    break;
                }
                p++; // a HTAB, or a byte of the last few
            }
            if (c != '\r' || b[p + 1] != '\n') {
                return stopped(b, c == '\r' ? p + 1 : p);
            }
            int valueEnd = p;
            while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
                valueEnd--; // trailing OWS is not part of the value (RFC 9110 §5.5)
            }
            p += 2;
            if (!field(b, line, kind, valueStart, valueEnd)) {
                return false;
            }
        }
    }

    /**
     * The index of the first byte at or after {@code p} that may not be VCHAR or SP, looking at
     * eight bytes at a time (a field value is most of a head's bytes); only whole words before
     * {@code limit}. Any byte below 0x20, 0x7F or above stops a word, which the caller then reads
     * byte by byte.
     */
    private static int skipPrintable(byte[] b, int p, int limit) {
        while (p + 8 <= limit) {
            long w = (long) LONGS.get(b, p);
            long control = (w - 0x2020202020202020L) & ~w; // a byte below 0x20 (or from 0x80) sets its top bit
            long del = (w ^ 0x7F7F7F7F7F7F7F7FL) - 0x0101010101010101L & ~(w ^ 0x7F7F7F7F7F7F7F7FL); // a 0x7F
            if (((control | del | w) & 0x8080808080808080L) != 0) {
                return p;
            }
            p += 8;
        }
        return p;
    }

    /** A loop stopped at {@code p}: on the NUL behind the copy (more bytes may complete the head), or on a bad byte. */
    private boolean stopped(byte[] b, int p) {
        end = p >= copied ? -1 : -2;
        return false;
    }

    private boolean field(byte[] b, int line, int kind, int valueStart, int valueEnd) {
        switch (kind) {
            case CONTENT_LENGTH -> {
                int n = valueEnd - valueStart;
                if (n == 0 || n > MAX_LENGTH_DIGITS) {
                    return false;
                }
                long value = 0;
                for (int i = valueStart; i < valueEnd; i++) {
                    int d = b[i] - '0';
                    if (d < 0 || d > 9) {
                        return false;
                    }
                    value = value * 10 + d;
                }
                contentLength = value;
                contentLengths++;
            }
            case CONNECTION -> {
                if (FieldNames.equalsIgnoreCase(b, valueStart, valueEnd - valueStart, FieldNames.CLOSE)) {
                    upstreamClose = true;
                } else if (!FieldNames.equalsIgnoreCase(b, valueStart, valueEnd - valueStart, FieldNames.KEEP_ALIVE)) {
                    return false; // it names other fields as hop-by-hop: Netty's path strips them
                }
            }
            case SERVER -> server = true;
            default -> {
            }
        }
        int at = 2 * count;
        if (at == fields.length) {
            fields = Arrays.copyOf(fields, 2 * at);
        }
        fields[at] = line;
        fields[at + 1] = kind;
        count++;
        return true;
    }

    /** The case-insensitive hash {@link HeadScan} computes over a field name's bytes. */
    static int hash(CharSequence name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + LOWER[name.charAt(i) & 0xFF];
        }
        return h;
    }
}
