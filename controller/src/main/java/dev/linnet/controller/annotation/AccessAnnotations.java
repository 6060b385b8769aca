package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.Satisfy;
import dev.linnet.gateway.route.SourceRanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code denylist-source-range} and {@code allowlist-source-range} (and its older name): the
 * {@link AccessList} policy, deny list first (annotations-spec.md §5.4).
 */
public final class AccessAnnotations {

    public static final AnnotationKey<String> ALLOWLIST = AnnotationKey.prefixed(
            "allowlist-source-range", ValueType.VERBATIM, "", "everyone",
            "comma-separated client CIDRs or addresses (IPv4, IPv6) allowed; 403 for any other TCP peer");
    public static final AnnotationKey<String> WHITELIST = AnnotationKey.prefixed(
            "whitelist-source-range", ValueType.VERBATIM, "", "everyone",
            "the older name of allowlist-source-range, read only when that one is absent or empty");

    public static final AnnotationKey<String> DENYLIST = AnnotationKey.prefixed(
            "denylist-source-range", ValueType.VERBATIM, "", "nobody",
            "comma-separated client CIDRs or addresses (IPv4, IPv6) that get 403, checked before the allowlist;"
                    + " one invalid entry: every path of the Ingress answers 503");

    public static final AnnotationKey<String> SATISFY = AnnotationKey.prefixed("satisfy", ValueType.VERBATIM, "all",
            "any: one passing access check (allowlist, basic or external auth) suffices; all: every one must pass");

    public static final List<AnnotationKey<?>> KEYS = List.of(ALLOWLIST, WHITELIST, DENYLIST, SATISFY);

    private AccessAnnotations() {
    }

    /**
     * {@code satisfy}: exactly {@code any} or {@code all}; anything else is {@code all} with a
     * warning, as ingress-nginx's parser does (ingress-nginx trims the value).
     *
     * @return {@link Satisfy#ANY}, or {@code null} for {@code all}
     */
    public static Satisfy satisfy(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        String raw = SATISFY.raw(annotations, prefix);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String v = raw.strip();
        if (!v.equals("any") && !v.equals("all")) {
            warnings.accept(SATISFY.describe(prefix, raw) + " is invalid (expected: any or all); using \"all\"");
            return null;
        }
        return v.equals("any") ? Satisfy.ANY : null;
    }

    /**
     * ingress-nginx reads {@code allowlist-source-range} and falls back to its alias
     * {@code whitelist-source-range} only when the former is absent or empty (parser
     * {@code AnnotationAliases}): when both are set, allowlist wins. An invalid entry is dropped
     * with a warning. When no entry is valid the route allows nobody: ingress-nginx denies the
     * location on an unparsable list too, and an allowlist must never fail open.
     *
     * @param fallback the ConfigMap's {@code whitelist-source-range}, or {@code null}
     * @return the policy, or {@code fallback} when neither key has a value
     */
    public static AccessList parse(Map<String, String> annotations, String prefix, Consumer<String> warnings,
            AccessList fallback) {
        AnnotationKey<String> key = ALLOWLIST;
        String raw = ALLOWLIST.raw(annotations, prefix);
        String whitelist = WHITELIST.raw(annotations, prefix);
        if (raw == null || raw.isBlank()) {
            if (whitelist == null || whitelist.isBlank()) {
                return fallback;
            }
            key = WHITELIST;
            raw = whitelist;
        } else if (whitelist != null && !whitelist.isBlank() && !whitelist.equals(raw)) {
            warnings.accept(WHITELIST.describe(prefix, whitelist) + " is ignored because "
                    + ALLOWLIST.fullName(prefix) + " is set, as in ingress-nginx");
        }
        return allowlist(raw, key.describe(prefix, raw), warnings);
    }

    /**
     * A comma-separated list of addresses and CIDRs: an invalid entry is dropped, and a list
     * without a valid entry allows nobody, each with a warning that starts with {@code described}.
     */
    public static AccessList allowlist(String raw, String described, Consumer<String> warnings) {
        List<String> valid = new ArrayList<>();
        for (String part : raw.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (SourceRanges.isValid(entry)) {
                valid.add(entry);
            } else {
                warnings.accept(described + ": entry " + AnnotationKey.quote(entry)
                        + " is invalid (expected: " + SourceRanges.EXPECTED + "); entry ignored");
            }
        }
        if (valid.isEmpty()) {
            warnings.accept(described + " has no valid entry; every client gets 403 (an allowlist never fails open)");
        }
        return new AccessList(SourceRanges.of(valid));
    }

    /**
     * {@code denylist-source-range} in front of {@code allow}: nginx's {@code deny} lines come
     * before the allowlist's, so the first match wins. Any entry that is not an address or CIDR is
     * ingress-nginx's DENY (503 for every path of the Ingress): a deny list never fails open.
     *
     * @param allow the allowlist, or {@code null}
     * @param fallback the ConfigMap's {@code denylist-source-range} for an Ingress without the
     *     annotation, or {@code null}
     * @param deny where the DENY goes ({@link PolicyCollector#deny})
     * @return the access policy, or {@code allow} when nothing is denied
     */
    public static AccessList withDenylist(Map<String, String> annotations, String prefix, AccessList allow,
            String fallback, Consumer<String> deny) {
        String raw = DENYLIST.raw(annotations, prefix);
        String described = DENYLIST.describe(prefix, raw == null ? "" : raw);
        if (raw == null || raw.isBlank()) {
            raw = fallback;
            described = "ConfigMap key denylist-source-range: " + AnnotationKey.quote(raw == null ? "" : raw);
        }
        if (raw == null || raw.isBlank()) {
            return allow;
        }
        List<String> denied = new ArrayList<>();
        for (String part : raw.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (!SourceRanges.isValid(entry)) {
                deny.accept(described + ": entry " + AnnotationKey.quote(entry) + " is invalid (expected: "
                        + SourceRanges.EXPECTED + ")");
                return allow;
            }
            denied.add(entry);
        }
        if (denied.isEmpty()) {
            return allow;
        }
        SourceRanges ranges = SourceRanges.of(denied);
        return allow == null ? AccessList.denying(ranges) : allow.withDenied(ranges);
    }
}
