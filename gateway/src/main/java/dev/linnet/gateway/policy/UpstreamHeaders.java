package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Edits of the request head going upstream, in the order written: {@code upstream-vhost} and
 * {@code connection-proxy-header} (annotations-spec.md §3.2, §3.6), a snippet's
 * {@code proxy_set_header}, {@code more_set_input_headers} and {@code more_clear_input_headers}
 * (docs/snippets.md). Values are {@link NginxValue}s; an empty result sends no header, as nginx.
 *
 * <p>{@code proxy_set_header} is nginx's: the location's list already sets {@code Host}, the
 * {@code X-Forwarded-*} family, {@code X-Real-IP} and {@code X-Request-ID}, and a second entry of
 * one of those names is sent as a <em>second</em> header (annotations-spec.md §3.5, verified);
 * any other name replaces what the client sent. {@link Kind#REPLACE} sets the one value
 * ({@code upstream-vhost} replaces nginx's {@code Host} entry).
 *
 * @param edits in order
 */
public record UpstreamHeaders(List<Edit> edits) implements UpstreamPolicy {

    /** What an edit does. */
    public enum Kind {
        /** Replaces every value of the name (removes it when the value expands to nothing). */
        REPLACE,
        /** As {@link #REPLACE}, only when the request has the header ({@code more_set_input_headers -r}). */
        REPLACE_IF_PRESENT,
        /** nginx's {@code proxy_set_header} (see above). */
        PROXY_SET,
        /** Removes the name; a name ending in {@code *} removes every header starting with the rest. */
        CLEAR
    }

    /** One edit; {@code value} is ignored by {@link Kind#CLEAR}. */
    public record Edit(Kind kind, String name, NginxValue value) {
        public Edit {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
            if (kind != Kind.CLEAR) {
                requireNonNull(value, "value");
            }
        }
    }

    /** The names the gateway itself sets upstream, as nginx's location list does. */
    static final Set<String> SET_BY_PROXY = Set.of("host", "x-request-id", "x-real-ip", "x-forwarded-for",
            "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto", "x-forwarded-scheme", "x-scheme",
            "x-original-uri", "x-original-forwarded-for", "x-original-forwarded-host");

    public UpstreamHeaders {
        edits = List.copyOf(edits);
    }

    @Override
    public Step step() {
        return Step.UPSTREAM_HEADERS;
    }

    @Override
    public void onUpstreamRequest(RequestContext request, HttpRequest upstream) {
        HttpHeaders h = upstream.headers();
        Set<String> proxySet = null; // names a proxy_set_header already wrote in this request
        for (Edit e : edits) {
            switch (e.kind) {
                case CLEAR -> clear(h, e.name);
                case REPLACE, REPLACE_IF_PRESENT -> {
                    if (e.kind == Kind.REPLACE_IF_PRESENT && !h.contains(e.name)) {
                        continue;
                    }
                    String v = e.value.expand(request, null);
                    if (v.isEmpty()) {
                        h.remove(e.name);
                    } else {
                        h.set(e.name, v);
                    }
                }
                case PROXY_SET -> {
                    String lower = e.name.toLowerCase(Locale.ROOT);
                    if (proxySet == null) {
                        proxySet = new HashSet<>();
                    }
                    if (!SET_BY_PROXY.contains(lower) && proxySet.add(lower)) {
                        h.remove(e.name); // the client's value is not passed
                    }
                    String v = e.value.expand(request, null);
                    if (!v.isEmpty()) {
                        h.add(e.name, v);
                    }
                }
            }
        }
    }

    /** Removes {@code name}, or with a trailing {@code *} every name with that prefix (case-insensitive). */
    static void clear(HttpHeaders h, String name) {
        if (!name.endsWith("*")) {
            h.remove(name);
            return;
        }
        String prefix = name.substring(0, name.length() - 1).toLowerCase(Locale.ROOT);
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, String> e : h) {
            if (e.getKey().toLowerCase(Locale.ROOT).startsWith(prefix)) {
                gone.add(e.getKey());
            }
        }
        gone.forEach(h::remove);
    }
}
