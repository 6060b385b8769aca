package dev.linnet.controller.config;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.ValueType;
import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.controller.build.ConfigWarning;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The data of the controller ConfigMap as the key families read it, with ingress-nginx's value
 * rules (annotations-spec.md §8.1): values are trimmed; a boolean is Go's {@code strconv.ParseBool}
 * and an empty value is {@code false} (mapstructure's weak typing); an empty value of any other
 * type counts as absent; a value that does not decode keeps the key's default, with a warning
 * naming the ConfigMap, the key, the value and what was expected.
 *
 * <p>Every key a family asks for is marked as read, so that the keys nobody read can be
 * reported once as unknown or unimplemented ({@link ConfigMapReader}).
 */
public final class ConfigMapData {

    private final String namespace;
    private final String name;
    private final Map<String, String> data;
    private final Set<String> explicitFlags;
    private final Set<String> read = new HashSet<>();
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private boolean asIngressNginx;

    ConfigMapData(String namespace, String name, Map<String, String> data, Set<String> explicitFlags) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.name = requireNonNull(name, "name");
        this.data = withoutNulls(requireNonNull(data, "data"));
        this.explicitFlags = Set.copyOf(requireNonNull(explicitFlags, "explicitFlags"));
    }

    /**
     * {@code key:} without a value is null in a manifest file, where the API server stores an
     * empty string: read it as empty, as a ConfigMap from the cluster reads.
     */
    private static Map<String, String> withoutNulls(Map<String, String> data) {
        Map<String, String> out = new java.util.HashMap<>(); // containsValue(null) throws on Map.of
        data.forEach((k, v) -> out.put(k, v == null ? "" : v));
        return Map.copyOf(out);
    }

    /** An empty ConfigMap: every key at its default (no {@code --configmap}, or it does not exist yet). */
    static ConfigMapData empty(String namespace, String name) {
        return new ConfigMapData(namespace == null ? "" : namespace, name == null ? "" : name, Map.of(), Set.of());
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** Whether the ConfigMap has {@code key}, even with an empty value. */
    public boolean has(String key) {
        read.add(key);
        return data.containsKey(key);
    }

    /** The value trimmed, or {@code null} when absent or empty. */
    public String string(String key) {
        read.add(key);
        String raw = data.get(key);
        if (raw == null) {
            return null;
        }
        String v = raw.strip();
        return v.isEmpty() ? null : v;
    }

    /** The value, or {@code fallback} when absent or empty. */
    public String string(String key, String fallback) {
        String v = string(key);
        return v == null ? fallback : v;
    }

    /** A boolean: Go's ParseBool spellings, empty is false; absent or invalid gives {@code fallback}. */
    public boolean bool(String key, boolean fallback) {
        read.add(key);
        String raw = data.get(key);
        if (raw == null) {
            return fallback;
        }
        String v = raw.strip();
        if (v.isEmpty()) {
            return false;
        }
        Boolean b = ValueType.BOOL.parse(v);
        if (b == null) {
            invalid(key, raw, ValueType.BOOL.expected(), String.valueOf(fallback));
            return fallback;
        }
        return b;
    }

    /** A value of {@code type}; absent or empty gives {@code fallback}, invalid too, with a warning. */
    public <T> T get(String key, ValueType<T> type, T fallback) {
        String v = string(key);
        if (v == null) {
            return fallback;
        }
        T parsed = type.parse(v);
        if (parsed == null) {
            invalid(key, data.get(key), type.expected(), fallback instanceof Boolean ? type.show(fallback) // on / off
                    : shown(fallback));
            return fallback;
        }
        return parsed;
    }

    /** A default as the ConfigMap would spell it: durations in seconds. */
    private static String shown(Object value) {
        return value instanceof java.time.Duration d ? String.valueOf(d.toSeconds()) : String.valueOf(value);
    }

    /** The comma-separated items of the value, trimmed, empty ones dropped; absent gives an empty list. */
    public List<String> list(String key) {
        String v = string(key);
        List<String> out = new ArrayList<>();
        if (v != null) {
            for (String item : v.split(",")) {
                String s = item.strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /**
     * Whether a key that mirrors a command-line flag is to be applied: not when the flag was given
     * explicitly (the flag wins; a warning says so when the ConfigMap sets the key too).
     *
     * @param flags the flags the key mirrors (any given explicitly wins)
     */
    public boolean fromConfigMap(String key, String... flags) {
        read.add(key);
        if (!data.containsKey(key)) {
            return false;
        }
        for (String flag : flags) {
            if (explicitFlags.contains(flag)) {
                warn("key " + key + ": " + WarningValue.quote(data.get(key)) + " is ignored: " + flag
                        + " given on the command line wins");
                return false;
            }
        }
        return true;
    }

    /** Warns that {@code raw} is not a valid value of {@code key}, and what is used instead. */
    public void invalid(String key, String raw, String expected, String using) {
        warn("key " + key + ": " + WarningValue.quote(raw) + " is invalid (expected: " + expected + "); using "
                + using);
    }

    /** Read as ingress-nginx would read it ({@code linnet check}): see {@link #asIngressNginx()}. */
    ConfigMapData readAsIngressNginx() {
        asIngressNginx = true;
        return this;
    }

    /**
     * Whether the build is the one "as ingress-nginx" ({@code linnet check}): where Linnet differs
     * on purpose, a family does what ingress-nginx does and writes a {@link #note}.
     */
    public boolean asIngressNginx() {
        return asIngressNginx;
    }

    /** A {@link dev.linnet.controller.annotation.Deviation} note about {@code key} of this ConfigMap. */
    public void note(String key, String text) {
        warn(dev.linnet.controller.annotation.Deviation.note(key, text));
    }

    /** A warning about this ConfigMap. */
    public void warn(String message) {
        warnings.add(new ConfigWarning("ConfigMap", namespace, name, message));
    }

    /** The keys present that no family read, sorted. */
    List<String> unread() {
        return data.keySet().stream().filter(k -> !read.contains(k)).sorted().toList();
    }

    List<ConfigWarning> warnings() {
        return warnings;
    }
}
