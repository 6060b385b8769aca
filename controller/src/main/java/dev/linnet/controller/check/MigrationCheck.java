package dev.linnet.controller.check;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.Deviation;
import dev.linnet.controller.annotation.SnippetAnnotations;
import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.build.ClusterState;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.controller.build.IngressClassFilter;
import dev.linnet.controller.build.RouteTableBuilder;
import dev.linnet.controller.config.ConfigMapReader;
import dev.linnet.controller.check.Finding.Kind;
import dev.linnet.controller.check.Finding.Severity;
import dev.linnet.controller.check.IngressReport.Verdict;
import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.AccessRules;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code linnet check}: whether each Ingress is served exactly as ingress-nginx would serve it.
 *
 * <pre>
 *   objects ─▶ RouteTableBuilder (as Linnet serves)        ─▶ table L + warnings
 *           ─▶ RouteTableBuilder (as ingress-nginx would)  ─▶ table N + Deviation notes
 *   per Ingress of ours:
 *     not among L's sources                    ─▶ not-served (snippet findings name every directive)
 *     L and N differ on a route or host of it  ─▶ difference findings: the notes saying why, else the routes
 *     an annotation Linnet does not implement  ─▶ unsupported
 *     L's other warnings                       ─▶ invalid (or ignored: an unknown key)
 *   verdict: not-served, else different when a difference, unsupported or ignored snippet, else same
 * </pre>
 *
 * Differences come from the builder itself, run twice: the notes are written by the code that
 * builds the "as ingress-nginx" table where it departs from Linnet's, and the comparison of the
 * two tables decides whether traffic moves. A note whose Ingress has no route that differs is not
 * reported (say, {@code linnet.dev/multi-canary} on a rule with one canary), except client-address
 * trust, which changes no table and is reported on the Ingresses whose allow or deny lists see
 * the address.
 */
public final class MigrationCheck {

    private static final Pattern CONFIG_KEY = Pattern.compile("^keys? ([a-z0-9-]+)");
    /** The ConfigMap key whose notes change no table but what allow and deny lists see. */
    private static final String CLIENT_TRUST_KEY = "use-proxy-protocol";

    private MigrationCheck() {
    }

    public static CheckReport run(ClusterState state, BuildOptions options) {
        requireNonNull(state, "state");
        requireNonNull(options, "options");
        BuildResult linnet = RouteTableBuilder.build(state, options);
        BuildResult nginx = RouteTableBuilder.build(state, options.asIngressNginxBuild());
        List<TableDiff.Diff> diffs = TableDiff.of(linnet.table(), nginx.table());
        Map<String, List<ConfigWarning>> warnings = byIngress(linnet.warnings(), false);
        Map<String, List<ConfigWarning>> notes = byIngress(nginx.warnings(), true);
        List<Finding> configMapNotes = new ArrayList<>();
        List<Finding> configMapFindings = new ArrayList<>();
        for (ConfigWarning w : linnet.warnings()) {
            if (w.kind().equals("ConfigMap")) {
                configMapFindings.addAll(configMapFindings(w.message()));
            }
        }
        for (ConfigWarning w : nginx.warnings()) {
            if (w.kind().equals("ConfigMap") && Deviation.isNote(w.message())) {
                Finding f = note(w.message());
                configMapNotes.add(f);
                configMapFindings.add(f);
            }
        }
        Set<String> addressUsers = addressUsers(linnet.table());

        IngressClassFilter filter = new IngressClassFilter(options, state.ingressClasses());
        List<IngressReport> reports = new ArrayList<>();
        int skipped = 0;
        for (Ingress ingress : state.ingresses()) {
            if (ingress.getMetadata() == null || ingress.getMetadata().getName() == null) {
                continue;
            }
            if (!filter.isOurs(ingress)) {
                skipped++;
                continue;
            }
            String namespace = ingress.getMetadata().getNamespace() == null ? "default"
                    : ingress.getMetadata().getNamespace();
            String key = namespace + '/' + ingress.getMetadata().getName();
            boolean served = linnet.table().sources().containsKey(key);
            List<Finding> findings = new ArrayList<>();
            boolean refusedSnippet = false;
            for (ConfigWarning w : warnings.getOrDefault(key, List.of())) {
                if (SnippetAnnotations.isRefusal(w.message())) {
                    refusedSnippet = true;
                } else {
                    findings.add(ingressFinding(w.message(), served));
                }
            }
            if (refusedSnippet) {
                findings.addAll(0, snippetFindings(ingress, options, served));
            }
            if (served) {
                findings.addAll(differences(key, diffs, notes, configMapNotes, addressUsers.contains(key)));
            }
            dropSuperseded(findings);
            reports.add(new IngressReport(namespace, ingress.getMetadata().getName(),
                    verdict(served, findings), findings));
        }
        reports.sort((a, b) -> (a.namespace() + '/' + a.name()).compareTo(b.namespace() + '/' + b.name()));
        return new CheckReport(reports, options.configMap().ref(), configMapFindings, skipped);
    }

