package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.Objects;

/**
 * What basic and digest authentication share (auth-limits-spec.md §2): a realm and a table of
 * users from the Ingress's Secret, the access step, nginx's 401, and the client's
 * {@code Authorization} header kept from the backend (ingress-nginx's
 * {@code proxy_set_header Authorization ""}).
 */
abstract sealed class PasswordAuth implements RequestPolicy, UpstreamPolicy permits BasicAuth, DigestAuth {

    /** nginx's 401 page title, the body of every 401 of these policies. */
    static final String UNAUTHORIZED_TEXT = "401 Authorization Required\n";

    final String realm;
    final Map<String, String> users;

    PasswordAuth(String realm, Map<String, String> users) {
        this.realm = requireNonNull(realm, "realm");
        this.users = Map.copyOf(requireNonNull(users, "users"));
    }

    /** The {@code auth-realm} ({@code ""} when absent), validated by the controller. */
    public String realm() {
        return realm;
    }

    /** User → what the request is checked against (ISO-8859-1 user names: bytes as the file holds them). */
    public Map<String, String> users() {
        return users;
    }

    @Override
    public Step step() {
        return Step.BASIC_AUTH;
    }

    @Override
    public void onUpstreamRequest(RequestContext request, HttpRequest upstream) {
        upstream.headers().remove(HttpHeaderNames.AUTHORIZATION);
    }

    /** nginx's 401 with exactly one {@code WWW-Authenticate}. */
    static FullHttpResponse unauthorized(RequestContext request, String challenge) {
        FullHttpResponse response = Answers.text(request.channel().alloc(), HttpResponseStatus.UNAUTHORIZED,
                UNAUTHORIZED_TEXT);
        response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        return response;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && realm.equals(((PasswordAuth) o).realm)
                && users.equals(((PasswordAuth) o).users);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), realm, users);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[realm=" + realm + ", users=" + users.keySet() + ']'; // never the hashes
    }
}
