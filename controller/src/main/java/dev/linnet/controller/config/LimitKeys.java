package dev.linnet.controller.config;

import dev.linnet.controller.annotation.NginxSize;
import dev.linnet.controller.annotation.ValueType;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.NextUpstream;
import java.time.Duration;

/**
 * The keys that mirror {@code serve} flags (annotations-spec.md §8.3): client limits and
 * timeouts, keep-alive, upstream timeouts and retries, the redirect code. Each applies to the
 * next request (header limits: to new connections). An explicitly given flag wins.
 */
final class LimitKeys {

    private LimitKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        GatewayConfig.Builder g = out.gateway();
        GatewayConfig base = g.build();
        if (d.fromConfigMap("keep-alive", "--keep-alive")) {
            g.idleTimeout(d.get("keep-alive", ValueType.SECONDS, base.idleTimeout()));
        }
        if (d.fromConfigMap("keep-alive-requests", "--keep-alive-requests")) {
            g.keepAliveRequests(d.get("keep-alive-requests", ValueType.COUNT, base.keepAliveRequests()));
        }
        if (d.fromConfigMap("client-header-timeout", "--client-header-timeout")) {
            g.clientHeaderTimeout(d.get("client-header-timeout", ValueType.SECONDS, base.clientHeaderTimeout()));
        }
        if (d.fromConfigMap("client-body-timeout", "--client-body-timeout")) {
            g.clientBodyTimeout(d.get("client-body-timeout", ValueType.SECONDS, base.clientBodyTimeout()));
        }
        if (d.fromConfigMap("proxy-body-size", "--max-body-size")) {
            g.maxRequestBodySize(d.get("proxy-body-size", ValueType.SIZE, base.maxRequestBodySize()));
        }
        if (d.fromConfigMap("large-client-header-buffers", "--max-header-size", "--max-request-line")) {
            Integer size = d.get("large-client-header-buffers", HEADER_BUFFERS, null);
            if (size != null) { // nginx: one buffer holds the request line, the header block at most number × size
                g.maxInitialLineLength(size).maxHeaderSize(size);
            }
        }
        if (d.fromConfigMap("proxy-connect-timeout", "--connect-timeout")) {
            g.connectTimeout(d.get("proxy-connect-timeout", ValueType.SECONDS, base.connectTimeout()));
        }
        if (d.fromConfigMap("proxy-read-timeout", "--read-timeout")) {
            g.readTimeout(d.get("proxy-read-timeout", ValueType.SECONDS, base.readTimeout()));
        }
        if (d.fromConfigMap("proxy-send-timeout")) {
            g.sendTimeout(d.get("proxy-send-timeout", ValueType.SECONDS, base.sendTimeout()));
        }
        if (d.fromConfigMap("proxy-next-upstream-tries", "--proxy-next-upstream-tries")) {
            g.maxTries(d.get("proxy-next-upstream-tries", ValueType.COUNT, base.maxTries()));
        }
        NextUpstream next = base.nextUpstream();
        if (d.fromConfigMap("proxy-next-upstream", "--proxy-next-upstream")) {
            next = new NextUpstream(d.get("proxy-next-upstream", NEXT_UPSTREAM, next.conditions()), next.timeout());
        }
        if (d.fromConfigMap("proxy-next-upstream-timeout", "--proxy-next-upstream-timeout")) {
            next = new NextUpstream(next.conditions(), d.get("proxy-next-upstream-timeout", SECONDS_OR_ZERO,
                    next.timeout()));
        }
        if (d.bool("retry-non-idempotent", false) && next.conditions() != 0) { // nginx: non_idempotent
            next = new NextUpstream(next.conditions() | NextUpstream.NON_IDEMPOTENT, next.timeout());
        }
        g.nextUpstream(next);
        if (d.fromConfigMap("http-redirect-code", "--http-redirect-code")) {
            g.httpRedirectCode(d.get("http-redirect-code", REDIRECT_CODE, base.httpRedirectCode()));
        }
        if (d.fromConfigMap("enable-underscores-in-headers", "--enable-underscores-in-headers")) {
            g.underscoresInHeaders(d.bool("enable-underscores-in-headers", base.underscoresInHeaders()));
        }
    }

    /** {@code large-client-header-buffers}: {@code <number> <size>}, e.g. {@code 4 8k}; the size counts. */
    static final ValueType<Integer> HEADER_BUFFERS = new ValueType<>() {
        @Override
        public Integer parse(String raw) {
            String[] parts = raw.strip().split("\\s+");
            if (parts.length != 2) {
                return null;
            }
            Long number = ValueType.INT.parse(parts[0]);
            long size = NginxSize.parse(parts[1]);
            return number == null || number < 1 || size < 1 || size > Integer.MAX_VALUE ? null : (int) size;
        }

        @Override
        public String expected() {
            return "a number of buffers and a size, e.g. 4 8k";
        }
    };

    static final ValueType<Integer> NEXT_UPSTREAM = new ValueType<>() {
        @Override
        public Integer parse(String raw) {
            int conditions = NextUpstream.parseConditions(raw);
            return conditions == -1 ? null : conditions;
        }

        @Override
        public String expected() {
            return NextUpstream.EXPECTED;
        }
    };

    static final ValueType<Duration> SECONDS_OR_ZERO = new ValueType<>() {
        @Override
        public Duration parse(String raw) {
            Long n = ValueType.INT.parse(raw);
            return n == null || n < 0 || n > Integer.MAX_VALUE ? null : Duration.ofSeconds(n);
        }

        @Override
        public String expected() {
            return "an integer number of seconds >= 0 (0: no limit)";
        }
    };

    static final ValueType<Integer> REDIRECT_CODE = new ValueType<>() {
        @Override
        public Integer parse(String raw) {
            Long n = ValueType.INT.parse(raw);
            return n != null && (n == 301 || n == 302 || n == 307 || n == 308) ? n.intValue() : null;
        }

        @Override
        public String expected() {
            return "301, 302, 307 or 308";
        }
    };
}
