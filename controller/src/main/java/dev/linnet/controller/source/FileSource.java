package dev.linnet.controller.source;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.controller.build.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manifest mode: the objects of every {@code *.yaml}, {@code *.yml} and {@code *.json} file
 * under the given paths, reloaded when the files change.
 *
 * <p>Decisions, and why:
 * <ul>
 *   <li><b>Directories are read one level deep</b>, like {@code kubectl apply -f DIR} without
 *       {@code -R}. Hidden files are ignored: editors' lock files ({@code .#x.yaml}) and a
 *       mounted ConfigMap's {@code ..data} directory are not manifests (a ConfigMap's visible
 *       entries are symlinks into {@code ..data}, and links are followed). A path named
 *       explicitly is read whatever its extension.</li>
 *   <li><b>Polling, woken early by {@code WatchService}</b>: every {@value #DEFAULT_POLL_MILLIS} ms
 *       each file is stat'ed (modification time, size, inode), and at once when the kernel reports
 *       a change in a watched directory ({@link DirectoryWakeups}). Polling sees through symlink swaps
 *       (ConfigMap volumes), works for single files and for directories that are deleted and
 *       re-created, and behaves the same on every file system; a stat per file ten times a
 *       second costs nothing next to a request. A file system whose timestamps are coarser
 *       than an edit (same size, same second) may hide that edit; ext4, xfs, btrfs and tmpfs
 *       keep nanoseconds.</li>
 *   <li><b>Renames are read at once; in-place edits are debounced, per file</b>. A file whose
 *       inode changed under the same name was renamed into place (an editor's or kubectl's
 *       temp-then-rename, a ConfigMap volume's symlink swap): it is complete, so it is read at
 *       the poll that sees it. Any other change is read once that file has had no further
 *       change for {@value #DEFAULT_QUIET_MILLIS} ms, so an editor's truncate-then-write is read
 *       once, whole; but never later than {@value #DEFAULT_MAX_WAIT_MILLIS} ms after its first
 *       unread change, so a file written continuously is still read (issue 15, item 3). Each
 *       file has its own timers ({@link WatchedFile}): edits to other files never hold one
 *       back. The file is stat'ed again after reading: if it changed meanwhile, it stays
 *       pending.</li>
 *   <li><b>Removals by an in-place edit wait for a second read</b> (issue 15, item 4). A read of
 *       a file being written can look complete and lack its last documents (a writer that
 *       pauses between them longer than the quiet period). So objects that vanish from a file
 *       edited in place keep serving until the file has been quiet for
 *       {@value #DEFAULT_CONFIRM_MILLIS} ms and a second read agrees; added and changed objects
 *       serve at once. A rename removes at once: the new file is complete. What remains: a
 *       writer that pauses mid-document can be read with that object cut short, and one that
 *       pauses longer than the confirm period loses its later objects meanwhile. Renaming into
 *       place is the safe way to write.</li>
 *   <li><b>Per-file last good content</b>: a file that does not parse, or that exceeds the API
 *       server's limits ({@link ManifestLimits}), is reported (file, line or object, reason) at
 *       WARN and its previous good objects keep serving.</li>
 * </ul>
 *
 * <pre>
 *   poll (every 100 ms, or woken by inotify) ─▶ stat all files ─▶ new inode? ─▶ read + parse now
 *                                          ├▶ other change? ─▶ that file pending (first, last change)
 *                                          ├▶ pending file quiet ≥ 200 ms, or first change ≥ 500 ms
 *                                          │    ago? ─▶ read + parse it; hold objects it lost
 *                                          └▶ holding file quiet ≥ 2 s? ─▶ read again, drop what is gone
 *                                               ─▶ per-file served objects ─▶ merge ─▶ snapshot ─▶ onChange
 * </pre>
 *
 * From a save to a new snapshot: a rename is read within milliseconds (inotify) or one poll
 * interval (without it); an in-place edit after one quiet period rounded up to the next poll,
 * about 300 ms, at most {@value #DEFAULT_MAX_WAIT_MILLIS} ms plus a poll while it keeps changing.
 */
public final class FileSource implements Source {

    private static final Logger logger = LoggerFactory.getLogger(FileSource.class);

    static final long DEFAULT_POLL_MILLIS = 100;
    static final long DEFAULT_QUIET_MILLIS = 200;
    static final long DEFAULT_MAX_WAIT_MILLIS = 500;
    static final long DEFAULT_CONFIRM_MILLIS = 2000;
    /** Files read and parsed at once: a slow one leaves the other thread to everyone else. */
    private static final int READER_THREADS = 2;

    /** The source's clock-driven timings; tests shorten or inject them. */
    record Timings(Duration poll, Duration quiet, Duration maxWait, Duration confirm) {

        static final Timings DEFAULT = new Timings(Duration.ofMillis(DEFAULT_POLL_MILLIS),
                Duration.ofMillis(DEFAULT_QUIET_MILLIS), Duration.ofMillis(DEFAULT_MAX_WAIT_MILLIS),
                Duration.ofMillis(DEFAULT_CONFIRM_MILLIS));

        Timings {
            requireNonNull(poll, "poll");
            requireNonNull(quiet, "quiet");
            requireNonNull(maxWait, "maxWait");
            requireNonNull(confirm, "confirm");
            if (maxWait.compareTo(quiet) < 0) {
                throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= quiet " + quiet + ')');
            }
        }
    }

    private final List<Path> roots;
    private final LongSupplier nanoClock;
    private final long quietNanos;
    private final long maxWaitNanos;
    private final long confirmNanos;
    private final long pollMillis;
    private final ManifestReader reader = new ManifestReader();
    private final Queue<Done> done = new ConcurrentLinkedQueue<>(); // reads that ran, for the poller to apply

    // Owned by the polling thread (or by a test driving poll() itself).
    private Map<Path, FileStamp> observed = new TreeMap<>();
    private final Map<Path, WatchedFile> files = new TreeMap<>(); // path order decides duplicates
    private final Set<Path> missingRoots = new HashSet<>();
    private Runnable listener = () -> { };

    private volatile ClusterState snapshot = ClusterState.EMPTY;
    private volatile boolean synced;
    private ScheduledExecutorService poller;
    private DirectoryWakeups wakeups; // null when the platform has no change notifications
    // Before start() (the initial load, tests driving poll()): reads run on the calling thread.
    private volatile Executor readers = Runnable::run;
    private ExecutorService readerPool;
    private volatile Runnable wakePoller = () -> { };

    private FileSource(List<Path> roots, LongSupplier nanoClock, Timings timings) {
        this.roots = List.copyOf(requireNonNull(roots, "roots"));
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.quietNanos = timings.quiet().toNanos();
        this.maxWaitNanos = timings.maxWait().toNanos();
        this.confirmNanos = timings.confirm().toNanos();
        this.pollMillis = Math.max(1, timings.poll().toMillis());
    }

    /**
     * A source over {@code paths} (directories or files) with the default timings.
     *
     * @throws IllegalArgumentException when {@code paths} is empty or a path does not exist
     */
    public static FileSource of(List<Path> paths) {
        return of(paths, System::nanoTime, Timings.DEFAULT);
    }

    /** Same, with the clock and the timings injected (tests). */
    static FileSource of(List<Path> paths, LongSupplier nanoClock, Timings timings) {
        requireNonNull(paths, "paths");
        requireNonNull(timings, "timings");
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("paths: [] (expected: at least one file or directory)");
        }
        List<Path> roots = new ArrayList<>();
        for (Path p : paths) {
            Path abs = requireNonNull(p, "path").toAbsolutePath().normalize();
            if (!Files.exists(abs)) {
                throw new IllegalArgumentException("manifests: " + p + " (expected: an existing file or directory)");
            }
            roots.add(abs);
        }
        return new FileSource(roots, nanoClock, timings);
    }

    /**
     * Reads every manifest under {@code paths} once, by the same rules as {@code serve
     * --manifests} (which files, how they parse, a later file's object replacing an earlier one
     * of the same name), without watching: what {@code linnet check} inspects. Unlike serving,
     * where a file that cannot be read is skipped with a warning and the rest served, any such
     * file is an error here: a report over part of the objects would mislead.
     *
     * @throws IllegalArgumentException naming the path or file and what is wrong with it
     */
    public static ClusterState readOnce(List<Path> paths) {
        FileSource source = of(paths);
        Map<Path, FileStamp> files = source.scan();
        for (Path root : source.roots) {
            if (!Files.isReadable(root)) {
                throw new IllegalArgumentException(root + ": cannot be read");
            }
        }
        for (Map.Entry<Path, FileStamp> e : files.entrySet()) {
            ManifestReader.Result r = source.reader.read(e.getKey(), e.getValue());
            for (int tries = 0; r instanceof ManifestReader.Changed c && c.now() != null && tries < 3; tries++) {
                r = source.reader.read(e.getKey(), c.now()); // written to while we read: once more
            }
            if (r instanceof ManifestReader.Refused refused) {
                throw new IllegalArgumentException(refused.problem());
            }
            if (!(r instanceof ManifestReader.Parsed parsed)) {
                throw new IllegalArgumentException(e.getKey() + ": changed or went away while it was read");
            }
            WatchedFile f = source.files.computeIfAbsent(e.getKey(), k -> new WatchedFile());
            f.served = parsed.objects();
        }
        source.publish();
        return source.snapshot;
    }

    /** The paths read, absolute. */
    public List<Path> paths() {
        return roots;
    }

    @Override
    public synchronized void start(Runnable onChange) {
        if (poller != null) {
            throw new IllegalStateException("already started");
        }
        load(onChange);
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "linnet-file-source");
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService p = poller;
        Runnable wake = () -> {
            try {
                p.execute(this::pollQuietly); // on the polling thread, like every poll
            } catch (RejectedExecutionException e) {
                // closing
            }
        };
        readerPool = Executors.newFixedThreadPool(READER_THREADS, r -> {
            Thread t = new Thread(r, "linnet-manifest-reader");
            t.setDaemon(true);
            return t;
        });
        readOn(readerPool, wake);
        poller.scheduleWithFixedDelay(this::pollQuietly, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        wakeups = DirectoryWakeups.start(roots, wake);
    }

    /**
     * The initial load without a polling thread: reads every file now, publishes the first
     * snapshot and calls {@code onChange}. Tests then drive {@link #poll()} themselves.
     */
    void load(Runnable onChange) {
        this.listener = requireNonNull(onChange, "onChange");
        observed = scan();
        long t = nanoClock.getAsLong();
        for (Map.Entry<Path, FileStamp> e : observed.entrySet()) {
            startRead(e.getKey(), files.computeIfAbsent(e.getKey(), k -> new WatchedFile()), e.getValue(), true);
        }
        for (Done d; (d = done.poll()) != null; ) {
            apply(d, t); // a file caught mid-write stays pending
        }
        publish();
        synced = true;
        logger.info("read {} manifest file(s) from {}: {}", files.size(), roots, describe(snapshot));
        listener.run();
    }

    /** Reads run on {@code executor} from now on, and call {@code wake} when done (tests, start()). */
    void readOn(Executor executor, Runnable wake) {
        this.readers = requireNonNull(executor, "executor");
        this.wakePoller = requireNonNull(wake, "wake");
    }

    @Override
    public boolean hasSynced() {
        return synced;
    }

    @Override
    public ClusterState snapshot() {
        return snapshot;
    }

    @Override
    public synchronized void close() {
        if (wakeups != null) {
            wakeups.close();
        }
        if (readerPool != null) {
            readerPool.shutdownNow(); // a read in progress finishes on its own; nobody applies it
        }
        if (poller != null) {
            poller.shutdownNow();
            try {
                poller.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // One bad poll must not stop watching: the scheduler would cancel the task.
            logger.warn("polling {} failed; trying again", roots, e);
        }
    }

    /**
     * One poll: notes changes; reads a file replaced by a rename at once, and each file edited in
     * place once it is due; confirms held removals; publishes a new snapshot when content changed.
     *
     * @return whether a new snapshot was published
     */
    boolean poll() {
        Map<Path, FileStamp> now = scan();
        long t = nanoClock.getAsLong();
        boolean contentChanged = false;
        Map<Path, FileStamp> before = observed;
        observed = now;
        for (Path p : union(before.keySet(), now.keySet())) {
            FileStamp was = before.get(p);
            FileStamp is = now.get(p);
            if (Objects.equals(was, is)) {
                continue;
            }
            WatchedFile f = files.computeIfAbsent(p, k -> new WatchedFile());
            if (was != null && is != null && !Objects.equals(was.fileKey(), is.fileKey()) && !f.reading) {
                startRead(p, f, is, true); // a new inode under the old name: renamed into place, complete
            } else {
                f.changed(t);
            }
        }
        for (Map.Entry<Path, WatchedFile> e : files.entrySet()) {
            WatchedFile f = e.getValue();
            if (f.due(t, quietNanos, maxWaitNanos)) {
                startRead(e.getKey(), f, now.get(e.getKey()), false);
            } else if (f.confirmDue(t, confirmNanos)) {
                startRead(e.getKey(), f, now.get(e.getKey()), true);
            }
        }
        for (Done d; (d = done.poll()) != null; ) {
            contentChanged |= apply(d, t);
        }
        files.entrySet().removeIf(e -> e.getValue().forgettable() && !now.containsKey(e.getKey()));
        if (!contentChanged) {
            return false;
        }
        publish();
        logger.info("manifests changed: {}", describe(snapshot));
        listener.run();
        return true;
    }

    /** A read that ran: of {@code file} as stat'ed {@code stamp} (null: the file is gone). */
    private record Done(Path file, FileStamp stamp, boolean removals, ManifestReader.Result result) {
    }

    /**
     * Reads {@code file} on a reader thread; the result is applied by a later poll (the reader
     * wakes the poller). With {@code removals} false, objects the file no longer has will be held
     * until a later read confirms.
     */
    private void startRead(Path file, WatchedFile f, FileStamp stamp, boolean removals) {
        f.startRead();
        if (stamp == null) {
            done.add(new Done(file, null, removals, null)); // gone: nothing to read
            return;
        }
        try {
            readers.execute(() -> {
                done.add(new Done(file, stamp, removals, reader.read(file, stamp)));
                wakePoller.run();
            });
        } catch (RejectedExecutionException e) {
            f.reading = false; // closing
        }
    }

    /** Applies a read's result on the polling thread; true when what the file serves changed. */
    private boolean apply(Done d, long nowNanos) {
        WatchedFile f = files.get(d.file());
        if (f == null) {
            return false;
        }
        f.reading = false;
        if (d.stamp() == null) {
            if (f.served.isEmpty()) {
                return false;
            }
            if (d.removals()) {
                f.drop();
                logger.info("{}: removed", d.file());
                return true;
            }
            hold(d.file(), f.serve(List.of(), false));
            return false; // still serving the same objects, now held
        }
        if (d.result() instanceof ManifestReader.Changed) {
            f.changed(nowNanos); // written (or deleted) while read: read again once due
            return false;
        }
        if (d.result() instanceof ManifestReader.Refused refused) {
            f.holding = false;
            logger.warn("{}; {}", WarningValue.line(refused.problem()),
                    f.everGood ? "keeping its previous content" : "ignoring this file");
            return false;
        }
        List<HasMetadata> objects = ((ManifestReader.Parsed) d.result()).objects();
        boolean wasHolding = f.holding;
        List<HasMetadata> previous = f.served;
        hold(d.file(), f.serve(objects, d.removals()));
        if (wasHolding && !f.holding) {
            logger.info("{}: read again; objects no longer in it removed", d.file());
        }
        return !previous.equals(f.served);
    }

    private void hold(Path file, List<HasMetadata> vanished) {
        if (!vanished.isEmpty()) {
            logger.info("{}: {} no longer in the file; still served until it has been quiet for {} ms and a second"
                    + " read agrees (write files by renaming them into place to remove at once)", file,
                    vanished.stream().map(WatchedFile::key).toList(), TimeUnit.NANOSECONDS.toMillis(confirmNanos));
        }
    }

    /** The files under the roots now, in path order (that order decides duplicates). */
    private Map<Path, FileStamp> scan() {
        Map<Path, FileStamp> files = new TreeMap<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) {
                missingRoots.remove(root);
                try (var entries = Files.list(root)) {
                    entries.filter(FileSource::isManifestName).forEach(p -> {
                        FileStamp stamp = FileStamp.of(p);
                        if (stamp != null && stamp.regularFile()) {
                            files.put(p, stamp);
                        }
                    });
                } catch (IOException | UncheckedIOException e) {
                    logger.warn("{}: cannot be listed ({})", root, e.getMessage());
                }
            } else {
                FileStamp stamp = FileStamp.of(root);
                if (stamp != null && stamp.regularFile()) {
                    missingRoots.remove(root);
                    files.put(root, stamp);
                } else if (missingRoots.add(root)) {
                    logger.warn("{}: no longer exists; its objects are removed until it comes back", root);
                }
            }
        }
        return files;
    }

    static boolean isManifestName(Path p) {
        String name = p.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    /** Merges every file's served objects; a later file's object replaces an earlier one of the same name. */
    private void publish() {
        Map<String, HasMetadata> merged = new LinkedHashMap<>();
        Map<String, Path> origin = new TreeMap<>();
        for (Map.Entry<Path, WatchedFile> e : files.entrySet()) {
            for (HasMetadata o : e.getValue().served) {
                String key = WatchedFile.key(o);
                Path previous = origin.put(key, e.getKey());
                if (merged.remove(key) != null) {
                    logger.warn("{} is defined in {} and in {}; using {}", key, previous, e.getKey(), e.getKey());
                }
                merged.put(key, o);
            }
        }
        snapshot = ClusterState.of(merged.values());
    }

    private static String describe(ClusterState s) {
        return s.ingresses().size() + " Ingress, " + s.ingressClasses().size() + " IngressClass, "
                + s.services().size() + " Service, " + s.endpointSlices().size() + " EndpointSlice, "
                + s.endpoints().size() + " Endpoints, " + s.secrets().size() + " Secret, "
                + s.configMaps().size() + " ConfigMap";
    }

    private static Set<Path> union(Set<Path> a, Set<Path> b) {
        Set<Path> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
