package dev.linnet.controller.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code custom-http-errors} and {@code disable-proxy-intercept-errors} (annotations-spec.md
 * §5.1): as ingress-nginx, each item of the list that is not an integer in 300-599 is skipped
 * (with a warning here; ingress-nginx skips it silently), the rest is kept.
 */
final class ErrorPageKeys {

    private ErrorPageKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        List<Integer> codes = new ArrayList<>();
        for (String item : d.list("custom-http-errors")) {
            Integer code = code(item);
            if (code == null) {
                d.warn("key custom-http-errors: item \"" + item + "\" is skipped (expected: a status 300-599)");
            } else if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        boolean disable = d.bool("disable-proxy-intercept-errors", false);
        out.errorPages(new ErrorPageDefaults(codes, disable));
    }

    private static Integer code(String item) {
        if (item.isEmpty() || item.length() > 3 || !item.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int code = Integer.parseInt(item);
        return code >= 300 && code <= 599 ? code : null;
    }
}
