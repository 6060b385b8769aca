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
    private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

    /** Appends {@code value} escaped; {@code null} is a missing variable. */
    void append(StringBuilder out, CharSequence value) {
        if (value == null) {
            missing(out);
            return;
        }
        switch (this) {
            case DEFAULT -> appendDefault(out, value);
            case JSON -> appendJson(out, value);
            case NONE -> out.append(value);
        }
    }

    /** What a variable without a value writes. */
    void missing(StringBuilder out) {
        if (this == DEFAULT) {
            out.append('-');
        }
    }

    private static void appendDefault(StringBuilder out, CharSequence v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c > 0x7E) {
                out.append('\\').append('x').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
    }

    private static void appendJson(StringBuilder out, CharSequence v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX_LOWER[c >> 4]).append(HEX_LOWER[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
