package dev.linnet.controller.status;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.build.ClusterState;
import dev.linnet.controller.build.IngressClassFilter;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-facing side effects of a build: Ingress status and warning Events, written by the
 * leader only, from one thread of their own so the control loop never waits on the API server
 * (issue 3, items 3 and 4). Every replica serves traffic; only this part depends on leading.
 *
 * <pre>
 *   control loop ──offer(state, result)──▶ latest  ──▶ status thread (one pass at a time):
 *   leader elected / lost ───────────────▶ (pass)      not leader? ─▶ nothing
 *   --publish-service changes ───────────▶ (pass)      addresses  = PublishAddress
 *                                                      for each Ingress of ours:
 *                                                        not served (snippet)? ─▶ addresses = none
 *                                                        status == addresses? ─▶ skip (no write)
 *                                                        else patch status.loadBalancer.ingress
 *                                                      warnings not posted yet ─▶ Events
 * </pre>
 *
 * The Lease is a coordination.k8s.io/v1 Lease named {@code --election-id} in the pod's
 * namespace, held through fabric8's {@code LeaderElector}. A replica that loses the Lease stands
 * again as a candidate.
 */
public final class StatusController implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(StatusController.class);

    private final KubernetesClient client;
    private final StatusOptions options;
    private final BuildOptions buildOptions;
    private final UnaryOperator<Ingress> current;
    private final ExecutorService thread;
    private final WarningEvents events;
    private final AtomicReference<Input> latest = new AtomicReference<>();
    private final AtomicBoolean passPending = new AtomicBoolean();
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong statusWrites = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    private volatile CompletableFuture<?> election;
    private volatile java.util.function.Consumer<Boolean> leadershipListener = leading -> { };
    private volatile SharedIndexInformer<Service> publishService;

    // Status thread only: what we wrote over which resourceVersion, so that a pass running before
    // the informer has seen our own write does not write again.
    private final Map<String, Written> written = new HashMap<>();

    private record Input(ClusterState state, BuildResult result) {
    }

    private record Written(String overResourceVersion, List<PublishAddress.Address> addresses) {
    }

    private StatusController(KubernetesClient client, StatusOptions options, BuildOptions buildOptions,
                             UnaryOperator<Ingress> current) {
        this.client = requireNonNull(client, "client");
        this.current = requireNonNull(current, "current");
        this.options = requireNonNull(options, "options");
        this.buildOptions = requireNonNull(buildOptions, "buildOptions");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "linnet-status");
            t.setDaemon(true);
            return t;
        });
        this.events = new WarningEvents(client, options.identity());
    }

    /**
     * Starts standing for election and, when configured, watching the {@code --publish-service}.
     *
     * @param current the Ingress as the informers have it now (status included), or null when
     *     gone: in production {@link dev.linnet.controller.source.ClusterSource#current}
     */
    public static StatusController start(KubernetesClient client, StatusOptions options, BuildOptions buildOptions,
                                         UnaryOperator<Ingress> current) {
        StatusController c = new StatusController(client, options, buildOptions, current);
        if (options.publishService() != null && options.publishStatusAddresses().isEmpty()) {
            String[] ns = options.publishService().split("/", 2);
            c.publishService = client.services().inNamespace(ns[0]).withName(ns[1]).inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Service obj) {
                    c.schedule();
                }

                @Override
                public void onUpdate(Service oldObj, Service newObj) {
                    c.schedule();
                }

                @Override
                public void onDelete(Service obj, boolean deletedFinalStateUnknown) {
                    c.schedule();
                }
            }, 0);
        }
        if (!options.publishes()) {
            logger.info("neither --publish-service nor --publish-status-address is set: Ingress status is not written");
        }
        c.stand();
        return c;
    }

    /**
     * Hands over what the control loop just built. Never blocks: the pass runs on the status
     * thread, and a pass already queued picks up the newest input.
     */
    public void offer(ClusterState state, BuildResult result) {
        latest.set(new Input(requireNonNull(state, "state"), requireNonNull(result, "result")));
        schedule();
    }

    /** Whether this replica holds the Lease now. */
    public boolean isLeader() {
        return leader.get();
    }

    /** Status writes made (tests: unchanged addresses are not written again). */
    public long statusWrites() {
        return statusWrites.get();
    }

    /** Passes completed as leader (tests wait for one instead of sleeping). */
    public long passes() {
        return passes.get();
    }

    /** Events posted. */
    public long eventsPosted() {
        return events.posted();
    }

    private void stand() {
        if (closed.get()) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(options.electionId())
                .withLock(new LeaseLock(options.electionNamespace(), options.electionId(), options.identity()))
                .withLeaseDuration(options.leaseDuration())
                .withRenewDeadline(options.renewDeadline())
                .withRetryPeriod(options.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                        id -> logger.info("leader is {}", id)))
                .build();
        CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
        election = f;
        f.whenComplete((ok, failure) -> {
            if (failure != null && !(failure instanceof java.util.concurrent.CancellationException)) {
                logger.warn("leader election {}/{} failed: {}; standing again", options.electionNamespace(),
                        options.electionId(), failure.toString());
            }
            if (!closed.get()) {
                stand(); // lost the Lease (or never got it before an error): be a candidate again
            }
        });
    }

    /**
     * Tells {@code listener} whether this replica leads, now and on every change (the
     * {@code leader_election_status} metric). Registered after start, so it is called once at once.
     */
    public void onLeadershipChange(java.util.function.Consumer<Boolean> listener) {
        leadershipListener = requireNonNull(listener, "listener");
        listener.accept(leader.get());
    }

    private void startedLeading() {
        logger.info("{} leads (Lease {}/{}): writing Ingress status and Events", options.identity(),
                options.electionNamespace(), options.electionId());
        leader.set(true);
        leadershipListener.accept(true);
        schedule();
    }

    private void stoppedLeading() {
        if (leader.compareAndSet(true, false)) {
            logger.info("{} stopped leading", options.identity());
            leadershipListener.accept(false);
        }
        try {
            thread.execute(() -> {
                events.reset();
                written.clear();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the Lease was released on purpose, nothing left to reset
        }
    }

    private void schedule() {
        if (closed.get() || !passPending.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(() -> {
                passPending.set(false);
                pass();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            passPending.set(false);
        }
    }

    private void pass() {
        Input in = latest.get();
        if (in == null || !leader.get()) {
            return;
        }
        Map<String, Ingress> byName = new HashMap<>();
        IngressClassFilter filter = new IngressClassFilter(buildOptions, in.state().ingressClasses());
        for (Ingress i : in.state().ingresses()) {
            if (filter.isOurs(i)) {
                byName.put(i.getMetadata().getNamespace() + '/' + i.getMetadata().getName(), i);
            }
        }
        if (options.publishes()) {
            List<PublishAddress.Address> addresses = addresses();
            Map<String, String> served = in.result().table().sources();
            for (var e : byName.entrySet()) {
                Ingress i = e.getValue();
                // The build's snapshot may predate status updates (they do not rebuild): compare
                // with the Ingress as the informer has it now. An Ingress of ours the build did
                // not serve (a *-snippet) gets no address, as in ingress-nginx.
                writeStatus(Objects.requireNonNullElse(current.apply(i), i),
                        served.containsKey(e.getKey()) ? addresses : List.of());
            }
        }
        events.post(in.result().warnings(), byName);
        passes.incrementAndGet();
    }

    private List<PublishAddress.Address> addresses() {
        if (!options.publishStatusAddresses().isEmpty()) {
            return PublishAddress.fromAddresses(options.publishStatusAddresses());
        }
        SharedIndexInformer<Service> informer = publishService;
        List<Service> found = informer == null ? List.of() : informer.getStore().list();
        return PublishAddress.fromService(found.isEmpty() ? null : found.get(0));
    }

    private void writeStatus(Ingress ingress, List<PublishAddress.Address> addresses) {
        String key = ingress.getMetadata().getNamespace() + '/' + ingress.getMetadata().getName();
        List<PublishAddress.Address> current = PublishAddress.current(ingress);
        if (current.equals(addresses)) {
            return; // a write that changes nothing is skipped
        }
        Written w = written.get(key);
        if (w != null && w.addresses().equals(addresses)
                && Objects.equals(w.overResourceVersion(), ingress.getMetadata().getResourceVersion())) {
            return; // written already; the informer has not caught up with our own write yet
        }
        try {
            patchStatus(ingress, addresses);
            written.put(key, new Written(ingress.getMetadata().getResourceVersion(), addresses));
            statusWrites.incrementAndGet();
            logger.debug("status of Ingress {} set to {}", key, addresses);
        } catch (KubernetesClientException e) {
            // Next build or leadership change retries; one line, no stack trace.
            logger.warn("cannot update status of Ingress {}: {}", key, e.getMessage());
        }
    }

    private void patchStatus(Ingress ingress, List<PublishAddress.Address> addresses) {
        // editStatus reads the object and sends a JSON Patch of the difference: no conflict on a
        // stale resourceVersion, and the address list is replaced, never merged.
        var status = new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder()
                .withNewLoadBalancer()
                    .withIngress(addresses.stream().map(PublishAddress.Address::toIngressStatus).toList())
                .endLoadBalancer()
                .build();
        client.network().v1().ingresses().inNamespace(ingress.getMetadata().getNamespace())
                .withName(ingress.getMetadata().getName())
                .editStatus(i -> new IngressBuilder(i).withStatus(status).build());
    }

    /**
     * Stops standing for election. With {@code --update-status-on-shutdown}, the leader first
     * clears the addresses of our Ingresses (ingress-nginx's behaviour when its flag is on);
     * without it the status stays, so that a rolling restart does not flap DNS.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (options.updateStatusOnShutdown() && leader.get() && options.publishes()) {
            try {
                thread.submit(this::clearStatus).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                logger.warn("clearing Ingress status on shutdown failed: {}", e.toString());
            }
        }
        thread.shutdown();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CompletableFuture<?> f = election;
        if (f != null) {
            f.cancel(true); // releaseOnCancel: the next replica need not wait out the Lease
        }
        SharedIndexInformer<Service> s = publishService;
        if (s != null) {
            s.stop();
        }
        leader.set(false);
    }

    private void clearStatus() {
        Input in = latest.get();
        if (in == null) {
            return;
        }
        IngressClassFilter filter = new IngressClassFilter(buildOptions, in.state().ingressClasses());
        for (Ingress i : in.state().ingresses()) {
            if (filter.isOurs(i)) {
                writeStatus(Objects.requireNonNullElse(current.apply(i), i), List.of());
            }
        }
        logger.info("Ingress status cleared on shutdown (--update-status-on-shutdown)");
    }
}
