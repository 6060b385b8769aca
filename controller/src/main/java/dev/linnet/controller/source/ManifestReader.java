package dev.linnet.controller.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and parses one manifest file. No state of its own, so {@link FileSource} runs it on
 * reader threads, one file at a time each: a file that is slow to parse never holds back
 * another file's edit (issue 15, item 5).
 */
final class ManifestReader {

    /** What a read found. */
    sealed interface Result permits Parsed, Refused, Changed {
    }

    /** The file's objects. */
    record Parsed(List<HasMetadata> objects) implements Result {
    }

    /** The file cannot be served as it is: {@code problem} says why (file, line or object, reason). */
    record Refused(String problem) implements Result {
    }

    /** The file changed (or went away) while it was read: read it again once due. */
    record Changed(FileStamp now) implements Result {
    }

    private final ManifestParser parser = new ManifestParser();

    /** Reads {@code file}, stat'ed as {@code stamp} just before. */
    Result read(Path file, FileStamp stamp) {
        String text;
        try {
            if (stamp.size() > ManifestLimits.MAX_FILE_BYTES) {
                throw ManifestLimits.tooLarge(file.toString(), 1, "file", stamp.size(), ManifestLimits.MAX_FILE_BYTES);
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > ManifestLimits.MAX_FILE_BYTES) { // grew since the stat
                throw ManifestLimits.tooLarge(file.toString(), 1, "file", bytes.length, ManifestLimits.MAX_FILE_BYTES);
            }
            // Strict, as Files.readString: a file that is not UTF-8 is refused, not garbled.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            return new Changed(null); // deleted between stat and read
        } catch (ManifestException e) {
            return new Refused(e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return new Refused(file + ": cannot be read (" + e.getMessage() + ')');
        }
        FileStamp after = FileStamp.of(file);
        if (!stamp.equals(after)) {
            return new Changed(after);
        }
        try {
            return new Parsed(List.copyOf(parser.parse(file.toString(), text)));
        } catch (ManifestException e) {
            return new Refused(e.getMessage());
        }
    }
}
