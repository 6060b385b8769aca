package dev.linnet.controller.annotation;

/**
 * How a warning quotes a value taken from an object: the one place that does it, so every
 * warning line (log, Kubernetes Event, {@code /debug} output) stays one short line whatever the
 * user wrote. An invalid 1 MB annotation once made a 1 MB log line (issue 15, item 6).
 *
 * <pre>
 *   "ten"                                      a short value, in full
 *   "aaaa…(first 100 characters)…" (1048576 characters)   a long one, cut, with its length
 * </pre>
 */
public final class WarningValue {

    /** Characters of a value shown before it is cut. */
    public static final int SHOWN = 100;

    /**
     * Characters of a whole warning kept ({@link #line}): the API server refuses Event messages
     * longer than this, and no log line needs more.
     */
    public static final int MAX_LINE = 1024;

    private WarningValue() {
    }

    /**
     * {@code s} in double quotes, control characters escaped so the warning stays one line;
     * when longer than {@value #SHOWN} characters, its first {@value #SHOWN} then {@code …" (N
     * characters)}.
     */
    public static String quote(String s) {
        boolean cut = s.length() > SHOWN;
        int shown = cut ? SHOWN : s.length();
        if (cut && Character.isHighSurrogate(s.charAt(shown - 1))) {
            shown--; // never split a character in two
        }
        StringBuilder b = new StringBuilder(shown + 32).append('"');
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    // C0, DEL, C1 (NEL among them) and the Unicode line and paragraph
                    // separators: anything a log reader might take for a line break.
                    if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (cut) {
            return b.append("…\" (").append(s.length()).append(" characters)").toString();
        }
        return b.append('"').toString();
    }

    /**
     * A whole warning, at most {@value #MAX_LINE} characters: the guard for text that quotes
     * nothing itself (a path or a parser's message), so no warning is ever unbounded.
     */
    public static String line(String message) {
        if (message.length() <= MAX_LINE) {
            return message;
        }
        String tail = "… (" + message.length() + " characters)";
        int keep = MAX_LINE - tail.length();
        if (Character.isHighSurrogate(message.charAt(keep - 1))) {
            keep--;
        }
        return message.substring(0, keep) + tail;
    }
}
