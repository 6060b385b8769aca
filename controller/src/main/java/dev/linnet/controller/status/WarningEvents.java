package dev.linnet.controller.status;

import dev.linnet.controller.build.ConfigWarning;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builder warnings as Kubernetes Events of type Warning on the Ingress concerned (issue 3,
 * item 4). Deduplicated: a warning is posted when it appears and not again while it stays
 * (every rebuild repeats it); when it goes away and comes back, it is posted again, because the
 * user fixed and re-broke something. We do not bump {@code count} on an existing Event: that
 * would be one more API write per rebuild for nothing the user can act on. The log line is the
 * control loop's (it logs each new warning once). Status-thread confined.
 */
final class WarningEvents {

    private static final Logger logger = LoggerFactory.getLogger(WarningEvents.class);

    static final String REASON = "InvalidConfiguration";
    static final String COMPONENT = "linnet";

    private final KubernetesClient client;
    private final String instance;
    private final AtomicLong posted = new AtomicLong();
    private Set<ConfigWarning> active = Set.of();

    WarningEvents(KubernetesClient client, String instance) {
        this.client = client;
        this.instance = instance;
    }

    /** Posts the warnings not posted in the previous call. */
    void post(List<ConfigWarning> warnings, Map<String, Ingress> ingresses) {
        Set<ConfigWarning> now = new HashSet<>(warnings);
        Set<ConfigWarning> failed = new HashSet<>();
        for (ConfigWarning w : now) {
            if (active.contains(w)) {
                continue;
            }
            Ingress target = "Ingress".equals(w.kind()) ? ingresses.get(w.namespace() + '/' + w.name()) : null;
            if (target == null) {
                continue; // not an object we can attach an Event to; the log line stands
            }
            try {
                client.v1().events().inNamespace(w.namespace()).resource(event(w, target)).create();
                posted.incrementAndGet();
            } catch (KubernetesClientException e) {
                // Retried with the next pass; logged once per failure, without a stack trace.
                failed.add(w);
                logger.warn("cannot post Event for {} {}/{}: {}", w.kind(), w.namespace(), w.name(), e.getMessage());
            }
        }
        now.removeAll(failed);
        active = now;
    }

    /** Forget what was posted (leadership lost: the next leader posts what is still wrong). */
    void reset() {
        active = Set.of();
    }

    long posted() {
        return posted.get();
    }

    private Event event(ConfigWarning w, Ingress target) {
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        String message = w.message(); // at most WarningValue.MAX_LINE, the API server's limit: ConfigWarning cuts it
        return new EventBuilder()
                .withNewMetadata()
                    // kubectl's naming: involved object name + a unique hex suffix.
                    .withName(w.name() + '.' + Long.toHexString(System.nanoTime()) + Long.toHexString(posted.get()))
                    .withNamespace(w.namespace())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion("networking.k8s.io/v1")
                    .withKind("Ingress")
                    .withNamespace(w.namespace())
                    .withName(w.name())
                    .withUid(target.getMetadata().getUid())
                    .withResourceVersion(target.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(REASON)
                .withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(instance)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
    }
}