    private static Verdict verdict(boolean served, List<Finding> findings) {
        if (!served) {
            return Verdict.NOT_SERVED;
        }
        for (Finding f : findings) {
            if (f.kind() == Kind.DIFFERENCE || f.kind() == Kind.UNSUPPORTED || f.kind() == Kind.SNIPPET) {
                return Verdict.DIFFERENT;
            }
        }
        return Verdict.SAME;
    }

    private static Map<String, List<ConfigWarning>> byIngress(List<ConfigWarning> warnings, boolean notes) {
        Map<String, List<ConfigWarning>> out = new HashMap<>();
        for (ConfigWarning w : warnings) {
            if (w.kind().equals("Ingress") && Deviation.isNote(w.message()) == notes) {
                out.computeIfAbsent(w.namespace() + '/' + w.name(), k -> new ArrayList<>()).add(w);
            }
        }
        return out;
    }

    /**
     * The difference findings of one Ingress: when routes of it differ, the notes that say why —
     * its own; else those of the other Ingresses of those routes (a canary's on its main, say);
     * else the ConfigMap's — or, when no note explains them, each differing route as it is.
     */
    private static List<Finding> differences(String key, List<TableDiff.Diff> diffs,
            Map<String, List<ConfigWarning>> notes, List<Finding> configMapNotes, boolean usesClientAddress) {
        List<Finding> out = new ArrayList<>();
        List<TableDiff.Diff> mine = diffs.stream().filter(d -> d.involved().contains(key)).toList();
        if (!mine.isEmpty()) {
            if (notes.containsKey(key)) {
                notes.get(key).forEach(n -> out.add(note(n.message())));
            } else {
                Set<String> others = new java.util.TreeSet<>();
                mine.forEach(d -> others.addAll(d.involved()));
                for (String other : others) {
                    for (ConfigWarning n : notes.getOrDefault(other, List.of())) {
                        Finding f = note(n.message());
                        out.add(new Finding(f.key(), f.severity(), f.kind(), "through Ingress " + other + ": "
                                + f.message()));
                    }
                }
            }
            if (out.isEmpty()) {
                out.addAll(configMapNotes);
            }
            if (out.isEmpty()) {
                mine.forEach(d -> out.add(new Finding(null, Severity.WARNING, Kind.DIFFERENCE, d.what())));
            }
        }
        if (usesClientAddress) {
            for (Finding f : configMapNotes) {
                if (CLIENT_TRUST_KEY.equals(f.key()) && !out.contains(f)) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** A warning Linnet's build gave: what is wrong and what Linnet does (the message says). */
    private static Finding ingressFinding(String message, boolean served) {
        String key = Deviation.annotationKey(message);
        if (message.contains("is not implemented by Linnet")) {
            return new Finding(key, Severity.WARNING, Kind.UNSUPPORTED, message);
        }
        if (message.contains("is not an annotation Linnet knows") || message.contains("was removed from ingress-nginx")) {
            return new Finding(key, Severity.INFO, Kind.IGNORED, message);
        }
        boolean serious = !served && message.contains("is not served") || message.contains("answers 503");
        return new Finding(key, serious ? Severity.ERROR : Severity.WARNING, Kind.INVALID, message);
    }

    /** The findings of one ConfigMap warning: the lists of keys nobody read give one finding per key. */
    private static List<Finding> configMapFindings(String message) {
        if (message.startsWith(ConfigMapReader.NOT_IMPLEMENTED)) {
            return perKey(message, ConfigMapReader.NOT_IMPLEMENTED, Severity.WARNING, Kind.UNSUPPORTED,
                    "is not implemented by Linnet; ignored (see README, ConfigMap)");
        }
        if (message.startsWith(ConfigMapReader.NGINX_ONLY)) {
            return perKey(message, ConfigMapReader.NGINX_ONLY, Severity.INFO, Kind.IGNORED,
                    "tunes nginx itself and means nothing in Linnet; ignored");
        }
        if (message.startsWith(ConfigMapReader.UNKNOWN)) {
            return perKey(message, ConfigMapReader.UNKNOWN, Severity.INFO, Kind.IGNORED,
                    "is not a key ingress-nginx or Linnet knows (a typo?); ignored by both");
        }
        Matcher m = CONFIG_KEY.matcher(message);
        return List.of(new Finding(m.find() ? m.group(1) : null, Severity.WARNING, Kind.INVALID, message));
    }

    private static List<Finding> perKey(String message, String start, Severity severity, Kind kind, String says) {
        List<Finding> out = new ArrayList<>();
        for (String key : message.substring(start.length()).split(", ")) {
            out.add(new Finding(key, severity, kind, "key " + key + ' ' + says));
        }
        return out;
    }

    private static Finding note(String message) {
        return new Finding(Deviation.key(message), Severity.WARNING, Kind.DIFFERENCE, Deviation.text(message));
    }

    /** One finding per directive outside the subset, so that one run shows everything to rewrite. */
    private static List<Finding> snippetFindings(Ingress ingress, BuildOptions options, boolean served) {
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        String prefix = options.annotationsPrefix();
        String rewrite = annotations == null ? null : annotations.get(prefix + "/rewrite-target");
        String outcome = served ? "; served WITHOUT its snippets (--serve-ingresses-with-snippets)"
                : "; the Ingress is not served (a snippet is never partly applied): express it with annotations or"
                        + " the subset (docs/snippets.md), or serve it without its snippets with"
                        + " --serve-ingresses-with-snippets";
        List<Finding> out = new ArrayList<>();
        SnippetAnnotations.refusals(annotations, prefix, rewrite != null && !rewrite.isBlank())
                .forEach((key, reasons) -> reasons.forEach(r -> out.add(new Finding(key,
                        served ? Severity.WARNING : Severity.ERROR, Kind.SNIPPET, r + outcome))));
        return out;
    }

    /**
     * A warning about a key for which a difference is reported says the same thing less
     * completely: the difference stays.
     */
    private static void dropSuperseded(List<Finding> findings) {
        Set<String> differing = new HashSet<>();
        for (Finding f : findings) {
            if (f.kind() == Kind.DIFFERENCE && f.key() != null) {
                differing.add(f.key());
            }
        }
        findings.removeIf(f -> f.kind() == Kind.INVALID && f.key() != null && differing.contains(f.key()));
    }

    /** The Ingresses with a route whose allow or deny rules see the client's address. */
    private static Set<String> addressUsers(RouteTable table) {
        Set<String> out = new HashSet<>();
        for (Route r : TableDiff.routes(table).values()) {
            if (r.policies().find(AccessList.class) != null || r.policies().find(AccessRules.class) != null) {
                out.add(r.namespace() + '/' + r.ingress());
            }
        }
        return out;
    }
}
