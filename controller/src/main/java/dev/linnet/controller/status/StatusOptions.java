package dev.linnet.controller.status;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the leader publishes status (issue 3, item 3).
 *
 * @param electionId {@code --election-id}: the name of the coordination.k8s.io Lease
 * @param electionNamespace where the Lease lives: the pod's namespace
 * @param identity this replica's name in the Lease: the pod name
 * @param publishService {@code --publish-service ns/name}, or {@code null}
 * @param publishStatusAddresses {@code --publish-status-address}; wins over the Service when set
 * @param updateStatusOnShutdown {@code --update-status-on-shutdown}: the leader clears the
 *     addresses it wrote when it stops
 * @param leaseDuration how long a Lease holds without renewal (15 s, as client-go's default)
 * @param renewDeadline how long the leader keeps trying to renew before giving up (10 s)
 * @param retryPeriod how often candidates retry and the leader renews (2 s)
 */
public record StatusOptions(
        String electionId,
        String electionNamespace,
        String identity,
        String publishService,
        List<String> publishStatusAddresses,
        boolean updateStatusOnShutdown,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod) {

    public static final String DEFAULT_ELECTION_ID = "linnet-leader";

    /** Where a pod finds its namespace when POD_NAMESPACE is not set (the service account mount). */
    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    public StatusOptions {
        requireNonNull(electionId, "electionId");
        requireNonNull(electionNamespace, "electionNamespace");
        requireNonNull(identity, "identity");
        publishStatusAddresses = List.copyOf(requireNonNull(publishStatusAddresses, "publishStatusAddresses"));
        requireNonNull(leaseDuration, "leaseDuration");
        requireNonNull(renewDeadline, "renewDeadline");
        requireNonNull(retryPeriod, "retryPeriod");
        if (electionId.isEmpty()) {
            throw new IllegalArgumentException("--election-id: \"\" (expected: a Lease name)");
        }
        if (publishService != null && !publishService.matches("[^/\\s]+/[^/\\s]+")) {
            throw new IllegalArgumentException("--publish-service: " + publishService + " (expected: namespace/name)");
        }
        if (!(retryPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)) {
            throw new IllegalArgumentException("lease timings: retry " + retryPeriod + ", renew " + renewDeadline
                    + ", lease " + leaseDuration + " (expected: retry < renew < lease)");
        }
    }

    /** The usual timings, namespace and identity taken from the pod (see {@link #podNamespace()}). */
    public static StatusOptions of(String electionId, String publishService, List<String> publishStatusAddresses,
                                   boolean updateStatusOnShutdown) {
        return new StatusOptions(electionId, podNamespace(), podName(), publishService, publishStatusAddresses,
                updateStatusOnShutdown, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    public StatusOptions withElection(String namespace, String identity, Duration lease, Duration renew, Duration retry) {
        return new StatusOptions(electionId, namespace, identity, publishService, publishStatusAddresses,
                updateStatusOnShutdown, lease, renew, retry);
    }

    /** {@code POD_NAMESPACE} (downward API), else the service account's namespace file, else {@code default}. */
    public static String podNamespace() {
        String env = System.getenv("POD_NAMESPACE");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
                String ns = Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).trim();
                if (!ns.isEmpty()) {
                    return ns;
                }
            }
        } catch (IOException e) {
            // fall through to the default
        }
        return "default";
    }

    /** {@code POD_NAME} (downward API), else the host name (a pod's host name is its name). */
    public static String podName() {
        String env = System.getenv("POD_NAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "linnet-" + ProcessHandle.current().pid();
        }
    }

    /** Whether any address source is configured; without one no status is written. */
    boolean publishes() {
        return publishService != null || !publishStatusAddresses.isEmpty();
    }
}
