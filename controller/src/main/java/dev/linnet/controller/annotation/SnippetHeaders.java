package dev.linnet.controller.annotation;

import dev.linnet.controller.annotation.NginxDirectives.Directive;
import dev.linnet.controller.annotation.SnippetCompiler.Refused;
import dev.linnet.gateway.policy.ResponseHeaderEdits;
import dev.linnet.gateway.policy.UpstreamHeaders;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The headers-more directives of the snippet subset ({@link SnippetCompiler}), as the module
 * reads its arguments: options {@code -s 'codes'}, {@code -t 'types'}, {@code -r}, then
 * {@code 'Name: value'} specs ({@code 'Name:'} clears) or names ({@code X-*} wildcards).
 */
final class SnippetHeaders {

    private SnippetHeaders() {
    }

    /** {@code more_set_input_headers [-r] 'Name: value'…}, {@code more_clear_input_headers Name…}. */
    static void input(Directive d, boolean set, Map<String, String> sets, List<UpstreamHeaders.Edit> upstream)
            throws Refused {
        boolean onlyPresent = false;
        int specs = 0;
        for (String arg : d.args()) {
            if (set && arg.equals("-r")) {
                onlyPresent = true;
            } else if (arg.startsWith("-")) {
                throw SnippetCompiler.outside(d, "option " + arg + " (expected: -r on more_set_input_headers)");
            } else if (set) {
                String[] nv = spec(d, arg);
                upstream.add(new UpstreamHeaders.Edit(nv[1].isEmpty() ? UpstreamHeaders.Kind.CLEAR
                        : onlyPresent ? UpstreamHeaders.Kind.REPLACE_IF_PRESENT : UpstreamHeaders.Kind.REPLACE,
                        nv[0], nv[1].isEmpty() ? null : SnippetCompiler.value(d, nv[1], sets, false)));
                specs++;
            } else {
                upstream.add(new UpstreamHeaders.Edit(UpstreamHeaders.Kind.CLEAR, clearName(d, arg), null));
                specs++;
            }
        }
        if (specs == 0) {
            throw SnippetCompiler.outside(d, "no header");
        }
    }

    /** {@code more_set_headers [-s codes] [-t types] 'Name: value'…}, {@code more_clear_headers … Name…}. */
    static void output(Directive d, boolean set, Map<String, String> sets, List<ResponseHeaderEdits.Edit> response)
            throws Refused {
        Set<Integer> statuses = new LinkedHashSet<>();
        Set<String> types = new LinkedHashSet<>();
        List<String[]> specs = new ArrayList<>();
        List<String> a = d.args();
        for (int i = 0; i < a.size(); i++) {
            String arg = a.get(i);
            if (arg.equals("-s") || arg.equals("-t")) {
                if (i + 1 >= a.size()) {
                    throw SnippetCompiler.outside(d, "option " + arg + " without its value");
                }
                for (String item : a.get(++i).trim().split("\\s+")) {
                    if (arg.equals("-t")) {
                        types.add(item.toLowerCase(Locale.ROOT));
                    } else if (item.length() == 3 && item.chars().allMatch(Character::isDigit)) {
                        statuses.add(Integer.parseInt(item));
                    } else {
                        throw SnippetCompiler.outside(d, "status \"" + item + "\" after -s");
                    }
                }
            } else if (arg.startsWith("-")) {
                throw SnippetCompiler.outside(d, "option " + arg + " (expected: -s or -t)");
            } else {
                specs.add(set ? spec(d, arg) : new String[] {clearName(d, arg), ""});
            }
        }
        if (specs.isEmpty()) {
            throw SnippetCompiler.outside(d, "no header");
        }
        for (String[] nv : specs) {
            boolean clear = nv[1].isEmpty();
            response.add(new ResponseHeaderEdits.Edit(clear ? ResponseHeaderEdits.Kind.CLEAR
                    : ResponseHeaderEdits.Kind.SET, nv[0], clear ? null : SnippetCompiler.value(d, nv[1], sets, false),
                    statuses, types));
        }
    }

    /** {@code Name: value} (an empty value, or none, clears), as headers-more splits it. */
    private static String[] spec(Directive d, String arg) throws Refused {
        int colon = arg.indexOf(':');
        String name = (colon < 0 ? arg : arg.substring(0, colon)).strip();
        String value = colon < 0 ? "" : arg.substring(colon + 1).strip();
        if (name.endsWith("*")) {
            if (!value.isEmpty()) {
                throw SnippetCompiler.outside(d, "wildcard \"" + name + "\" with a value");
            }
            return new String[] {clearName(d, name), ""};
        }
        return new String[] {name(d, name), value};
    }

    private static String clearName(Directive d, String name) throws Refused {
        String base = name.endsWith("*") ? name.substring(0, name.length() - 1) : name;
        if (base.endsWith(":")) {
            base = base.substring(0, base.length() - 1);
        }
        if (!base.isEmpty() || name.equals("*")) {
            name(d, base.isEmpty() ? "x" : base);
        }
        return name.endsWith("*") ? base + "*" : base;
    }

    static String name(Directive d, String name) throws Refused {
        if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':' && "()<>@,;\\\"/[]?={}".indexOf(c) < 0)) {
            throw SnippetCompiler.outside(d, "header name \"" + name + "\"");
        }
        if (name.indexOf('$') >= 0) {
            throw SnippetCompiler.outside(d, "header name \"" + name + "\" with a variable");
        }
        return name;
    }

}
