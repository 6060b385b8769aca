package dev.linnet.controller.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a poll compares to decide that a file changed without reading it. The file key (device
 * and inode) catches an editor's write-to-temp-then-rename, even when size and time agree.
 */
record FileStamp(FileTime modified, long size, Object fileKey, boolean regularFile) {

    /** The stamp of {@code file} (following links), or {@code null} when it does not exist. */
    static FileStamp of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey(), a.isRegularFile());
        } catch (IOException e) {
            return null;
        }
    }
}
