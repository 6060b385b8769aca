package dev.linnet.gateway.metrics;

/**
 * The moments of one request that its metrics are computed from (Zuul 2's request timeline).
 * nginx's upstream timers start when the upstream is chosen, so the upstream durations are
 * measured from {@link #ATTEMPT}:
 *
 * <pre>
 *   RECEIVED ─▶ ATTEMPT ─▶ CONNECTED ─▶ UPSTREAM_HEADERS ─▶ UPSTREAM_END ─▶ DONE
 *   │           └connect_duration┘                                        │
 *   │           └────────header_duration──────────┘                      │
 *   │           └──────────────response_duration─────────────────┘       │
 *   └──────────────────────────request_duration───────────────────────────┘
 * </pre>
 */
public enum Phase {
    /** The request head was decoded. */
    RECEIVED,
    /** The (last) upstream attempt started: an idle connection taken or a connect begun. */
    ATTEMPT,
    /** The upstream connection of the last attempt is usable (at once for a pooled one). */
    CONNECTED,
    /** The upstream's response head arrived. */
    UPSTREAM_HEADERS,
    /** The upstream's last response piece arrived. */
    UPSTREAM_END,
    /** The exchange is over: the last byte was handed to the client, or the connection was cut. */
    DONE
}
