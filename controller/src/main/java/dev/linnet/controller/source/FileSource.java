package dev.linnet.controller.source;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
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
 *   <li><b>Renames are read at once; in-place edits are debounced</b>. A file whose inode changed
 *       under the same name was renamed into place (an editor's or kubectl's temp-then-rename, a
 *       ConfigMap volume's symlink swap): it is complete, so it is read at the poll that sees
 *       it. Any other change is read only after {@value #DEFAULT_QUIET_MILLIS} ms without
 *       further in-place changes, so an editor's truncate-then-write is read once, whole. The
 *       file is stat'ed again after reading: if it changed meanwhile, it is read again after
 *       the next quiet period.</li>
 *   <li><b>Per-file last good content</b>: a file that does not parse is reported (file, line,
 *       reason) at WARN and its previous good objects keep serving.</li>
 * </ul>
 *
 * <pre>
 *   poll (every 100 ms, or woken by inotify) ─▶ stat all files ─▶ new inode? ─▶ read + parse now
 *                                          ├▶ other change? ─▶ remember "pending", reset quiet timer
 *                                          └▶ quiet ≥ 200 ms and pending? ─▶ read + parse pending
 *                                               ─▶ per-file good objects ─▶ merge ─▶ snapshot ─▶ onChange
 * </pre>
 *
 * From a save to a new snapshot: a rename is read within milliseconds (inotify) or one poll
 * interval (without it); an in-place edit after one quiet period rounded up to the next poll,
 * about 300 ms.
 */
public final class FileSource implements Source {

    private static final Logger logger = LoggerFactory.getLogger(FileSource.class);

    static final long DEFAULT_POLL_MILLIS = 100;
    static final long DEFAULT_QUIET_MILLIS = 200;

    private final List<Path> roots;
    private final LongSupplier nanoClock;
    private final long quietNanos;
    private final long pollMillis;
    private final ManifestParser parser = new ManifestParser();

    // Owned by the polling thread (or by a test driving poll() itself).
    private Map<Path, FileStamp> observed = new TreeMap<>();
    private final Map<Path, List<HasMetadata>> good = new TreeMap<>();
    private final Set<Path> pending = new HashSet<>();
    private final Set<Path> missingRoots = new HashSet<>();
    private long lastChangeNanos;
    private Runnable listener = () -> { };

    private volatile ClusterState snapshot = ClusterState.EMPTY;
    private volatile boolean synced;
    private ScheduledExecutorService poller;
    private DirectoryWakeups wakeups; // null when the platform has no change notifications

    private FileSource(List<Path> roots, LongSupplier nanoClock, Duration quietPeriod, Duration pollInterval) {
        this.roots = List.copyOf(requireNonNull(roots, "roots"));
        this.nanoClock = requireNonNull(nanoClock, "nanoClock");
        this.quietNanos = requireNonNull(quietPeriod, "quietPeriod").toNanos();
        this.pollMillis = Math.max(1, requireNonNull(pollInterval, "pollInterval").toMillis());
    }

    /**
     * A source over {@code paths} (directories or files) with the default poll interval and
     * quiet period.
     *
     * @throws IllegalArgumentException when {@code paths} is empty or a path does not exist
     */
    public static FileSource of(List<Path> paths) {
        return of(paths, System::nanoTime, Duration.ofMillis(DEFAULT_QUIET_MILLIS), Duration.ofMillis(DEFAULT_POLL_MILLIS));
    }

    /** Same, with the clock and the timings injected (tests). */
    static FileSource of(List<Path> paths, LongSupplier nanoClock, Duration quietPeriod, Duration pollInterval) {
        requireNonNull(paths, "paths");
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
        return new FileSource(roots, nanoClock, quietPeriod, pollInterval);
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
        poller.scheduleWithFixedDelay(this::pollQuietly, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        ScheduledExecutorService p = poller;
        wakeups = DirectoryWakeups.start(roots, () -> {
            try {
                p.execute(this::pollQuietly); // on the polling thread, like every poll
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        });
    }

    /**
     * The initial load without a polling thread: reads every file now, publishes the first
     * snapshot and calls {@code onChange}. Tests then drive {@link #poll()} themselves.
     */
    void load(Runnable onChange) {
        this.listener = requireNonNull(onChange, "onChange");
        observed = scan();
        pending.clear();
        for (Map.Entry<Path, FileStamp> e : new ArrayList<>(observed.entrySet())) {
            if (read(e.getKey(), e.getValue()) == ReadOutcome.STILL_CHANGING) {
                pending.add(e.getKey()); // caught mid-write: read again once it is quiet
                lastChangeNanos = nanoClock.getAsLong();
            }
        }
        publish();
        synced = true;
        logger.info("read {} manifest file(s) from {}: {}", good.size(), roots, describe(snapshot));
        listener.run();
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
     * One poll: notes changes; reads a file replaced by a rename at once, and in-place edits once
     * they have been quiet for the quiet period; publishes a new snapshot when content changed.
     *
     * @return whether a new snapshot was published
     */
    boolean poll() {
        Map<Path, FileStamp> now = scan();
        Set<Path> replaced = new HashSet<>();
        boolean editedInPlace = false;
        for (Path p : union(observed.keySet(), now.keySet())) {
            FileStamp before = observed.get(p);
            FileStamp after = now.get(p);
            if (java.util.Objects.equals(before, after)) {
                continue;
            }
            if (before != null && after != null && !java.util.Objects.equals(before.fileKey(), after.fileKey())) {
                replaced.add(p); // a new inode under the old name: renamed into place, complete
            } else {
                pending.add(p);
                editedInPlace = true;
            }
        }
        observed = now;
        long t = nanoClock.getAsLong();
        if (editedInPlace) {
            lastChangeNanos = t;
        }
        boolean contentChanged = false;
        for (Path p : replaced) {
            ReadOutcome outcome = read(p, now.get(p));
            if (outcome == ReadOutcome.STILL_CHANGING) {
                pending.add(p); // written again after the rename: wait for it to be quiet
                lastChangeNanos = nanoClock.getAsLong();
            } else {
                pending.remove(p);
                contentChanged |= outcome == ReadOutcome.UPDATED;
            }
        }
        if (!pending.isEmpty() && t - lastChangeNanos >= quietNanos) {
            contentChanged |= readQuietPending(now);
        }
        if (!contentChanged) {
            return false;
        }
        publish();
        logger.info("manifests changed: {}", describe(snapshot));
        listener.run();
        return true;
    }

    /** Reads the in-place edits that have been quiet long enough; true when content changed. */
    private boolean readQuietPending(Map<Path, FileStamp> now) {
        boolean contentChanged = false;
        for (Path p : new ArrayList<>(pending)) {
            FileStamp stamp = now.get(p);
            if (stamp == null) {
                pending.remove(p);
                if (good.remove(p) != null) {
                    logger.info("{}: removed", p);
                    contentChanged = true;
                }
                continue;
            }
            ReadOutcome outcome = read(p, stamp);
            if (outcome == ReadOutcome.STILL_CHANGING) {
                lastChangeNanos = nanoClock.getAsLong();
                continue; // stays pending: read again after the next quiet period
            }
            pending.remove(p);
            contentChanged |= outcome == ReadOutcome.UPDATED;
        }
        return contentChanged;
    }

    private enum ReadOutcome { UPDATED, KEPT_PREVIOUS, STILL_CHANGING }

    private ReadOutcome read(Path file, FileStamp stamp) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            // Deleted between stat and read: the next poll sees it gone.
            return ReadOutcome.STILL_CHANGING;
        } catch (IOException | UncheckedIOException e) {
            logger.warn("{}: cannot be read ({}); {}", file, e.getMessage(), keeping(file));
            return ReadOutcome.KEPT_PREVIOUS;
        }
        FileStamp after = FileStamp.of(file);
        if (!stamp.equals(after)) {
            if (after != null) {
                observed.put(file, after);
            }
            return ReadOutcome.STILL_CHANGING;
        }
        try {
            List<HasMetadata> objects = parser.parse(file.toString(), text);
            good.put(file, List.copyOf(objects));
            return ReadOutcome.UPDATED;
        } catch (ManifestException e) {
            logger.warn("{}; {}", e.getMessage(), keeping(file));
            return ReadOutcome.KEPT_PREVIOUS;
        }
    }

    private String keeping(Path file) {
        return good.containsKey(file) ? "keeping its previous content" : "ignoring this file";
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

    /** Merges every file's good objects; a later file's object replaces an earlier one of the same name. */
    private void publish() {
        Map<String, HasMetadata> merged = new LinkedHashMap<>();
        Map<String, Path> origin = new TreeMap<>();
        for (Map.Entry<Path, List<HasMetadata>> e : good.entrySet()) {
            for (HasMetadata o : e.getValue()) {
                String key = o.getKind() + ' ' + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + '/')
                        + o.getMetadata().getName();
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
                + s.endpoints().size() + " Endpoints, " + s.secrets().size() + " Secret";
    }

    private static Set<Path> union(Set<Path> a, Set<Path> b) {
        Set<Path> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
