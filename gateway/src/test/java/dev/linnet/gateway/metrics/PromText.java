package dev.linnet.gateway.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text format 0.0.4 for tests. The Prometheus Java client
 * 1.x only writes the format (no parser ships in prometheus-metrics-*), and the other parsers on
 * Maven Central are unmaintained, so this one checks what matters here and fails loudly:
 * every sample belongs to a family declared with {@code # HELP} and {@code # TYPE} before it,
 * names and labels are well-formed, label values correctly escaped, no series appears twice,
 * histogram buckets are cumulative and end in {@code +Inf} equal to {@code _count}.
 */
final class PromText {

    record Sample(String name, Map<String, String> labels, double value) {
        String label(String key) {
            return labels.get(key);
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    final Map<String, String> types = new LinkedHashMap<>();
    final Map<String, String> help = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        Set<String> seen = new java.util.HashSet<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                if (n != text.split("\n", -1).length) {
                    throw new AssertionError("line " + n + ": empty line");
                }
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String[] f = line.substring(7).split(" ", 2);
                name(f[0], n);
                if (p.help.put(f[0], f.length > 1 ? f[1] : "") != null) {
                    throw new AssertionError("line " + n + ": second HELP for " + f[0]);
                }
            } else if (line.startsWith("# TYPE ")) {
                String[] f = line.substring(7).split(" ");
                if (f.length != 2 || !TYPES.contains(f[1])) {
                    throw new AssertionError("line " + n + ": bad TYPE: " + line);
                }
                name(f[0], n);
                if (p.types.put(f[0], f[1]) != null) {
                    throw new AssertionError("line " + n + ": second TYPE for " + f[0]);
                }
                if (!p.help.containsKey(f[0])) {
                    throw new AssertionError("line " + n + ": TYPE without HELP for " + f[0]);
                }
            } else if (line.startsWith("#")) {
                throw new AssertionError("line " + n + ": unexpected comment: " + line);
            } else {
                Sample s = sample(line, n);
                String family = p.familyOf(s.name());
                if (family == null) {
                    throw new AssertionError("line " + n + ": sample of an undeclared family: " + line);
                }
                if (!seen.add(s.name() + new TreeMap<>(s.labels()))) {
                    throw new AssertionError("line " + n + ": duplicate series: " + line);
                }
                p.samples.add(s);
            }
        }
        p.checkHistograms();
        return p;
    }

    /** The declared family a sample name belongs to, or null. */
    String familyOf(String sample) {
        if (types.containsKey(sample)) {
            String t = types.get(sample);
            return t.equals("histogram") ? null : sample; // a summary's quantiles carry its own name
        }
        for (String suffix : List.of("_bucket", "_sum", "_count", "_total", "_created")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String t = types.get(base);
                if (t != null && (suffix.equals("_total") ? t.equals("counter")
                        : suffix.equals("_bucket") ? t.equals("histogram")
                        : t.equals("histogram") || t.equals("summary"))) {
                    return base;
                }
            }
        }
        return null;
    }

    List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** Sum over the samples of {@code name} whose labels contain every pair of {@code match}. */
    double sum(String name, Map<String, String> match) {
        return samples(name).stream().filter(s -> s.labels().entrySet().containsAll(match.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    private void checkHistograms() {
        Map<String, List<Sample>> buckets = new LinkedHashMap<>();
        for (Sample s : samples) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> series = new TreeMap<>(s.labels());
                series.remove("le");
                buckets.computeIfAbsent(s.name() + series, k -> new ArrayList<>()).add(s);
            }
        }
        buckets.forEach((series, list) -> {
            double previous = 0;
            for (Sample b : list) {
                if (b.value() < previous) {
                    throw new AssertionError("buckets not cumulative: " + series);
                }
                previous = b.value();
            }
            Sample last = list.get(list.size() - 1);
            if (!"+Inf".equals(last.label("le"))) {
                throw new AssertionError("no +Inf bucket: " + series);
            }
            String base = last.name().substring(0, last.name().length() - "_bucket".length());
            Map<String, String> labels = new HashMap<>(last.labels());
            labels.remove("le");
            double count = samples(base + "_count").stream().filter(s -> s.labels().equals(labels))
                    .mapToDouble(Sample::value).findFirst()
                    .orElseThrow(() -> new AssertionError("no _count for " + series));
            if (count != last.value()) {
                throw new AssertionError("+Inf bucket " + last.value() + " != _count " + count + ": " + series);
            }
        });
    }

    private static void name(String name, int line) {
        if (!NAME.matcher(name).matches()) {
            throw new AssertionError("line " + line + ": bad metric name: " + name);
        }
    }

    private static Sample sample(String line, int n) {
        Matcher m = NAME.matcher(line);
        if (!m.lookingAt()) {
            throw new AssertionError("line " + n + ": bad sample: " + line);
        }
        String name = m.group();
        int i = m.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                Matcher l = LABEL_NAME.matcher(line).region(i, line.length());
                if (!l.lookingAt() || line.charAt(l.end()) != '=' || line.charAt(l.end() + 1) != '"') {
                    throw new AssertionError("line " + n + ": bad label at " + i + ": " + line);
                }
                String key = l.group();
                StringBuilder value = new StringBuilder();
                int j = l.end() + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(++j);
                        value.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new AssertionError("line " + n + ": bad escape \\" + e);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(key, value.toString()) != null) {
                    throw new AssertionError("line " + n + ": label twice: " + key);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (line.charAt(i) != ' ') {
            throw new AssertionError("line " + n + ": no space before value: " + line);
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length > 2) {
            throw new AssertionError("line " + n + ": trailing garbage: " + line);
        }
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, value);
    }
}
