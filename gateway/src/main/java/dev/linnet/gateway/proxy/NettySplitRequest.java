package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.split.SplitRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@link SplitRequest} over Netty's request headers, with nginx's lookup rules
 * (canary-spec.md §3): header names ignore case, repeated headers read as one value joined with
 * {@code ", "} (nginx 1.23+ {@code $http_*}); the first cookie of that name wins, the name
 * compared ignoring case ({@code $cookie_*}). Cookies are scanned in place, so only the value
 * that is returned is allocated.
 */
public final class NettySplitRequest implements SplitRequest {

    private final HttpHeaders headers;

    public NettySplitRequest(HttpHeaders headers) {
        this.headers = requireNonNull(headers, "headers");
    }

    @Override
    public String header(String name) {
        List<String> values = headers.getAll(name);
        return switch (values.size()) {
            case 0 -> null;
            case 1 -> values.get(0);
            default -> String.join(", ", values);
        };
    }

    @Override
    public String cookie(String name) {
        if (name == null || name.isEmpty()) {
            return null; // an empty configured name never matches (canary-spec.md §3)
        }
        // Entry order is arrival order; valueCharSequenceIterator would walk a name's values backwards.
        Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (AsciiString.contentEqualsIgnoreCase(e.getKey(), HttpHeaderNames.COOKIE)) {
                String value = find(e.getValue(), name);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    /** {@code a=1; b=2}: pairs separated by {@code ;}, optional spaces around them. */
    static String find(CharSequence header, String name) {
        int len = header.length();
        int i = 0;
        while (i < len) {
            while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ';')) {
                i++;
            }
            int nameStart = i;
            while (i < len && header.charAt(i) != '=' && header.charAt(i) != ';') {
                i++;
            }
            int nameEnd = i;
            while (nameEnd > nameStart && header.charAt(nameEnd - 1) == ' ') {
                nameEnd--;
            }
            if (i < len && header.charAt(i) == '=') {
                int valueStart = ++i;
                while (i < len && header.charAt(i) != ';') {
                    i++;
                }
                if (regionMatchesIgnoreCase(header, nameStart, nameEnd, name)) {
                    int valueEnd = i;
                    while (valueEnd > valueStart && header.charAt(valueEnd - 1) == ' ') {
                        valueEnd--;
                    }
                    return header.subSequence(valueStart, valueEnd).toString();
                }
            }
        }
        return null;
    }

    private static boolean regionMatchesIgnoreCase(CharSequence s, int start, int end, String name) {
        if (end - start != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char a = s.charAt(start + i);
            char b = name.charAt(i);
            if (a != b && Character.toLowerCase(a) != Character.toLowerCase(b)) {
                return false;
            }
        }
        return true;
    }
}
