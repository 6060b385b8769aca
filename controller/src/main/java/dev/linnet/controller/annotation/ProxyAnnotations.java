package dev.linnet.controller.annotation;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.route.BackendProtocol;
import dev.linnet.gateway.route.NextUpstream;
import dev.linnet.gateway.route.RewriteTarget;
import dev.linnet.gateway.route.RouteOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The everyday per-Ingress annotations of a main Ingress that shape proxying, parsed into the
 * {@link RouteOptions} of every route the Ingress creates, with ingress-nginx's names, types and
 * defaults. A canary Ingress's own values are ignored (canary-spec.md: "everything
 * location-level comes from the main location"), see {@link #warnIgnoredOnCanary}.
 *
 * @param options what the gateway enforces
 * @param useRegex the {@code use-regex} annotation; {@link #regexFor} adds what
 *     {@code rewrite-target} implies. Either turns every path of the same host into a regex
 * @param serviceUpstream {@code service-upstream}: the backend's single endpoint is the
 *     Service's ClusterIP; unlike the rest, a canary Ingress's own value applies (to the canary)
 */
public record ProxyAnnotations(RouteOptions options, boolean useRegex, boolean serviceUpstream) {

    public static final AnnotationKey<Duration> CONNECT_TIMEOUT = AnnotationKey.prefixed(
            "proxy-connect-timeout", ValueType.SECONDS, null, "the listener's --connect-timeout",
            "seconds to wait for a TCP connection to a pod before the next endpoint is tried (504 when none is left)");
    public static final AnnotationKey<Duration> READ_TIMEOUT = AnnotationKey.prefixed(
            "proxy-read-timeout", ValueType.SECONDS, null, "the listener's --read-timeout",
            "seconds the upstream may stay silent while a response is awaited or streamed (504, or a cut once started)");
    public static final AnnotationKey<Duration> SEND_TIMEOUT = AnnotationKey.prefixed(
            "proxy-send-timeout", ValueType.SECONDS, null, "the listener's send timeout",
            "seconds the upstream may take to accept the next piece of the request body");
    public static final AnnotationKey<Long> BODY_SIZE = AnnotationKey.prefixed(
            "proxy-body-size", ValueType.SIZE, -1L, "the listener's --max-body-size",
            "largest request body (nginx size: 8m, 512k, 1g, bytes; 0 unlimited); 413 past it");
    public static final AnnotationKey<Integer> NEXT_UPSTREAM_TRIES = AnnotationKey.prefixed(
            "proxy-next-upstream-tries", ValueType.COUNT, -1, "the listener's tries (3, as ingress-nginx)",
            "attempts over the backend's endpoints when connecting fails (0: each endpoint once)");
    public static final AnnotationKey<Integer> NEXT_UPSTREAM = AnnotationKey.prefixed(
            "proxy-next-upstream", new ValueType<>() {
                @Override
                public Integer parse(String raw) {
                    int conditions = NextUpstream.parseConditions(raw);
                    return conditions < 0 ? null : conditions;
                }

                @Override
                public String expected() {
                    return NextUpstream.EXPECTED;
                }
            }, -1, "the listener's --proxy-next-upstream (error timeout, as ingress-nginx)",
            "when a failed attempt goes to the next endpoint: error, timeout, invalid_header, http_5xx & co"
                    + " (a status is retried only before anything reached the client), non_idempotent, off");
    public static final AnnotationKey<Duration> NEXT_UPSTREAM_TIMEOUT = AnnotationKey.prefixed(
            "proxy-next-upstream-timeout", new ValueType<>() {
                @Override
                public Duration parse(String raw) {
                    Long n = ValueType.INT.parse(raw);
                    return n == null || n < 0 || n > Integer.MAX_VALUE ? null : Duration.ofSeconds(n);
                }

                @Override
                public String expected() {
                    return "an integer number of seconds >= 0 (0: no limit)";
                }
            }, null, "the listener's --proxy-next-upstream-timeout (0, no limit)",
            "seconds after the first attempt began during which a retry may still start (0: no limit)");
    public static final AnnotationKey<String> REWRITE_TARGET = AnnotationKey.prefixed(
            "rewrite-target", ValueType.URI_TEMPLATE, "",
            "upstream URI with $1..$9 from the path regex; makes the paths regular expressions");
    public static final AnnotationKey<Boolean> USE_REGEX = AnnotationKey.prefixed(
            "use-regex", ValueType.BOOL, false,
            "paths are case-insensitive regular expressions anchored at the start; applies to every path of the host");
    public static final AnnotationKey<String> BACKEND_PROTOCOL = AnnotationKey.prefixed(
            "backend-protocol", ValueType.VERBATIM, "HTTP",
            "HTTP, HTTPS (TLS to the pod), GRPC (h2c) or GRPCS (h2 over TLS)");
    public static final AnnotationKey<Boolean> ENABLE_ACCESS_LOG = AnnotationKey.prefixed(
            "enable-access-log", ValueType.BOOL, true,
            "false: no access-log lines for the Ingress's requests (canary-served ones included)");
    public static final AnnotationKey<Boolean> ENABLE_REWRITE_LOG = AnnotationKey.prefixed(
            "enable-rewrite-log", ValueType.BOOL, false,
            "accepted, no effect: in ingress-nginx it only writes rewrite decisions to nginx's error log");
    public static final AnnotationKey<Boolean> REQUEST_BUFFERING = AnnotationKey.prefixed(
            "proxy-request-buffering", ValueType.ON_OFF, true, "on",
            "on: the whole request body is read before an endpoint is connected and goes with a Content-Length;"
                    + " off: streamed as it arrives");
    /** Accepted: responses always stream; what a client sees is the same (docs/annotations.md). */
    public static final AnnotationKey<Boolean> BUFFERING = AnnotationKey.prefixed(
            "proxy-buffering", ValueType.ON_OFF, false, "off",
            "accepted; responses stream either way (what the client receives is the same)");
    public static final AnnotationKey<Long> BUFFER_SIZE = AnnotationKey.prefixed(
            "proxy-buffer-size", ValueType.SIZE, 4096L, "4k",
            "accepted; upstream response heads up to the gateway's own limit (larger than 4k) are read");
    public static final AnnotationKey<Integer> BUFFERS_NUMBER = AnnotationKey.prefixed(
            "proxy-buffers-number", ValueType.COUNT, 4, "4", "accepted; no effect (responses stream)");
    public static final AnnotationKey<Long> CLIENT_BODY_BUFFER_SIZE = AnnotationKey.prefixed(
            "client-body-buffer-size", ValueType.SIZE, -1L, "the ConfigMap's client-body-buffer-size (8k)",
            "bytes of a buffered request body kept in memory; the rest goes to a temporary file first");
    public static final AnnotationKey<Boolean> SERVICE_UPSTREAM = AnnotationKey.prefixed(
            "service-upstream", ValueType.BOOL, false,
            "the single endpoint is the Service's ClusterIP and port (kube-proxy balances); a canary Ingress's own"
                    + " value applies to the canary backend");
    /**
     * {@code proxy-http-version}: {@code 1.0} is true (HTTP/1.0 upstream), {@code 1.1} false;
     * trimmed and case-sensitive, as ingress-nginx's {@code ValidateOptions}.
     */
    public static final ValueType<Boolean> HTTP_1_0 = ValueType.twoWords("1.0", "1.1", true);
    public static final AnnotationKey<Boolean> HTTP_VERSION = AnnotationKey.prefixed(
            "proxy-http-version", HTTP_1_0, false, "1.1",
            "1.0: requests go upstream as HTTP/1.0 (no keep-alive, a body only with its Content-Length: a chunked"
                    + " one is read whole first); HTTP and HTTPS backends");
    /** The largest upstream response head the gateway reads ({@code UpstreamPool}); a larger one is a 502. */
    public static final long MAX_RESPONSE_HEAD = 64 * 1024;
    /** Every key, in the order they are read. */
    public static final List<AnnotationKey<?>> KEYS = List.of(CONNECT_TIMEOUT, READ_TIMEOUT, SEND_TIMEOUT, BODY_SIZE,
            NEXT_UPSTREAM_TRIES, NEXT_UPSTREAM, NEXT_UPSTREAM_TIMEOUT, REWRITE_TARGET, USE_REGEX, BACKEND_PROTOCOL,
            ENABLE_ACCESS_LOG, ENABLE_REWRITE_LOG, REQUEST_BUFFERING, BUFFERING, BUFFER_SIZE, BUFFERS_NUMBER,
            CLIENT_BODY_BUFFER_SIZE, SERVICE_UPSTREAM, HTTP_VERSION);

    /** No annotations. */
    public static final ProxyAnnotations NONE = new ProxyAnnotations(RouteOptions.DEFAULTS, false, false);

    public ProxyAnnotations {
        requireNonNull(options, "options");
    }

    public ProxyAnnotations(RouteOptions options, boolean useRegex) {
        this(options, useRegex, false);
    }

    public static ProxyAnnotations parse(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        return parse(annotations, prefix, warnings, AnnotationDefaults.DEFAULT);
    }

    /**
     * @param defaults the ConfigMap's defaults ({@code proxy-request-buffering}, {@code service-upstream},
     *     {@code proxy-http-version})
     */
    public static ProxyAnnotations parse(Map<String, String> annotations, String prefix, Consumer<String> warnings,
            AnnotationDefaults defaults) {
        requireNonNull(prefix, "prefix");
        boolean requestBuffering = defaults.requestBuffering();
        requireNonNull(warnings, "warnings");
        Duration connect = CONNECT_TIMEOUT.read(annotations, prefix, warnings);
        Duration read = READ_TIMEOUT.read(annotations, prefix, warnings);
        Duration send = SEND_TIMEOUT.read(annotations, prefix, warnings);
        long bodySize = BODY_SIZE.read(annotations, prefix, warnings);
        int tries = NEXT_UPSTREAM_TRIES.read(annotations, prefix, warnings);
        int nextConditions = NEXT_UPSTREAM.read(annotations, prefix, warnings);
        Duration nextTimeout = NEXT_UPSTREAM_TIMEOUT.read(annotations, prefix, warnings);
        NextUpstream next = nextConditions < 0 && nextTimeout == null ? null
                : new NextUpstream(nextConditions, nextTimeout);
        String target = REWRITE_TARGET.read(annotations, prefix, warnings);
        boolean useRegex = USE_REGEX.read(annotations, prefix, warnings);
        BackendProtocol protocol = backendProtocol(annotations, prefix, warnings);
        boolean accessLog = ENABLE_ACCESS_LOG.read(annotations, prefix, warnings); // invalid: true, as ingress-nginx
        ENABLE_REWRITE_LOG.read(annotations, prefix, warnings); // validated, then nothing to do
        RewriteTarget rewrite = target.isEmpty() ? null : RewriteTarget.of(target);
        boolean buffered = REQUEST_BUFFERING.read(annotations, prefix, warnings, requestBuffering);
        // Accepted: validated (a warning when invalid), no effect beyond what docs/annotations.md says.
        BUFFERING.read(annotations, prefix, warnings);
        if (BUFFER_SIZE.read(annotations, prefix, warnings) > MAX_RESPONSE_HEAD) {
            warnings.accept(BUFFER_SIZE.describe(prefix, BUFFER_SIZE.raw(annotations, prefix)) + " is larger than"
                    + " the 64k Linnet reads of an upstream response head; a larger head gets 502");
        }
        BUFFERS_NUMBER.read(annotations, prefix, warnings);
        long bodyBuffer = CLIENT_BODY_BUFFER_SIZE.read(annotations, prefix, warnings);
        boolean http10 = HTTP_VERSION.read(annotations, prefix, warnings, defaults.http10());
        RouteOptions options = new RouteOptions(protocol, connect, read, send, bodySize, tries, rewrite, next,
                accessLog, buffered, http10, bodyBuffer);
        return new ProxyAnnotations(options, useRegex, serviceUpstream(annotations, prefix, warnings, defaults));
    }

    /**
     * A canary Ingress's proxy annotations: none apply except {@code service-upstream}, which
     * shapes its own backend ({@link #warnIgnoredOnCanary} reports the rest).
     */
    public static ProxyAnnotations parseCanary(Map<String, String> annotations, String prefix,
            Consumer<String> warnings, AnnotationDefaults defaults) {
        warnIgnoredOnCanary(annotations, prefix, warnings);
        return new ProxyAnnotations(RouteOptions.DEFAULTS, false,
                serviceUpstream(annotations, prefix, warnings, defaults));
    }

    /**
     * The annotation, else the ConfigMap's {@code service-upstream}; an invalid annotation is
     * {@code false} (ingress-nginx's parser returns false with its error), not the ConfigMap's value.
     */
    private static boolean serviceUpstream(Map<String, String> annotations, String prefix, Consumer<String> warnings,
            AnnotationDefaults defaults) {
        String raw = SERVICE_UPSTREAM.raw(annotations, prefix);
        return raw == null ? defaults.serviceUpstream() : SERVICE_UPSTREAM.read(annotations, prefix, warnings);
    }

    /**
     * The options of the route for {@code path}. ingress-nginx rewrites only when the target
     * differs from the path ({@code needsRewrite}), so a target equal to the path is no rewrite.
     */
    public RouteOptions optionsFor(String path) {
        RewriteTarget rewrite = options.rewriteTarget();
        return rewrite != null && rewrite.target().equals(path) ? withoutRewrite() : options;
    }

    /** Whether the route for {@code path} makes its host a regex host (ingress-nginx's {@code enforceRegexModifier}). */
    public boolean regexFor(String path) {
        return useRegex || optionsFor(path).rewriteTarget() != null;
    }

    /**
     * These options without {@code rewrite-target}: the route whose target is its own path, and
     * the catch-all ({@code spec.defaultBackend} without rules), whose location ingress-nginx
     * restores to the default rewrite config (which also has no redirect: {@link RedirectAnnotations}).
     */
    public RouteOptions withoutRewrite() {
        return options.withoutRewrite();
    }

    /**
     * ingress-nginx upper-cases and trims the value; AUTO_HTTP and FCGI are valid there but not
     * implemented here, so they get their own warning.
     */
    private static BackendProtocol backendProtocol(Map<String, String> annotations, String prefix,
            Consumer<String> warnings) {
        String raw = BACKEND_PROTOCOL.raw(annotations, prefix);
        if (raw == null) {
            return BackendProtocol.HTTP;
        }
        String v = raw.strip().toUpperCase(Locale.ROOT);
        switch (v) {
            case "HTTP", "HTTPS", "GRPC", "GRPCS" -> {
                return BackendProtocol.valueOf(v);
            }
            case "AUTO_HTTP", "FCGI" -> warnings.accept(BACKEND_PROTOCOL.describe(prefix, raw)
                    + " is not supported by Linnet (expected: HTTP, HTTPS, GRPC or GRPCS); using HTTP");
            default -> warnings.accept(BACKEND_PROTOCOL.describe(prefix, raw)
                    + " is invalid (expected: HTTP, HTTPS, GRPC or GRPCS); using HTTP");
        }
        return BackendProtocol.HTTP;
    }

    /**
     * A canary Ingress's own proxy annotations never apply: its requests take the main
     * location's settings (canary-spec.md, "Which annotations of a canary Ingress take effect").
     */
    public static void warnIgnoredOnCanary(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        for (AnnotationKey<?> key : KEYS) {
            String raw = key.raw(annotations, prefix);
            if (raw != null && key != SERVICE_UPSTREAM) {
                warnings.accept(key.describe(prefix, raw) + " is ignored on a canary Ingress: the main Ingress's"
                        + " settings apply, as in ingress-nginx");
            }
        }
    }
}
