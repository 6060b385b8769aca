package dev.linnet.gateway.accesslog;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line in ingress-nginx's default {@code log-format-upstream}, parsed field by field. The
 * upstream lists ({@code a, b}) contain spaces, so the tail is split on spaces and a token that
 * ends in a comma is joined with the next.
 */
record DefaultLine(String remoteAddr, String remoteUser, String timeLocal, String request, int status,
        long bodyBytesSent, String referer, String userAgent, long requestLength, String requestTime,
        String upstreamName, String alternativeName, String upstreamAddr, String upstreamResponseLength,
        String upstreamResponseTime, String upstreamStatus, String reqId) {

    private static final Pattern HEAD = Pattern.compile(
            "^(\\S+) - (\\S+) \\[([^\\]]+)\\] \"((?:[^\"\\\\]|\\\\.)*)\" (\\d{3}) (\\d+) \"([^\"]*)\" \"([^\"]*)\""
                    + " (\\d+) (\\d+\\.\\d{3}) \\[([^\\]]*)\\] \\[([^\\]]*)\\] (.*)$");

    static DefaultLine parse(String line) {
        Matcher m = HEAD.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("not in the default format: " + line);
        }
        List<String> tail = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String token : m.group(13).split(" ")) {
            current.append(current.isEmpty() ? "" : " ").append(token);
            if (!token.endsWith(",")) {
                tail.add(current.toString());
                current.setLength(0);
            }
        }
        if (tail.size() != 5) {
            throw new AssertionError("expected 5 upstream fields and the id after the names: " + m.group(13));
        }
        return new DefaultLine(m.group(1), m.group(2), m.group(3), m.group(4), Integer.parseInt(m.group(5)),
                Long.parseLong(m.group(6)), m.group(7), m.group(8), Long.parseLong(m.group(9)), m.group(10),
                m.group(11), m.group(12), tail.get(0), tail.get(1), tail.get(2), tail.get(3), tail.get(4));
    }
}
