package dev.linnet.gateway.metrics;

import java.util.List;
import java.util.Set;

/**
 * The catalogue: every meter name, label name and default bucket set Linnet exports, in one
 * place (DESIGN.md "metrics/"). The {@code nginx_ingress_controller_*} names, label sets and
 * buckets are ingress-nginx's, exactly (canary-spec.md §5), so that dashboards, alerts, Flagger
 * and Argo Rollouts analyses keep working; Linnet's own meters live under {@code linnet_}.
 *
 * <p>Names are the exposed family names. Counters marked {@link #NO_SUFFIX_COUNTERS} are
 * exposed without {@code _total}, as ingress-nginx's Go client exposes them; every other counter
 * carries {@code _total} in its sample name.
 */
public final class MetricNames {

    public static final String NGINX = "nginx_ingress_controller_";

    // ---- request metrics (canary-spec.md §5 "Metric names") ----
    public static final String REQUESTS = NGINX + "requests";
    public static final String REQUEST_DURATION = NGINX + "request_duration_seconds";
    public static final String RESPONSE_DURATION = NGINX + "response_duration_seconds";
    public static final String HEADER_DURATION = NGINX + "header_duration_seconds";
    public static final String CONNECT_DURATION = NGINX + "connect_duration_seconds";
    public static final String REQUEST_SIZE = NGINX + "request_size";
    public static final String RESPONSE_SIZE = NGINX + "response_size";
    /** Deprecated in ingress-nginx, still exported there: bytes sent, SizeBuckets. */
    public static final String BYTES_SENT = NGINX + "bytes_sent";
    /** The Summary ingress-nginx removed in v1.12; only with {@code --legacy-latency-metric}. */
    public static final String LEGACY_UPSTREAM_LATENCY = NGINX + "ingress_upstream_latency_seconds";

    /** What {@code --exclude-socket-metrics} may name (ingress-nginx accepts these, prefix included). */
    public static final Set<String> SOCKET_METRICS = Set.of(REQUESTS, REQUEST_DURATION, RESPONSE_DURATION,
            HEADER_DURATION, CONNECT_DURATION, REQUEST_SIZE, RESPONSE_SIZE, BYTES_SENT);

    // ---- controller metrics ----
    public static final String CONFIG_HASH = NGINX + "config_hash";
    public static final String CONFIG_LAST_RELOAD_SUCCESSFUL = NGINX + "config_last_reload_successful";
    public static final String CONFIG_LAST_RELOAD_SUCCESSFUL_TIMESTAMP =
            NGINX + "config_last_reload_successful_timestamp_seconds";
    public static final String SUCCESS = NGINX + "success";
    public static final String ERRORS = NGINX + "errors";
    public static final String BUILD_INFO = NGINX + "build_info";
    public static final String ORPHAN_INGRESS = NGINX + "orphan_ingress";
    public static final String LEADER_ELECTION_STATUS = NGINX + "leader_election_status";
    /** Expiry (Unix seconds) of each host's own certificate; labels {@code host}, {@code secret_name}. */
    public static final String SSL_EXPIRE_TIME = NGINX + "ssl_expire_time_seconds";

    // ---- the proxy process (ingress-nginx's nginx_status collector) ----
    public static final String PROCESS = NGINX + "nginx_process_";
    public static final String PROCESS_CONNECTIONS = PROCESS + "connections";
    public static final String PROCESS_CONNECTIONS_TOTAL = PROCESS + "connections_total";
    public static final String PROCESS_REQUESTS_TOTAL = PROCESS + "requests_total";
    public static final String PROCESS_CPU_SECONDS_TOTAL = PROCESS + "cpu_seconds_total";
    public static final String PROCESS_RESIDENT_MEMORY = PROCESS + "resident_memory_bytes";
    public static final String PROCESS_VIRTUAL_MEMORY = PROCESS + "virtual_memory_bytes";
    public static final String PROCESS_START_TIME = PROCESS + "oldest_start_time_seconds";
    public static final String PROCESS_NUM_PROCS = PROCESS + "num_procs";

