package dev.linnet.controller.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The API server's own size limits, applied in manifest mode before the expensive work, so a
 * file nobody could {@code kubectl apply} never stalls the source (issue 15, item 5: a 5 MB
 * annotation blocked every manifest update for 17–27 s).
 */
final class ManifestLimits {

    /** A whole file; larger ones are refused unread. The API server takes 3 MiB per request. */
    static final long MAX_FILE_BYTES = 3L << 20;
    /** One object as stored (etcd's default request limit, which the API server enforces). */
    static final int MAX_OBJECT_BYTES = 3 << 19; // 1.5 MiB
    /** All annotations of one object, keys and values ({@code TotalAnnotationSizeLimitB}). */
    static final int MAX_ANNOTATIONS_BYTES = 256 << 10;

    private ManifestLimits() {
    }

    /** The file's text, or a refusal when its size (as stat'ed) is over {@link #MAX_FILE_BYTES}. */
    static String readCapped(Path file, long size) throws IOException, ManifestException {
        if (size > MAX_FILE_BYTES) {
            throw tooLarge(file.toString(), 1, "file", size, MAX_FILE_BYTES);
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > MAX_FILE_BYTES) { // grew since the stat
            throw tooLarge(file.toString(), 1, "file", bytes.length, MAX_FILE_BYTES);
        }
        // Strict, as Files.readString: a file that is not UTF-8 is refused, not garbled.
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    }

    static ManifestException tooLarge(String file, int line, String what, long size, long limit) {
        return new ManifestException(file, line, what + " is " + size + " bytes (expected: at most " + limit
                + ", the API server's limit); not parsed");
    }
}
