package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.SourceRanges;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A snippet's {@code allow} and {@code deny} (nginx's access module): the rules are checked in
 * order and the first that matches the client decides; when none matches the check declines
 * (the request goes on; under {@code satisfy any} that is no pass). A denial is an access check's
 * failure (403; under {@code satisfy any} another check may pass). The client is the address
 * {@link AccessList} uses. Without one (nothing to compare), the check fails closed, as
 * {@link AccessList}'s does: no range allows it, any range it might be in denies it, {@code all}
 * decides as usual, and when no rule decides it is denied. nginx keeps one list per location, the
 * annotations' lines first ({@link #join}).
 *
 * @param rules in order
 */
public record AccessRules(List<Rule> rules) implements RequestPolicy {

    /**
     * One rule.
     *
     * @param ranges the networks it matches, or {@code null} for {@code all}
     */
    public record Rule(boolean allow, SourceRanges ranges) {
    }

    public AccessRules {
        rules = List.copyOf(requireNonNull(rules, "rules"));
    }

    @Override
    public Step step() {
        return Step.SNIPPET_ACCESS;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        InetAddress client = request.remoteAddress() == null ? null : request.remoteAddress().getAddress();
        if (isIpv4Mapped(client) && rules.stream().anyMatch(r -> r.ranges == null || r.ranges.hasIpv4())) {
            client = ipv4Of(client);
        }
        for (Rule r : rules) {
            boolean matches = r.ranges == null || (client == null ? !r.allow : r.ranges.allows(client));
            if (matches) {
                return r.allow ? Flow.CONTINUE : deny(request);
            }
        }
        return client == null ? deny(request) : Flow.DECLINED;
    }

    private static Flow deny(RequestContext request) {
        request.deny(403, Answers.status(request.channel().alloc(), HttpResponseStatus.FORBIDDEN));
        return Flow.ANSWERED;
    }

    /**
     * Whether {@code client} is an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, as a forwarded
     * header or a PROXY header may name it). nginx's access module checks such a client against
     * the location's IPv4 lines when it has any ({@code allow all} / {@code deny all} count), else
     * against its IPv6 lines (ngx_http_access_handler): a deny list of IPv4 ranges holds for it.
     */
    public static boolean isIpv4Mapped(InetAddress client) {
        if (!(client instanceof Inet6Address)) {
            return false;
        }
        byte[] b = client.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** The IPv4 address inside an IPv4-mapped one. */
    public static InetAddress ipv4Of(InetAddress mapped) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(mapped.getAddress(), 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes always make an address
        }
    }

    /**
     * A location's access checks with its {@link AccessList} and a snippet's rules made one list,
     * the annotations' lines first, as nginx's access module reads them in ingress-nginx's location:
     * a snippet's {@code allow} after the allowlist's {@code deny all} or the deny list's line for
     * the same client never matches, and the allowlist's {@code allow} is final.
     *
     * @param access the ACCESS stage's policies in order; replaced in place
     */
    static void join(List<RequestPolicy> access) {
        int list = -1;
        int snippet = -1;
        for (int i = 0; i < access.size(); i++) {
            if (access.get(i) instanceof AccessList) {
                list = i;
            } else if (access.get(i) instanceof AccessRules) {
                snippet = i;
            }
        }
        if (list < 0 || snippet < 0) {
            return;
        }
        List<Rule> joined = new ArrayList<>(((AccessList) access.get(list)).rules());
        joined.addAll(((AccessRules) access.get(snippet)).rules);
        access.set(list, new AccessRules(joined));
        access.remove(snippet);
    }
}
