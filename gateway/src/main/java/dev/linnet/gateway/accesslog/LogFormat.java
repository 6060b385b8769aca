package dev.linnet.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A {@code log-format-upstream}, compiled once per ConfigMap change into literal text and
 * variables ({@code $name} or {@code ${name}}, nginx's syntax; names are case-insensitive). Never
 * parsed per request. A name Linnet does not know is kept in {@link #unknown()} (the controller
 * warns once) and logs as a missing variable ({@code -}).
 *
 * <pre>
 *   "$remote_addr - [$time_local] ${status}x"
 *      ─▶ [REMOTE_ADDR] [" - ["] [TIME_LOCAL] ["] "] [STATUS] ["x"]
 * </pre>
 *
 * The request headers the variables read ({@code $http_*}, {@code $cookie_*}, {@code $remote_user}
 * …) get one slot each in {@link #headers()}: the event loop copies just those values at the end
 * of a request and formats the line from the copy.
 */
public final class LogFormat {

    /** ingress-nginx's default {@code log-format-upstream} (config.go {@code logFormatUpstream}). */
    public static final String NGINX_DEFAULT = "$remote_addr - $remote_user [$time_local] \"$request\" $status"
            + " $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_length $request_time"
            + " [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length"
            + " $upstream_response_time $upstream_status $req_id";

    public static final LogFormat DEFAULT = compile(NGINX_DEFAULT);

    /** One piece of the line: literal text ({@code variable == null}) or a variable. */
    private record Part(String text, Variable variable, String arg, int slot) {
    }

    private final String source;
    private final Part[] parts;
    private final String[] headers;
    private final AsciiString[] headerNames;
    private final List<String> unknown;
    private final Set<Variable> variables;

    private LogFormat(String source, Part[] parts, String[] headers, List<String> unknown, Set<Variable> variables) {
        this.source = source;
        this.parts = parts;
        this.headers = headers;
        this.headerNames = Stream.of(headers).map(AsciiString::cached).toArray(AsciiString[]::new);
        this.unknown = unknown;
        this.variables = variables;
    }

    public static LogFormat compile(String source) {
        requireNonNull(source, "source");
        List<Part> parts = new ArrayList<>();
        List<String> slots = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder();
        Set<Variable> variables = EnumSet.noneOf(Variable.class);
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            int nameStart;
            int nameEnd;
            int next;
            if (c == '$' && i + 1 < source.length() && source.charAt(i + 1) == '{' && source.indexOf('}', i + 2) > i + 2) {
                nameStart = i + 2;
                nameEnd = source.indexOf('}', nameStart);
                next = nameEnd + 1;
            } else if (c == '$' && i + 1 < source.length() && isNameChar(source.charAt(i + 1))) {
                nameStart = i + 1;
                nameEnd = nameStart;
                while (nameEnd < source.length() && isNameChar(source.charAt(nameEnd))) {
                    nameEnd++;
                }
                next = nameEnd;
            } else {
                text.append(c); // text, or a $ that starts no name
                i++;
                continue;
            }
            if (!text.isEmpty()) {
                parts.add(new Part(text.toString(), null, null, -1));
                text.setLength(0);
            }
            String name = source.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT);
            Variable v = Variable.named(name);
            if (v == null) {
                unknown.add(name);
                parts.add(new Part(null, Variable.MISSING, null, -1));
            } else {
                String arg = v == Variable.HTTP ? name.substring(5) : v == Variable.COOKIE ? name.substring(7) : null;
                String header = v.header(arg);
                int slot = -1;
                if (header != null) {
                    slot = slots.indexOf(header);
                    if (slot < 0) {
                        slot = slots.size();
                        slots.add(header);
                    }
                }
                variables.add(v);
                parts.add(new Part(null, v, arg, slot));
            }
            i = next;
        }
        if (!text.isEmpty()) {
            parts.add(new Part(text.toString(), null, null, -1));
        }
        return new LogFormat(source, parts.toArray(Part[]::new), slots.toArray(String[]::new), List.copyOf(unknown), variables);
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    public String source() {
        return source;
    }

    /** Variable names the format uses that Linnet does not know, in order of appearance. */
    public List<String> unknown() {
        return unknown;
    }

    /** The request headers (lower case) the format reads, one per slot. Do not modify. */
    public String[] headers() {
        return headers;
    }

    /** {@link #headers()} as header names with their hash computed once (the event loop looks them up per request). Do not modify. */
    public AsciiString[] headerNames() {
        return headerNames;
    }

    /** Whether the format names the TLS session ({@code $ssl_protocol}, {@code $ssl_cipher}). */
    public boolean readsTls() {
        return variables.contains(Variable.SSL_PROTOCOL) || variables.contains(Variable.SSL_CIPHER);
    }

    /**
     * Whether the format names the connection's PROXY header ({@code $proxy_protocol_addr},
     * {@code _port}): looking it up costs the event loop a search of the channel's attributes.
     */
    public boolean readsProxyProtocol() {
        return variables.contains(Variable.PROXY_PROTOCOL_ADDR) || variables.contains(Variable.PROXY_PROTOCOL_PORT);
    }

    /** Whether the format names {@code $server_port}. */
    public boolean readsServerPort() {
        return variables.contains(Variable.SERVER_PORT);
    }

    /** Appends {@code entry}'s line, without the line end. */
    void format(AccessLogEntry entry, Escaping escaping, Line out) {
        for (Part p : parts) {
            if (p.variable == null) {
                out.append(p.text);
            } else {
                p.variable.append(entry, p.arg, p.slot, escaping, out);
            }
        }
    }

    /** {@code entry}'s line (tests, tools). */
    public String format(AccessLogEntry entry, Escaping escaping) {
        Line out = new Line(256, new LogTimes());
        format(entry, escaping, out);
        return out.text(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogFormat f && f.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
