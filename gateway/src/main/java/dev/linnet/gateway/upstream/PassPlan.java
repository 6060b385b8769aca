package dev.linnet.gateway.upstream;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The gateway's edits of every proxied response head (the {@code Server} rule of
 * {@code server-tokens} / {@code allow-backend-server-header}, HSTS, {@code add-headers},
 * {@code hide-headers}) as byte operations for a head passed through: fields dropped by name,
 * fields appended. Built once per configuration and client connection kind, never per request.
 * Appended fields go last, in the order {@code ResponseHeaders.apply} sets them.
 */
public final class PassPlan {

    private static final byte[] CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Room a head needs beyond its kept bytes and {@link #extraBytes}: {@code Connection: close} and the end. */
    static final int END_ROOM = CLOSE.length + 2;

    // add-headers or hide-headers touching these would change framing or the hop-by-hop rules: Netty's path
    private static final Set<String> RESERVED = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authorization", "server",
            "strict-transport-security");

    private final FieldNames dropped; // hide-headers, add-headers' names, HSTS when we set it; null: none
    private final boolean keepBackendServer;
    private final byte[] server; // "server: <value>\r\n", or null: no Server at all
    private final byte[] appended; // HSTS and add-headers lines

    private PassPlan(FieldNames dropped, boolean keepBackendServer, byte[] server, byte[] appended) {
        this.dropped = dropped;
        this.keepBackendServer = keepBackendServer;
        this.server = server;
        this.appended = appended;
    }

    /**
     * @param server the {@code Server} value, or null: none at all
     * @param backendServer a backend's own {@code Server} is kept (only with {@code server} set)
     * @param hsts the {@code Strict-Transport-Security} value to set, or null
     * @param add {@code add-headers} as name, value pairs
     * @param hide {@code hide-headers}
     * @return the plan, or null when an edit touches framing or hop-by-hop fields (those heads keep Netty's path)
     */
    public static PassPlan of(String server, boolean backendServer, String hsts, List<String[]> add, List<String> hide) {
        List<String> dropped = new ArrayList<>(hide.size() + add.size() + 1);
        ByteArrayOutputStream appended = new ByteArrayOutputStream();
        if (hsts != null) {
            dropped.add("strict-transport-security");
            line(appended, "strict-transport-security", hsts);
        }
        for (String[] h : add) {
            String name = h[0].toLowerCase(Locale.ROOT);
            if (RESERVED.contains(name) || dropped.contains(name)) {
                return null; // a repeated name is replaced by the last: not worth a byte rule
            }
            dropped.add(name);
            line(appended, h[0], h[1]);
        }
        for (String name : hide) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("server")) {
                continue; // Server is the plan's own: replaced or removed whatever the list says
            }
            if (RESERVED.contains(lower)) {
                return null;
            }
            dropped.add(lower);
        }
        ByteArrayOutputStream serverLine = new ByteArrayOutputStream();
        if (server != null) {
            line(serverLine, "server", server);
        }
        return new PassPlan(dropped.isEmpty() ? null : FieldNames.dropped(dropped), backendServer && server != null,
                server == null ? null : serverLine.toByteArray(), appended.toByteArray());
    }

    private static void line(ByteArrayOutputStream out, String name, String value) {
        out.writeBytes((name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    FieldNames dropped() {
        return dropped;
    }

    /** Bytes {@link #write} may add to a head beyond its own. */
    int extraBytes() {
        return (server == null ? 0 : server.length) + appended.length;
    }

    /**
     * Writes the scanned head to {@code out}: its status line and kept field lines copied as they
     * came (runs of kept lines in one copy); the gateway's fields and the head's end follow in
     * {@link #end}, once the exchange knows about {@code Connection: close}.
     */
    void write(HeadScan scan, ByteBuf out) {
        byte[] in = scan.bytes();
        int[] f = scan.fields;
        int runStart = 0;
        for (int i = 0; i < scan.count; i++) {
            int kind = f[2 * i + 1];
            boolean keep = kind == HeadScan.KEEP || kind == HeadScan.CONTENT_LENGTH
                    || kind == HeadScan.SERVER && keepBackendServer;
            if (!keep) {
                int lineStart = f[2 * i];
                out.writeBytes(in, runStart, lineStart - runStart);
                runStart = i + 1 < scan.count ? f[2 * (i + 1)] : scan.end - 2;
            }
        }
        out.writeBytes(in, runStart, scan.end - 2 - runStart);
    }

    /**
     * Ends a head {@link #write} began, in the order the existing path sets fields: {@code Connection:
     * close} ({@code ProxyHeaders.toClient}), then {@code Server}, HSTS and {@code add-headers}
     * ({@code ResponseHeaders.apply}), then the empty line.
     *
     * @param backendServer the upstream sent a {@code Server} of its own
     */
    void end(ByteBuf out, boolean close, boolean backendServer) {
        if (close) {
            out.writeBytes(CLOSE);
        }
        if (server != null && !(keepBackendServer && backendServer)) {
            out.writeBytes(server);
        }
        out.writeBytes(appended);
        out.writeByte('\r').writeByte('\n');
    }
}
