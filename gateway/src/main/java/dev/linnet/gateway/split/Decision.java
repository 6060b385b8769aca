package dev.linnet.gateway.split;

import static java.util.Objects.requireNonNull;

/** A split outcome. All combinations exist as constants, so deciding never allocates. */
public record Decision(Variant variant, Reason reason) {

    private static final Decision[][] ALL = new Decision[Variant.values().length][Reason.values().length];

    static {
        for (Variant v : Variant.values()) {
            for (Reason r : Reason.values()) {
                ALL[v.ordinal()][r.ordinal()] = new Decision(v, r);
            }
        }
    }

    public Decision {
        requireNonNull(variant, "variant");
        requireNonNull(reason, "reason");
    }

    public static Decision of(Variant variant, Reason reason) {
        return ALL[variant.ordinal()][reason.ordinal()];
    }

    public boolean isCanary() {
        return variant == Variant.CANARY;
    }
}
