package dev.linnet.gateway.policy;

/**
 * The {@code SameSite} attribute of the affinity cookie, written in its canonical case whatever
 * case the annotation used: ingress-nginx validates {@code none}/{@code lax}/{@code strict} case-
 * insensitively but then emits nothing unless the value is exactly {@code Strict}, {@code Lax} or
 * {@code None} (affinity-spec.md §4.5), so a lower-case value silently lost the attribute.
 */
public enum SameSite {
    STRICT("Strict"),
    LAX("Lax"),
    NONE("None");

    private final String attribute;

    SameSite(String attribute) {
        this.attribute = attribute;
    }

    /** The attribute value as written in {@code Set-Cookie}. */
    public String attribute() {
        return attribute;
    }

    /** {@code none}, {@code lax} or {@code strict} in any case; {@code null} otherwise. */
    public static SameSite parse(String value) {
        for (SameSite s : values()) {
            if (s.attribute.equalsIgnoreCase(value)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Whether a browser mishandles {@code SameSite=None} (rejects or treats it as Strict), by
     * ingress-nginx's plain-substring rules ({@code util/same_site.lua}, in order); a missing
     * User-Agent counts as compatible. The Chrome rule is over-broad (it catches 40–69, not only
     * 51–66) exactly as there, so the same browsers get the same cookies.
     */
    static boolean incompatibleWithNone(String userAgent) {
        if (userAgent == null) {
            return false;
        }
        if (userAgent.contains("Chrome/4") || userAgent.contains("Chrome/5") || userAgent.contains("Chrome/6")) {
            return true;
        }
        if (userAgent.contains("CPU iPhone OS 12") || userAgent.contains("iPad; CPU OS 12")) {
            return true;
        }
        return userAgent.contains("Macintosh") && userAgent.contains("Intel Mac OS X 10_14")
                && userAgent.contains("Safari") && !userAgent.contains("Chrome");
    }
}
