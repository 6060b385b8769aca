package dev.linnet.controller.annotation;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One annotation, declared once: its name, value type (validator and parser), default and one
 * line of documentation, like the entries of ingress-nginx's {@code AnnotationFields} tables.
 * An invalid value never fails the Ingress: the key's default is used and a warning naming the
 * full key, the value and what was expected is reported.
 */
public final class AnnotationKey<T> {

    private final String name;
    private final boolean prefixed;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String doc;
    private final String defaultText; // how warnings name the default; null: the value itself

    private AnnotationKey(String name, boolean prefixed, ValueType<T> type, T defaultValue, String doc,
            String defaultText) {
        this.name = requireNonNull(name, "name");
        this.prefixed = prefixed;
        this.type = requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.doc = requireNonNull(doc, "doc");
        this.defaultText = defaultText;
    }

    private AnnotationKey(String name, boolean prefixed, ValueType<T> type, T defaultValue, String doc) {
        this(name, prefixed, type, defaultValue, doc, null);
    }

    /**
     * A prefixed key whose default is not a value of its own but a flag's, e.g.
     * {@code proxy-read-timeout}: absent means {@code --read-timeout}; {@code defaultText} is how
     * a warning names it ("using the listener's --read-timeout").
     */
    static <T> AnnotationKey<T> prefixed(String name, ValueType<T> type, T defaultValue, String defaultText,
            String doc) {
        return new AnnotationKey<>(name, true, type, defaultValue, doc, requireNonNull(defaultText, "defaultText"));
    }

    /** A key under {@code --annotations-prefix}, e.g. {@code canary-weight}. */
    static <T> AnnotationKey<T> prefixed(String name, ValueType<T> type, T defaultValue, String doc) {
        return new AnnotationKey<>(name, true, type, defaultValue, doc);
    }

    /** A key whose full name is fixed by Kubernetes, e.g. {@code kubernetes.io/ingress.class}. */
    static <T> AnnotationKey<T> absolute(String name, ValueType<T> type, T defaultValue, String doc) {
        return new AnnotationKey<>(name, false, type, defaultValue, doc);
    }

    /** The key as written on an object: {@code <prefix>/<name>} for prefixed keys. */
    public String fullName(String prefix) {
        return prefixed ? prefix + '/' + name : name;
    }

    /** The name without prefix. */
    public String name() {
        return name;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    /** Whether the object carries this key at all (even with an empty value). */
    public boolean isPresent(Map<String, String> annotations, String prefix) {
        return annotations != null && annotations.containsKey(fullName(prefix));
    }

    /** The raw value as written, or {@code null} when absent. */
    public String raw(Map<String, String> annotations, String prefix) {
        return annotations == null ? null : annotations.get(fullName(prefix));
    }

    /**
     * The parsed value; the default when absent; the default plus a warning when invalid:
     * {@code annotation nginx.ingress.kubernetes.io/canary-weight: "ten" is invalid (expected: an integer); using 0}.
     */
    public T read(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        String raw = raw(annotations, prefix);
        if (raw == null) {
            return defaultValue;
        }
        T value = type.parse(raw);
        if (value == null) {
            warnings.accept(describe(prefix, raw) + " is invalid (expected: " + type.expected() + "); using "
                    + defaultText());
            return defaultValue;
        }
        return value;
    }

    /**
     * As {@link #read(Map, String, Consumer)}, with {@code fallback} in place of the key's own
     * default: the controller ConfigMap's value for it (e.g. {@code ssl-redirect}).
     */
    public T read(Map<String, String> annotations, String prefix, Consumer<String> warnings, T fallback) {
        if (Objects.equals(fallback, defaultValue)) {
            return read(annotations, prefix, warnings);
        }
        String raw = raw(annotations, prefix);
        if (raw == null) {
            return fallback;
        }
        T value = type.parse(raw);
        if (value == null) {
            warnings.accept(describe(prefix, raw) + " is invalid (expected: " + type.expected() + "); using "
                    + type.show(fallback) + " (the ConfigMap's default)");
            return fallback;
        }
        return value;
    }

    /** {@code raw} through this key's validator and parser; {@code null} when invalid (no warning). */
    T parse(String raw) {
        return type.parse(raw);
    }

    /** {@code annotation <full key>: "<value>"}, the start of every warning about this key. */
    public String describe(String prefix, String raw) {
        return "annotation " + fullName(prefix) + ": " + quote(raw);
    }

    /** A value as warnings quote it ({@link WarningValue#quote}): one line, long values cut. */
    static String quote(String s) {
        return WarningValue.quote(s);
    }

    /** The default as warnings and documentation name it. */
    public String defaultText() {
        return defaultText != null ? defaultText : show(defaultValue);
    }

    /** What a valid value looks like. */
    public String expected() {
        return type.expected();
    }

    private static String show(Object value) {
        return value instanceof String s ? quote(s) : String.valueOf(value);
    }

    @Override
    public String toString() {
        return (prefixed ? "<prefix>/" : "") + name + " (default " + defaultText() + "): " + doc;
    }
}
