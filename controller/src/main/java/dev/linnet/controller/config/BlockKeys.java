package dev.linnet.controller.config;

import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.proxy.RequestBlocks;
import dev.linnet.gateway.route.SourceRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * {@code block-cidrs}, {@code block-user-agents}, {@code block-referers}: comma-separated, as
 * ingress-nginx splits them, answered 403 on every host before routing ({@link RequestBlocks}).
 *
 * <p>An entry that cannot be used (not an address or CIDR, an invalid regular expression) is
 * left out with a warning naming it, and the others still block. ingress-nginx would write it
 * into nginx.conf, where {@code nginx -t} fails and no change reloads until it is fixed; blocking
 * every client instead would take the whole cluster's traffic down for a typo.
 */
final class BlockKeys {

    private BlockKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        List<String> ranges = new ArrayList<>();
        for (String entry : d.list("block-cidrs")) {
            if (SourceRanges.isValid(entry)) {
                ranges.add(entry);
            } else {
                d.warn("key block-cidrs: " + WarningValue.quote(entry) + " is invalid (expected: " + SourceRanges.EXPECTED
                        + "); left out, the other entries block");
            }
        }
        RequestBlocks blocks = new RequestBlocks(ranges.isEmpty() ? null : SourceRanges.of(ranges),
                values(d, "block-user-agents"), values(d, "block-referers"));
        out.gateway().blocks(blocks.isEmpty() ? RequestBlocks.NONE : blocks);
    }

    private static List<RequestBlocks.Value> values(ConfigMapData d, String key) {
        List<RequestBlocks.Value> out = new ArrayList<>();
        for (String entry : d.list(key)) {
            try {
                out.add(RequestBlocks.Value.of(entry));
            } catch (PatternSyntaxException e) {
                d.warn("key " + key + ": " + WarningValue.quote(entry) + " is an invalid regular expression ("
                        + e.getDescription() + "); left out, the other entries block");
            }
        }
        return out;
    }
}
