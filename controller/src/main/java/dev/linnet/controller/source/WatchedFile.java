package dev.linnet.controller.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link FileSource} knows of one manifest file: the objects it serves for it, and when its
 * unread in-place edits are due. Each file has its own timers (issue 15, item 3: one timer for
 * the whole directory let a busy file starve every other file's edit). Polling-thread confined.
 *
 * <pre>
 *   in-place change at t ─▶ pending (first = first unread change, last = t)
 *   due when  now − last ≥ quiet  or  now − first ≥ maxWait   ─▶ read
 *   read lacks objects served before ─▶ keep them ("holding") until the file has been quiet
 *                                       for confirm, then read again: drop what is still gone
 * </pre>
 */
final class WatchedFile {

    /** What is published for this file: its last good content, plus any objects held. */
    List<HasMetadata> served = List.of();
    /** Whether this file ever parsed (for "keeping its previous content" vs "ignoring"). */
    boolean everGood;
    /** An in-place change not read yet. */
    boolean pending;
    /** A read of this file runs on a reader thread; its result has not been applied yet. */
    boolean reading;
    /** {@link #served} holds objects the last read no longer had: removal awaits a confirming read. */
    boolean holding;
    private long firstChangeNanos;
    private long lastChangeNanos;

    /** An in-place change (or a read that found the file still changing) seen at {@code nowNanos}. */
    void changed(long nowNanos) {
        if (!pending) {
            pending = true;
            firstChangeNanos = nowNanos;
        }
        lastChangeNanos = nowNanos;
    }

    /** Whether the pending change is due: quiet long enough, or waited the maximum already. */
    boolean due(long nowNanos, long quietNanos, long maxWaitNanos) {
        return pending && !reading && (nowNanos - lastChangeNanos >= quietNanos || nowNanos - firstChangeNanos >= maxWaitNanos);
    }

    /** Whether held objects may now be confirmed gone: no change for {@code confirmNanos}. */
    boolean confirmDue(long nowNanos, long confirmNanos) {
        return holding && !pending && !reading && nowNanos - lastChangeNanos >= confirmNanos;
    }

    /**
     * Serves {@code objects}, the content just read. With {@code removals} false, objects served
     * before and absent now are kept ({@link #holding}) and returned; otherwise they are dropped.
     *
     * @return the objects held back (empty when none)
     */
    List<HasMetadata> serve(List<HasMetadata> objects, boolean removals) {
        everGood = true;
        Set<String> now = new HashSet<>();
        objects.forEach(o -> now.add(key(o)));
        List<HasMetadata> vanished = new ArrayList<>();
        if (!removals) {
            served.stream().filter(o -> !now.contains(key(o))).forEach(vanished::add);
        }
        List<HasMetadata> next = new ArrayList<>(objects);
        next.addAll(vanished);
        served = List.copyOf(next);
        holding = !vanished.isEmpty();
        return vanished;
    }

    /** A read starts: the changes seen so far are being read (later ones make it pending again). */
    void startRead() {
        pending = false;
        reading = true;
    }

    /** The file is gone for good (confirmed): it serves nothing. */
    void drop() {
        served = List.of();
        holding = false;
    }

    /** Nothing left to serve or to do: the source may forget this file. */
    boolean forgettable() {
        return served.isEmpty() && !pending && !holding && !reading;
    }

    /** {@code Kind namespace/name}: an object's identity in messages and in the merge. */
    static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return o.getKind() + ' ' + (ns == null ? "" : ns + '/') + o.getMetadata().getName();
    }
}
