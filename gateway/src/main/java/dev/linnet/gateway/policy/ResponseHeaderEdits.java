package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Edits of the response head going to the client: {@code custom-headers} (annotations-spec.md
 * §3.4: {@code more_set_headers}, every status) and a snippet's {@code proxy_hide_header},
 * {@code more_set_headers}, {@code more_clear_headers} and {@code add_header} (docs/snippets.md).
 *
 * <p>nginx's order: the proxy module hides upstream headers as it copies them; headers-more's
 * filter runs before the standard headers filter, so {@code more_*} edits come next, in the order
 * written, and {@code add_header} last. {@code add_header} adds (a header the upstream sent stays)
 * and, without {@code always}, only on 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308.
 *
 * @param edits sorted into nginx's order by the constructor
 */
public record ResponseHeaderEdits(List<Edit> edits) implements ResponsePolicy {

    /** nginx's add_header statuses (ngx_http_headers_filter_module). */
    private static final Set<Integer> ADD_HEADER_STATUSES = Set.of(200, 201, 204, 206, 301, 302, 303, 304, 307, 308);

    /** What an edit does. */
    public enum Kind {
        /** {@code proxy_hide_header}. */
        HIDE,
        /** {@code more_set_headers} and {@code custom-headers}: replace (an empty value removes). */
        SET,
        /** {@code more_clear_headers}: remove; a trailing {@code *} matches every name with the prefix. */
        CLEAR,
        /** {@code add_header}: add when the value is not empty. */
        ADD,
        /** {@code add_header … always}. */
        ADD_ALWAYS
    }

    /**
     * One edit.
     *
     * @param statuses {@code -s}: the statuses it applies to; empty: all
     * @param types {@code -t}: the media types (lower case, no parameters) it applies to; empty: all
     */
    public record Edit(Kind kind, String name, NginxValue value, Set<Integer> statuses, Set<String> types) {
        public Edit {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
            statuses = Set.copyOf(statuses);
            types = Set.copyOf(types);
            if (kind != Kind.CLEAR && kind != Kind.HIDE) {
                requireNonNull(value, "value");
            }
        }

        public static Edit of(Kind kind, String name, NginxValue value) {
            return new Edit(kind, name, value, Set.of(), Set.of());
        }

        private int rank() {
            return switch (kind) {
                case HIDE -> 0;
                case SET, CLEAR -> 1;
                case ADD, ADD_ALWAYS -> 2;
            };
        }

        boolean appliesTo(int status, String mediaType) {
            if (!statuses.isEmpty() && !statuses.contains(status)) {
                return false;
            }
            if (kind == Kind.ADD && !ADD_HEADER_STATUSES.contains(status)) {
                return false;
            }
            return types.isEmpty() || mediaType != null && types.contains(mediaType);
        }
    }

    public ResponseHeaderEdits {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::rank)); // stable: the order written within a rank
        edits = List.copyOf(sorted);
    }

    @Override
    public Step step() {
        return Step.RESPONSE_HEADERS;
    }

    @Override
    public void onResponse(RequestContext request, HttpResponse response) {
        HttpHeaders h = response.headers();
        int status = response.status().code();
        String mediaType = mediaType(h.get(HttpHeaderNames.CONTENT_TYPE));
        for (Edit e : edits) {
            if (!e.appliesTo(status, mediaType)) {
                continue;
            }
            switch (e.kind) {
                case HIDE, CLEAR -> UpstreamHeaders.clear(h, e.name);
                case SET -> {
                    String v = e.value.expand(request, null);
                    if (v.isEmpty()) {
                        h.remove(e.name);
                    } else {
                        h.set(e.name, v);
                    }
                }
                case ADD, ADD_ALWAYS -> {
                    String v = e.value.expand(request, null);
                    if (!v.isEmpty()) {
                        h.add(e.name, v);
                    }
                }
            }
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