    /**
     * Counters ingress-nginx exposes without {@code _total}. The Prometheus Java client always
     * appends it to counters, so {@link Exposition} writes these families itself.
     */
    public static final Set<String> NO_SUFFIX_COUNTERS = Set.of(REQUESTS, SUCCESS, ERRORS);

    // ---- Linnet's own ----
    public static final String SPLIT_DECISIONS = "linnet_split_decisions"; // exposed as _total
    public static final String TABLE_ROUTES = "linnet_routing_table_routes";
    public static final String TABLE_HOSTS = "linnet_routing_table_hosts";
    public static final String TABLE_BACKENDS = "linnet_routing_table_backends";
    public static final String TABLE_ENDPOINTS = "linnet_routing_table_endpoints";
    public static final String TABLE_VERSION = "linnet_routing_table_version";
    public static final String TABLE_BUILD_SECONDS = "linnet_routing_table_build_seconds";
    /** First change signal of a burst → its table serving new requests (coalescing + build + swap). */
    public static final String TABLE_PUBLISH_TO_TRAFFIC_SECONDS = "linnet_routing_table_publish_to_traffic_seconds";
    public static final String UPSTREAM_CONNECTIONS = "linnet_upstream_connections";
    public static final String UPSTREAM_CONNECT_FAILURES = "linnet_upstream_connect_failures"; // _total
    public static final String UPSTREAM_RETRIES = "linnet_upstream_retries"; // _total
    /** An event loop's passive health check began skipping an endpoint (max_fails within fail_timeout). */
    public static final String UPSTREAM_EJECTIONS = "linnet_upstream_endpoint_ejections"; // _total
    /** Access-log lines dropped because an event loop's ring of waiting lines was full (or standard output failed). */
    public static final String ACCESS_LOG_DROPPED = "linnet_access_log_dropped"; // _total
    /** Client connections closed at accept because {@code --max-connections} were open. */
    public static final String CLIENT_CONNECTIONS_REFUSED = "linnet_client_connections_refused"; // _total

    // ---- labels ----
    public static final String STATUS = "status";
    public static final String METHOD = "method";
    public static final String PATH = "path";
    public static final String NAMESPACE = "namespace";
    public static final String INGRESS = "ingress";
    public static final String SERVICE = "service";
    public static final String CANARY = "canary";
    public static final String HOST = "host";
    public static final String VARIANT = "variant";
    public static final String REASON = "reason";
    public static final String BACKEND = "backend";
    public static final String STATE = "state";
    public static final String CONTROLLER_NAMESPACE = "controller_namespace";
    public static final String CONTROLLER_CLASS = "controller_class";
    public static final String CONTROLLER_POD = "controller_pod";

    /** ingress-nginx's label order (collectors/socket.go); {@code host} is dropped when per-host is off. */
    public static final List<String> REQUEST_LABELS =
            List.of(STATUS, METHOD, PATH, NAMESPACE, INGRESS, SERVICE, CANARY, HOST);
    /** The Summary's labels before v1.12. */
    public static final List<String> LEGACY_LABELS = List.of(INGRESS, NAMESPACE, SERVICE, CANARY);
    public static final List<String> SPLIT_LABELS = List.of(NAMESPACE, INGRESS, HOST, PATH, VARIANT, REASON);

    // ---- buckets (canary-spec.md §5 "Buckets and other flags") ----
    /** Prometheus DefBuckets. */
    public static final List<Double> TIME_BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    /** linear 10, 20 … 100: ingress-nginx's odd default for request and response sizes. */
    public static final List<Double> LENGTH_BUCKETS =
            List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0);
    /** exponential 10 … 1e7 (7 buckets), for the deprecated bytes_sent. */
    public static final List<Double> SIZE_BUCKETS = List.of(10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7);
    /** Quantiles of the legacy Summary, with their error margins. */
    public static final double[][] LEGACY_QUANTILES = {{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}};

    private MetricNames() {
    }
}
