package dev.linnet.gateway.proxy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's temporary files for request bodies longer than their memory buffer (nginx's
 * {@code client_body_temp_path}): one owner-only directory, a budget of bytes on disk shared by
 * every request, and the threads that write the files.
 *
 * <p><b>Why writes leave the event loop.</b> nginx writes its temporary files on the worker
 * (page-cache writes, {@code aio} off by default). Measured on a 2-core VM with other load:
 * one 16 KiB {@code FileChannel.write} takes 59 µs at the median, but 3.5 ms at p99 and up to
 * 176 ms when the kernel throttles dirty pages; 64 KiB: 175 µs, 7 ms, 134 ms. An event loop
 * serves thousands of connections, so a body's writes go to two shared threads instead; the
 * body reads nothing more from its client until its write is done (back-pressure), so one write
 * per upload is in flight and the queue is as long as the number of uploads spilling at once.
 * Reading the file back to the upstream stays on the loop: {@code sendfile} on plain
 * connections, positional reads of just-written (page-cached) data on TLS ones, as in nginx.
 *
 * <p><b>No file outlives its request.</b> Files are opened with {@code DELETE_ON_CLOSE}, which
 * on POSIX unlinks the name at once (nginx does the same for {@code client_body_temp_path}
 * files): the directory stays empty, a crash leaves nothing behind, and the space comes back
 * when the last holder of the body ({@link SpooledBody}) lets go, on every path.
 */
final class BodySpool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BodySpool.class);
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Path dir; // null: no temporary files (budget 0, or the directory is unusable)
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();
    private final AtomicInteger openFiles = new AtomicInteger();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final ThreadPoolExecutor writers;

    private BodySpool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = dir == null ? 0 : maxBytes;
        AtomicInteger threads = new AtomicInteger();
        this.writers = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "linnet-client-body-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        writers.allowCoreThreadTimeOut(true); // a gateway whose bodies fit in memory starts no thread
    }

    /**
     * The spool of {@code settings}: its directory is created owner-only ({@code rwx------}), or
     * tightened to that when it exists and belongs to us. A directory that is a symbolic link,
     * belongs to another user or cannot be made owner-only is not used (fails closed): a warning
     * names it, and bodies longer than their memory buffer get 500.
     */
    static BodySpool open(ClientBodyBuffer settings) {
        if (settings.tempMaxSize() == 0) {
            return new BodySpool(null, 0);
        }
        Path dir = settings.tempPath().toAbsolutePath();
        try {
            prepare(dir);
            return new BodySpool(dir, settings.tempMaxSize());
        } catch (IOException | RuntimeException e) {
            log.warn("--client-body-temp-path {}: {} (expected: a directory of this user, owner-only);"
                    + " no temporary files: a buffered request body longer than client-body-buffer-size gets 500",
                    dir, e.getMessage());
            return new BodySpool(null, 0);
        }
    }

    private static void prepare(Path dir) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("not a directory (or a symbolic link)");
        }
        if (posix) {
            Path probe = Files.createTempFile(dir, "owner-", ".probe"); // who we are, as the file system sees it
            UserPrincipal me;
            try {
                me = Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
            } finally {
                Files.delete(probe);
            }
            if (!me.equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
                throw new IOException("owned by " + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS) + ", not " + me);
            }
            if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(OWNER_DIR)) {
                Files.setPosixFilePermissions(dir, OWNER_DIR); // the umask, or a directory made by hand
            }
        }
    }

    /** Whether bodies may go to disk at all. */
    boolean enabled() {
        return dir != null;
    }

    /** Takes {@code bytes} of the budget; false, with nothing taken, when they do not fit. */
    boolean reserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > maxBytes) {
                warn("the temporary files of request bodies reached --client-body-temp-max-size ({} bytes): a body"
                        + " that needs more gets 500", maxBytes);
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** A file's reserved bytes are free again (its file was closed). */
    void free(long bytes) {
        used.addAndGet(-bytes);
    }

    /** A new temporary file, owner-only, already unlinked where the platform allows it. */
    FileChannel newFile() throws IOException {
        if (dir == null) {
            throw new IOException("no temporary files");
        }
        Path path = dir.resolve("body-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        FileChannel file = FileChannel.open(path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE), OWNER_FILE);
        openFiles.incrementAndGet();
        return file;
    }

    /** A file of {@link #newFile} was closed. */
    void closed(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("closing a request body's temporary file: {}", e.toString());
        }
        openFiles.decrementAndGet();
    }

    /** Runs file writes off the event loops. */
    Executor writers() {
        return writers;
    }

    /** Bytes in temporary files now (reserved for writes under way included). */
    long usedBytes() {
        return used.get();
    }

    /** Temporary files open now. */
    int openFiles() {
        return openFiles.get();
    }

    /** Logs a write failure, at most once per 10 s (a full disk fails every upload). */
    void writeFailed(IOException e) {
        warn("a request body's temporary file could not be written ({}): 500", e.toString());
    }

    private void warn(String format, Object arg) {
        long last = lastWarning.get();
        long now = System.nanoTime();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn(format, arg);
        }
    }

    /** Stops the writer threads; writes under way end, their bodies close their files. */
    @Override
    public void close() {
        writers.shutdown();
    }
}
