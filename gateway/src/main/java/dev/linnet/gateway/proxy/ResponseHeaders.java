package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.upstream.PassPlan;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * Headers the gateway itself puts on responses (annotations-spec.md §8.4, §3.5, §10): HSTS, the
 * {@code Server} header ({@code server-tokens}, {@code allow-backend-server-header}), the
 * ConfigMap's {@code add-headers}. Applied to every response head as it leaves for the client,
 * proxied or the gateway's own ({@link #apply}).
 *
 * @param hsts the {@code Strict-Transport-Security} value sent on HTTPS responses of a location,
 *     or {@code null}: none ({@code hsts: false}, or an unusable {@code hsts-max-age})
 * @param server the {@code Server} value ({@code server-tokens: true}), or {@code null}: no
 *     {@code Server} header at all, not even the backend's (ingress-nginx's {@code more_clear_headers Server})
 * @param backendServer a backend's own {@code Server} reaches the client ({@code allow-backend-server-header},
 *     nginx's {@code proxy_pass_header Server}); only with {@code server} set
 * @param add {@code add-headers}: set or replaced on every response of every host, every status
 * @param hide {@code hide-headers} (nginx's http-level {@code proxy_hide_header}): removed from every
 *     upstream response, never from the gateway's own answers ({@link #hideUpstream}); {@code Server}
 *     is left out with {@code backendServer}, as nginx's {@code proxy_pass_header} takes a name off the
 *     hide list
 */
public record ResponseHeaders(String hsts, String server, boolean backendServer, List<Header> add,
        List<String> hide) {

    /** ingress-nginx's defaults: HSTS for a year with subdomains, no {@code Server}, nothing added. */
    public static final ResponseHeaders DEFAULT = new ResponseHeaders(hstsValue("31536000", true, false), null,
            false, List.of(), List.of());

    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    /** One {@code add-headers} entry; names and values were checked by the controller. */
    public record Header(AsciiString name, AsciiString value) {

        public Header {
            requireNonNull(name, "name");
            requireNonNull(value, "value");
        }

        public static Header of(String name, String value) {
            return new Header(AsciiString.of(name), AsciiString.of(value));
        }
    }

    public ResponseHeaders {
        add = List.copyOf(requireNonNull(add, "add"));
        hide = requireNonNull(hide, "hide").stream()
                .filter(name -> !(backendServer && HttpHeaderNames.SERVER.contentEqualsIgnoreCase(name)))
                .toList();
    }

    /** Without {@code hide-headers}. */
    public ResponseHeaders(String hsts, String server, boolean backendServer, List<Header> add) {
        this(hsts, server, backendServer, add, List.of());
    }

    /** lua_ingress.lua's value: {@code max-age=<n>[; includeSubDomains][; preload]}. */
    public static String hstsValue(String maxAge, boolean includeSubDomains, boolean preload) {
        return "max-age=" + maxAge + (includeSubDomains ? "; includeSubDomains" : "") + (preload ? "; preload" : "");
    }

    /**
     * What {@link #hideUpstream} and {@link #apply} (location true) do to a proxied head, as byte
     * edits for the response pass-through; null when they cannot be put that way.
     *
     * @param https the client connection is TLS terminated by the gateway (HSTS)
     */
    public PassPlan passPlan(boolean https) {
        List<String[]> added = new ArrayList<>(add.size());
        for (Header h : add) {
            added.add(new String[] {h.name().toString(), h.value().toString()});
        }
        return PassPlan.of(server, backendServer, https ? hsts : null, added, hide);
    }

    /**
     * Removes the {@code hide-headers} from an upstream response head as it is taken over for the
     * client, before the route's response policies (nginx's proxy module hides while it copies the
     * upstream's headers; headers-more and add_header run later, in the header filters). Only ever
     * called on proxied responses: Linnet's own answers (redirects, 401/403/503, its error pages,
     * affinity cookies, CORS headers) keep every header, as nginx's list filters only the upstream's.
     * Nor on gRPC backends' responses: nginx's {@code grpc_pass} has its own {@code grpc_hide_header}.
     */
    public void hideUpstream(HttpHeaders headers) {
        for (int i = 0; i < hide.size(); i++) {
            headers.remove(hide.get(i));
        }
    }

    /**
     * Sets this gateway's headers on a response head about to go to the client, after the
     * route's response policies, in nginx's order: the {@code Server} of the proxy (the backend's
     * only with {@code backendServer}), HSTS, then {@code add-headers} (http-level
     * {@code more_set_headers}), then, with {@code server-tokens: false}, {@code Server} cleared
     * whatever set it (the template's {@code more_clear_headers Server} follows the add-headers).
     *
     * <p>HSTS: only when Linnet terminated TLS itself ({@code $scheme} is https; a forwarded
     * {@code X-Forwarded-Proto} does not count), and only on responses of a location: a proxied
     * response, or an answer given once the request was routed (redirects, 401/403/503, the
     * catch-all 404). A request refused before routing (400 for a malformed head) has no
     * location in nginx, so its header filter never runs. ingress-nginx's "certificate
     * configured for this host" test is dead code (§8.4), so hosts served with the default
     * certificate get HSTS too. The backend's own HSTS is replaced. ingress-nginx's server-level
     * answers (app-root's 302, the www twin's redirect; not in Linnet yet) carry none: they will
     * need {@code location} false. Nor do intercepted error pages (#6027; Linnet intercepts none).
     *
     * @param https the client connection is TLS terminated by the gateway
     * @param location the response belongs to a routed request (proxied, or answered in its location)
     */
    public void apply(HttpHeaders headers, boolean https, boolean location) {
        if (server != null && !(backendServer && headers.contains(HttpHeaderNames.SERVER))) {
            headers.set(HttpHeaderNames.SERVER, server);
        }
        if (hsts != null && https && location) {
            headers.set(STRICT_TRANSPORT_SECURITY, hsts);
        }
        for (int i = 0; i < add.size(); i++) {
            Header h = add.get(i);
            headers.set(h.name(), h.value());
        }
        if (server == null) {
            headers.remove(HttpHeaderNames.SERVER);
        }
    }
}
