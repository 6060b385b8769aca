package dev.linnet.gateway.accesslog;

/**
 * How variable values are written into a line (annotations-spec.md §7.1 "Escaping"), as nginx's
 * {@code log_format escape=}. Values are the request's bytes as Latin-1 characters (how Netty
 * decodes a head), so a character above {@code 0xFF} cannot occur; the line is written back as
 * Latin-1, byte for byte.
 *
 * <pre>
 *   DEFAULT  "  \  bytes &lt; 0x20 or &gt; 0x7E  ─▶ \xHH      a missing variable ─▶ -
 *   JSON     "  \  ─▶ \"  \\ ; \n \r \t \b \f ; other &lt; 0x20 ─▶ \\u00HH; a missing variable ─▶ nothing
 *   NONE     as it is                                          a missing variable ─▶ nothing
 * </pre>
 *
 * An empty value writes nothing in every mode.
 */
public enum Escaping {
    /** nginx's default ({@code ngx_http_log_escape}). */
    DEFAULT,
    /** {@code log-format-escape-json} ({@code ngx_escape_json}). */
    JSON,
    /** {@code log-format-escape-none}: wins over JSON. */
    NONE;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Appends {@code value} escaped; {@code null} is a missing variable. */
    void append(Line out, CharSequence value) {
        if (value == null) {
            missing(out);
            return;
        }
        switch (this) {
            case DEFAULT -> appendDefault(out, value);
            case JSON -> appendJson(out, value);
            case NONE -> appendNone(out, value);
        }
    }

    /** The same into a {@link StringBuilder} (tests, tools; the writer formats into a {@link Line}). */
    void append(StringBuilder out, CharSequence value) {
        Line line = new Line(16, null);
        append(line, value);
        out.append(line.text(0));
    }

    /** What a variable without a value writes. */
    void missing(Line out) {
        if (this == DEFAULT) {
            out.append('-');
        }
    }

    private static void appendNone(Line out, CharSequence v) {
        if (v instanceof String s) {
            out.append(s);
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            out.append(v.charAt(i));
        }
    }

    private static void appendDefault(Line out, CharSequence v) {
        int n = v.length();
        int i = 0;
        if (v instanceof String s) { // the usual case: nothing to escape, copied whole
            while (i < n && plain(s.charAt(i))) {
                i++;
            }
            out.append(s, 0, i);
        }
        for (; i < n; i++) {
            char c = v.charAt(i);
            if (plain(c)) {
                out.append(c);
            } else {
                out.append('\\').append('x').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
        }
    }

    private static boolean plain(char c) {
        return c >= 0x20 && c <= 0x7E && c != '"' && c != '\\';
    }

    private static void appendJson(Line out, CharSequence v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> out.append('\\').append('"');
                case '\\' -> out.append('\\').append('\\');
                case '\n' -> out.append('\\').append('n');
                case '\r' -> out.append('\\').append('r');
                case '\t' -> out.append('\\').append('t');
                case '\b' -> out.append('\\').append('b');
                case '\f' -> out.append('\\').append('f');
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]); // capitals, as ngx_escape_json
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
