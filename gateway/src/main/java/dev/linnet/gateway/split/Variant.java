package dev.linnet.gateway.split;

/** Which backend of a route serves a request. */
public enum Variant {
    STABLE,
    CANARY;

    /** The label value metrics use: {@code stable} or {@code canary}. */
    public String label() {
        return this == STABLE ? "stable" : "canary";
    }
}
