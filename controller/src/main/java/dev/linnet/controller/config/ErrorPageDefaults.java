package dev.linnet.controller.config;

import java.util.List;

/**
 * The controller ConfigMap's error pages (annotations-spec.md §5.1): the global list of
 * {@code custom-http-errors}, which a route's annotation replaces, and whether upstream responses
 * are intercepted for it.
 *
 * @param codes statuses 300-599 sent to the error backend, in the ConfigMap's order
 * @param disableIntercept {@code disable-proxy-intercept-errors}: only the gateway's own answers are intercepted
 */
public record ErrorPageDefaults(List<Integer> codes, boolean disableIntercept) {

    /** No ConfigMap: no global list. */
    public static final ErrorPageDefaults NONE = new ErrorPageDefaults(List.of(), false);

    public ErrorPageDefaults {
        codes = List.copyOf(codes);
    }
}
