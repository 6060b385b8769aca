package dev.linnet.controller.annotation;

/**
 * nginx's size syntax, as {@code client_max_body_size} reads it ({@code ngx_parse_offset}): a
 * decimal number of bytes, optionally followed by {@code k}, {@code m} or {@code g} (either
 * case, powers of 1024). No spaces, signs, decimals or other units. Used by the
 * {@code proxy-body-size} annotation and the {@code --max-body-size} flag alike.
 */
public final class NginxSize {

    /** For messages: {@code ... (expected: <this>)}. */
    public static final String EXPECTED = "a size in bytes with an optional k, m or g suffix, e.g. 512k or 8m;"
            + " 0 for unlimited";

    private NginxSize() {
    }

    /** The size in bytes, or -1 when {@code raw} is not a valid size. */
    public static long parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return -1;
        }
        int end = raw.length();
        long unit = switch (raw.charAt(end - 1)) {
            case 'k', 'K' -> 1024L;
            case 'm', 'M' -> 1024L * 1024;
            case 'g', 'G' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        if (unit != 1) {
            end--;
        }
        if (end == 0 || end > 18) { // 18 digits cannot overflow a long before the unit
            return -1;
        }
        long n = 0;
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n > Long.MAX_VALUE / unit ? -1 : n * unit;
    }
}
