package dev.linnet.controller.build;

import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Last processor: a host on which any Ingress set {@code use-regex} or a {@code rewrite-target}
 * gets regex paths for ALL its routes, whichever Ingress defined them, as ingress-nginx's
 * {@code enforceRegexModifier} writes {@code location ~* "^<path>"} for every location of that
 * server (<a href="https://kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching/">ingress
 * path matching</a>, "IMPORTANT NOTES"). Exact paths become regexes too, as there.
 *
 * <pre>
 *   host regex? ─no─▶ unchanged
 *     │ yes
 *     ▼
 *   every route: path compiles? ─yes─▶ PathType.REGEX (VirtualHost orders by path length, longest first)
 *                               └─no──▶ warning on the route's Ingress; route dropped
 * </pre>
 *
 * Runs after canary attachment, which matches by the path and pathType as written.
 */
final class RegexProcessor {

    private RegexProcessor() {
    }

    static void process(BuildContext ctx) {
        for (HostBuilder hb : ctx.hosts()) {
            if (!hb.regex()) {
                continue;
            }
            List<Route> converted = new ArrayList<>();
            for (Route r : hb.routes()) {
                PathMatch regex;
                try {
                    regex = r.match().asRegex();
                } catch (PatternSyntaxException e) {
                    ctx.warn(r.namespace(), r.ingress(), IngressPaths.describe(r.host(), r.match())
                            + " is not a valid regular expression (" + e.getDescription() + " near index "
                            + e.getIndex() + "), and use-regex or rewrite-target makes every path of this host"
                            + " one; path skipped");
                    continue;
                }
                converted.add(new Route(r.namespace(), r.ingress(), r.host(), regex, r.backend(), r.canary(),
                        r.options(), r.policies(), r.multiCanary()));
            }
            hb.replaceAll(converted);
        }
    }
}
