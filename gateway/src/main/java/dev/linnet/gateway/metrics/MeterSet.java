package dev.linnet.gateway.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;

/**
 * The series of one label set (route, variant, method, status), resolved once; recording is
 * then a handful of plain stores into the calling event loop's cells ({@link Series}). A family
 * that is not exported has a {@code null} handle.
 *
 * <p>Observation rules follow ingress-nginx (canary-spec.md §5): the upstream timers exist only
 * when exactly one upstream attempt was made (nginx logs a comma list after a retry, which the
 * Lua side fails to parse and skips), and each only once its phase was reached; a request that
 * never reached an upstream records only the counter, request_duration and the sizes.
 */
final class MeterSet {

    private final Series requests;
    private final Series requestDuration;
    private final Series responseDuration;
    private final Series headerDuration;
    private final Series connectDuration;
    private final Series requestSize;
    private final Series responseSize;
    private final Series bytesSent;
    private final DistributionDataPoint legacyLatency; // the library's Summary (off by default)

    MeterSet(RequestFamilies f, String[] labels, String[] legacyLabels) {
        requests = f.requests == null ? null : f.requests.labelValues(labels);
        requestDuration = f.requestDuration == null ? null : f.requestDuration.labelValues(labels);
        responseDuration = f.responseDuration == null ? null : f.responseDuration.labelValues(labels);
        headerDuration = f.headerDuration == null ? null : f.headerDuration.labelValues(labels);
        connectDuration = f.connectDuration == null ? null : f.connectDuration.labelValues(labels);
        requestSize = f.requestSize == null ? null : f.requestSize.labelValues(labels);
        responseSize = f.responseSize == null ? null : f.responseSize.labelValues(labels);
        bytesSent = f.bytesSent == null ? null : f.bytesSent.labelValues(labels);
        // The unrouted 404 series never reaches an upstream: no Summary series of NaN quantiles for it.
        legacyLatency = f.legacyLatency == null || legacyLabels[0].isEmpty() ? null
                : f.legacyLatency.labelValues(legacyLabels);
    }

    /** {@code slot}: the calling thread's {@link WriterSlots} index. */
    void record(RequestTimeline t, int slot) {
        if (requests != null) {
            requests.inc(slot, 1);
        }
        if (requestDuration != null) {
            requestDuration.observe(slot, t.seconds(Phase.RECEIVED, Phase.DONE));
        }
        if (requestSize != null) {
            requestSize.observe(slot, t.requestBytes());
        }
        if (responseSize != null) {
            responseSize.observe(slot, t.responseBytes());
        }
        if (bytesSent != null) {
            bytesSent.observe(slot, t.responseBytes());
        }
        if (t.attempts() != 1) {
            return; // none, or several: nginx's $upstream_*_time is "-" or a list, skipped
        }
        if (t.has(Phase.CONNECTED)) {
            double connect = t.seconds(Phase.ATTEMPT, Phase.CONNECTED);
            if (connectDuration != null) {
                connectDuration.observe(slot, connect);
            }
            if (legacyLatency != null) { // ingress-nginx fed the Summary with $upstream_connect_time
                legacyLatency.observe(connect);
            }
        }
        if (headerDuration != null && t.has(Phase.UPSTREAM_HEADERS)) {
            headerDuration.observe(slot, t.seconds(Phase.ATTEMPT, Phase.UPSTREAM_HEADERS));
        }
        if (responseDuration != null) {
            Phase end = t.has(Phase.UPSTREAM_END) ? Phase.UPSTREAM_END : Phase.DONE;
            responseDuration.observe(slot, t.seconds(Phase.ATTEMPT, end));
        }
    }
}
