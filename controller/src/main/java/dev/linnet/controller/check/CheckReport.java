package dev.linnet.controller.check;

import dev.linnet.controller.check.IngressReport.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole answer of {@code linnet check}: a report per Ingress of ours, the controller
 * ConfigMap's own findings, and how many Ingresses of other classes were skipped. The JSON shape
 * is an interface (README "Before you switch"): fields are only ever added.
 *
 * @param configMap the controller ConfigMap as {@code namespace/name}, or {@code null} without {@code --configmap}
 */
public record CheckReport(List<IngressReport> ingresses, String configMap, List<Finding> configMapFindings,
        int skipped) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Every Ingress is served exactly as ingress-nginx would serve it. */
    public static final int EXIT_SAME = 0;
    /** At least one Ingress would be served differently or not at all. */
    public static final int EXIT_DIFFERENT = 1;

    public CheckReport {
        ingresses = List.copyOf(ingresses);
        configMapFindings = List.copyOf(configMapFindings);
    }

    public int count(Verdict verdict) {
        return (int) ingresses.stream().filter(i -> i.verdict() == verdict).count();
    }

    public int exitCode() {
        return count(Verdict.SAME) == ingresses.size() ? EXIT_SAME : EXIT_DIFFERENT;
    }

    /** The report as JSON, pretty-printed. */
    public String json() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (IngressReport i : ingresses) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("namespace", i.namespace());
            m.put("name", i.name());
            m.put("verdict", i.verdict().json());
            m.put("findings", findings(i.findings()));
            list.add(m);
        }
        out.put("ingresses", list);
        if (configMap != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            int slash = configMap.indexOf('/');
            m.put("namespace", configMap.substring(0, slash));
            m.put("name", configMap.substring(slash + 1));
            m.put("findings", findings(configMapFindings));
            out.put("configMap", m);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("ingresses", ingresses.size());
        summary.put("same", count(Verdict.SAME));
        summary.put("different", count(Verdict.DIFFERENT));
        summary.put("not-served", count(Verdict.NOT_SERVED));
        summary.put("skipped", skipped);
        out.put("summary", summary);
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out) + '\n';
    }

    private static List<Object> findings(List<Finding> findings) {
        List<Object> out = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", f.key());
            m.put("severity", f.severity().json());
            m.put("kind", f.kind().json());
            m.put("message", f.message());
            out.add(m);
        }
        return out;
    }

    /**
     * The report for people: one line per Ingress that is not {@code same}, its findings indented
     * under it, the ConfigMap's findings, then the summary.
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (IngressReport i : ingresses) {
            if (i.verdict() == Verdict.SAME) {
                continue;
            }
            sb.append(i.namespace()).append('/').append(i.name()).append(": ").append(i.verdict().json()).append('\n');
            findingLines(sb, i.findings());
        }
        if (configMap != null && !configMapFindings.isEmpty()) {
            sb.append("ConfigMap ").append(configMap).append(":\n");
            findingLines(sb, configMapFindings);
        }
        sb.append(ingresses.size()).append(ingresses.size() == 1 ? " Ingress: " : " Ingresses: ")
                .append(count(Verdict.SAME)).append(" same, ")
                .append(count(Verdict.DIFFERENT)).append(" different, ")
                .append(count(Verdict.NOT_SERVED)).append(" not served");
        if (skipped > 0) {
            sb.append("; ").append(skipped).append(" of other classes skipped");
        }
        return sb.append('\n').toString();
    }

    private static void findingLines(StringBuilder sb, List<Finding> findings) {
        for (Finding f : findings) {
            sb.append("  ").append(f.severity().json()).append(' ').append(f.kind().json());
            if (f.key() != null) {
                sb.append(' ').append(f.key());
            }
            sb.append(": ").append(f.message()).append('\n');
        }
    }
}
