package dev.linnet.controller.annotation;

import static java.util.Objects.requireNonNull;

/**
 * A note the builder writes when it builds "as ingress-nginx" ({@code BuildOptions#asIngressNginx}):
 * at the places where Linnet differs from ingress-nginx on purpose, that build does what
 * ingress-nginx does and says so with one of these, carried as an ordinary warning of the object
 * concerned. {@code linnet check} compares that build's table with Linnet's and reports the notes
 * as the reason of a difference; a normal build never writes one.
 *
 * <p>The message is {@code "ingress-nginx differs [<key>]: <text>"}, so the key survives the trip
 * through {@link dev.linnet.controller.build.ConfigWarning} without a second warning type.
 */
public final class Deviation {

    private static final String START = "ingress-nginx differs [";
    private static final String END = "]: ";

    /**
     * The end of a warning about a value ingress-nginx refuses the whole Ingress for (its DROP)
     * where Linnet serves it with the key's default: the build as ingress-nginx leaves such an
     * Ingress out ({@code RouteTableBuilder}).
     */
    public static final String INGRESS_NGINX_DROPS = "(ingress-nginx would not serve this Ingress at all)";

    private Deviation() {
    }

    private static final java.util.regex.Pattern ANNOTATION = java.util.regex.Pattern.compile("annotation ([^\\s:\"]+)");

    /**
     * The annotation a warning names ({@code annotation KEY: …}, as {@link AnnotationKey#describe}
     * writes it), or {@code null}.
     */
    public static String annotationKey(String warning) {
        java.util.regex.Matcher m = ANNOTATION.matcher(warning);
        return m.find() ? m.group(1) : null;
    }

    /** Whether {@code warning} says ingress-nginx would not serve the Ingress ({@link #INGRESS_NGINX_DROPS}). */
    public static boolean ingressNginxDrops(String warning) {
        return warning.endsWith(INGRESS_NGINX_DROPS);
    }

    /**
     * The note for {@code key} (an annotation or ConfigMap key as the user writes it, or a short
     * name of the behaviour, e.g. {@code canary}): {@code text} says what ingress-nginx does there
     * and what Linnet does instead.
     */
    public static String note(String key, String text) {
        return START + requireNonNull(key, "key") + END + requireNonNull(text, "text");
    }

    /** Whether {@code message} is a note. */
    public static boolean isNote(String message) {
        return message.startsWith(START) && message.indexOf(END, START.length()) > 0;
    }

    /** The key of a note. */
    public static String key(String note) {
        return note.substring(START.length(), note.indexOf(END, START.length()));
    }

    /** The text of a note. */
    public static String text(String note) {
        return note.substring(note.indexOf(END, START.length()) + END.length());
    }
}
