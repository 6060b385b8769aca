package dev.linnet.controller.source;

/**
 * The API server's own size limits, applied in manifest mode before the expensive work, so a
 * file nobody could {@code kubectl apply} never stalls the source (issue 15, item 5: a 5 MB
 * annotation blocked every manifest update for 17–27 s).
 */
final class ManifestLimits {

    /**
     * A whole file; larger ones are refused unread. Not an API server limit (kubectl sends each
     * object of a file on its own): generous, for generated files of thousands of objects, and
     * still far below what would exhaust the heap.
     */
    static final long MAX_FILE_BYTES = 16L << 20;
    /** One object as stored (etcd's default request limit, which the API server enforces). */
    static final int MAX_OBJECT_BYTES = 3 << 19; // 1.5 MiB
    /** All annotations of one object, keys and values ({@code TotalAnnotationSizeLimitB}). */
    static final int MAX_ANNOTATIONS_BYTES = 256 << 10;

    private ManifestLimits() {
    }

    static ManifestException tooLarge(String file, int line, String what, long size, long limit) {
        return new ManifestException(file, line, what + " is " + size + " bytes (expected: at most " + limit
                + "); not parsed");
    }

    /** The UTF-8 length of {@code s}, counted without encoding it. */
    static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
