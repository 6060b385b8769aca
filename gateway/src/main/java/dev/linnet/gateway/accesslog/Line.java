package dev.linnet.gateway.accesslog;

import dev.linnet.gateway.metrics.RequestTimeline.UpstreamTry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Latin-1 bytes being written into a reused, growing array (the request's own bytes, see
 * {@link Escaping}): each event loop formats its lines into one (no string built per line), the
 * writer thread gathers lines into another for the sink. Not thread-safe: one per thread.
 *
 * <pre>
 *   [line 1\n][line 2\n][line 3 being form|atted ...........free...........]
 *                                         ▲ length()
 * </pre>
 */
final class Line {

    private byte[] bytes;
    private int length;
    final LogTimes times;
    private AccessLogEntry triesOf; // the entry whose upstream tries are cached
    private UpstreamTry[] tries;

    Line(int capacity, LogTimes times) {
        this.bytes = new byte[capacity];
        this.times = times;
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Forgets everything from {@code at} on (a line that failed half-way, a batch written). */
    void truncate(int at) {
        length = at;
        triesOf = null;
        tries = null;
    }

    /** {@code e}'s upstream tries, read from its timeline once per line (four variables list them). */
    UpstreamTry[] tries(AccessLogEntry e) {
        if (triesOf != e) {
            triesOf = e;
            tries = e.timeline().tries();
        }
        return tries;
    }

    private void room(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
    }

    Line append(char c) {
        room(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** {@code s} as it is, Latin-1 (its characters are below 0x100: literal text, numbers, names). */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): Latin-1 bytes copied whole
    Line append(String s) {
        int n = s.length();
        room(n);
        s.getBytes(0, n, bytes, length);
        length += n;
        return this;
    }

    /** {@code s}'s characters from {@code from} to {@code to} as they are. */
    @SuppressWarnings("deprecation")
    Line append(String s, int from, int to) {
        room(to - from);
        s.getBytes(from, to, bytes, length);
        length += to - from;
        return this;
    }

    Line append(byte[] b) {
        return append(b, 0, b.length);
    }

    Line append(byte[] b, int from, int n) {
        room(n);
        System.arraycopy(b, from, bytes, length, n);
        length += n;
        return this;
    }

    /** {@code v} in decimal. */
    Line append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        room(digits);
        int end = length + digits;
        for (int i = end - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length = end;
        return this;
    }

    /** The text from {@code from} on (tests, tools). */
    String text(int from) {
        return new String(bytes, from, length - from, StandardCharsets.ISO_8859_1);
    }
}
