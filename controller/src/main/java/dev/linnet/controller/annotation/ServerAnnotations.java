package dev.linnet.controller.annotation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The keys that act on a whole host rather than on the Ingress's paths (annotations-spec.md §2):
 * {@code app-root} and {@code server-alias}. The builder ({@code build/ServerProcessor}) puts them
 * on the hosts of the Ingress's rules; {@code from-to-www-redirect} belongs to the redirect group
 * ({@link RedirectUrlAnnotations}).
 */
public final class ServerAnnotations {

    private static final ValueType<String> ROOT = new ValueType.CheckedString(
            Pattern.compile("/[\\-._~a-zA-Z0-9/:]*"), false,
            "a path starting with / of letters, digits and - . _ ~ / : only, e.g. /app");
    /** ingress-nginx's server-name charset, per item. */
    private static final Pattern SERVER_NAME = Pattern.compile("[/\\-._~a-zA-Z0-9:^$\\[\\](){}*+?|&=\\\\]*");
    /** What Linnet serves: a host name, or {@code *.} and a host name. */
    private static final Pattern ALIAS = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9\\-]*[a-z0-9])?"
            + "(\\.[a-z0-9]([a-z0-9\\-]*[a-z0-9])?)*");

    public static final AnnotationKey<String> APP_ROOT = AnnotationKey.prefixed("app-root", ROOT, "", "none",
            "redirect / of the Ingress's hosts (the whole host) to this path with a 302");
    public static final AnnotationKey<String> SERVER_ALIAS = AnnotationKey.prefixed("server-alias", ValueType.VERBATIM,
            "", "none", "comma-separated extra host names (exact or *.domain) served like the Ingress's hosts");

    public static final List<AnnotationKey<?>> KEYS = List.of(APP_ROOT, SERVER_ALIAS);

    /**
     * @param appRoot the app-root path, or {@code null}
     * @param aliases extra names, sorted, lower case, deduplicated ({@code *.x.com} for wildcards)
     */
    public record Server(String appRoot, List<String> aliases) {
        public Server {
            aliases = List.copyOf(aliases);
        }
    }

    private ServerAnnotations() {
    }

    public static Server parse(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        String root = APP_ROOT.read(annotations, prefix, warnings);
        return new Server(root.isEmpty() ? null : root, aliases(annotations, prefix, warnings));
    }

    /**
     * ingress-nginx's list: split on commas, items trimmed; one item outside the server-name charset
     * makes it ignore the Ingress (its DROP): Linnet then uses no alias and warns. Regular
     * expressions ({@code ~^…}) and nginx's other wildcard forms are skipped with a warning: a
     * deliberate difference.
     */
    static List<String> aliases(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        String raw = SERVER_ALIAS.raw(annotations, prefix);
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        TreeSet<String> names = new TreeSet<>();
        List<String> skipped = new ArrayList<>();
        for (String part : raw.split(",")) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            if (!SERVER_NAME.matcher(item).matches()) {
                warnings.accept(SERVER_ALIAS.describe(prefix, raw) + ": " + AnnotationKey.quote(item)
                        + " is invalid (expected: host names separated by commas); using no alias "
                        + Deviation.INGRESS_NGINX_DROPS);
                return List.of();
            }
            String name = item.toLowerCase(java.util.Locale.ROOT);
            if (ALIAS.matcher(name).matches()) {
                names.add(name);
            } else {
                skipped.add(item);
            }
        }
        for (String s : skipped) {
            warnings.accept(SERVER_ALIAS.describe(prefix, raw) + ": " + AnnotationKey.quote(s) + " is skipped: Linnet"
                    + " serves exact names and *.domain aliases only, not nginx regular expressions or other patterns");
        }
        return List.copyOf(names);
    }
}
