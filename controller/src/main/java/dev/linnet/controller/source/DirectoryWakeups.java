package dev.linnet.controller.source;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes {@link FileSource}'s poller as soon as the kernel reports a change (inotify on Linux),
 * so an edit is seen in about a millisecond instead of up to one poll interval later.
 *
 * <p>Only a hint: the events themselves are not interpreted. Polling stays the source of truth,
 * because it sees what inotify misses or reports ambiguously (symlinked ConfigMap entries, a
 * watched directory deleted and re-created, file systems without notifications). When the
 * watch cannot be set up (say, the inotify limit is reached), polling alone keeps working.
 */
final class DirectoryWakeups implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(DirectoryWakeups.class);

    private final WatchService watcher;
    private final Thread thread;

    private DirectoryWakeups(WatchService watcher, Runnable wake) {
        this.watcher = watcher;
        this.thread = new Thread(() -> run(wake), "linnet-file-wakeups");
        this.thread.setDaemon(true);
    }

    /**
     * Watches the directories of {@code roots} (a directory itself, or a file's parent) and calls
     * {@code wake} on the watching thread after every batch of events.
     *
     * @return the running watch, or {@code null} when the platform could not provide one
     */
    static DirectoryWakeups start(List<Path> roots, Runnable wake) {
        requireNonNull(wake, "wake");
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path root : roots) {
            Path dir = Files.isDirectory(root) ? root : root.getParent();
            if (dir != null) {
                dirs.add(dir);
            }
        }
        WatchService watcher = null;
        try {
            watcher = dirs.isEmpty() ? null : dirs.iterator().next().getFileSystem().newWatchService();
            if (watcher == null) {
                return null;
            }
            for (Path dir : dirs) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
            }
        } catch (IOException | UnsupportedOperationException e) {
            logger.info("no file change notifications for {} ({}); polling only", dirs, e.toString());
            closeQuietly(watcher);
            return null;
        }
        DirectoryWakeups wakeups = new DirectoryWakeups(watcher, wake);
        wakeups.thread.start();
        return wakeups;
    }

    private void run(Runnable wake) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents(); // overflow included: any event only means "poll now"
                key.reset();
                wake.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: polling was stopped too
        } catch (RuntimeException e) {
            logger.warn("file change notifications stopped; polling only", e);
        }
    }

    @Override
    public void close() {
        closeQuietly(watcher);
        thread.interrupt();
    }

    private static void closeQuietly(WatchService watcher) {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                logger.debug("closing the watch service failed", e);
            }
        }
    }
}
