package dev.linnet.controller.annotation;

import dev.linnet.controller.annotation.NginxDirectives.Directive;
import dev.linnet.gateway.policy.AccessRules;
import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.policy.NginxValue;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.ResponseHeaderEdits;
import dev.linnet.gateway.policy.SnippetRewrite;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.policy.UpstreamHeaders;
import dev.linnet.gateway.route.BoundedPattern;
import dev.linnet.gateway.route.SourceRanges;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * The safe snippet subset (DESIGN.md "Snippets", docs/snippets.md): a snippet's directives
 * become the same policies the annotations build, or the whole snippet is refused with the first
 * directive outside the subset. Never partly: {@link #compile} either returns every policy or
 * throws {@link Refused}.
 *
 * <pre>
 *   set            ─▶ resolved here: later values see it (rewrite-phase ones the value at their place)
 *   return/rewrite ─▶ SnippetRewrite (rewrite phase, in order)
 *   allow/deny     ─▶ AccessRules (first match wins)
 *   proxy_set_header, more_set_input_headers, more_clear_input_headers ─▶ UpstreamHeaders
 *   add_header, more_set_headers, more_clear_headers, proxy_hide_header ─▶ ResponseHeaderEdits
 *   server_tokens, chunked_transfer_encoding ─▶ accepted, nothing to do
 *   anything else  ─▶ Refused
 * </pre>
 */
final class SnippetCompiler {

    /** Where the snippet sits in ingress-nginx's template. */
    enum Context { LOCATION, SERVER }

    /** Why a snippet is outside the subset. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private final Context context;
    private final boolean rewriteTarget;
    private final Map<String, String> finalSets = new HashMap<>();
    private final Map<String, String> sets = new HashMap<>();
    private final List<SnippetRewrite.Op> rewrites = new ArrayList<>();
    private final List<AccessRules.Rule> access = new ArrayList<>();
    private final List<UpstreamHeaders.Edit> upstream = new ArrayList<>();
    private final List<ResponseHeaderEdits.Edit> response = new ArrayList<>();

    private SnippetCompiler(Context context, boolean rewriteTarget) {
        this.context = context;
        this.rewriteTarget = rewriteTarget;
    }

    /**
     * The policies of one snippet.
     *
     * @param rewriteTarget whether the Ingress has {@code rewrite-target} (a snippet {@code rewrite}
     *     would then race with it: refused)
     */
    static List<Policy> compile(String snippet, Context context, boolean rewriteTarget) throws Refused {
        List<Directive> directives;
        try {
            directives = NginxDirectives.parse(snippet);
        } catch (NginxDirectives.SyntaxException e) {
            throw new Refused("is not valid nginx syntax: " + e.getMessage());
        }
        SnippetCompiler c = new SnippetCompiler(context, rewriteTarget);
        for (Directive d : directives) { // the values header edits see: the last set of each variable
            if (d.name().equals("set") && d.block() == null && d.args().size() == 2) {
                c.finalSets.put(c.setName(d), d.args().get(1));
            }
        }
        for (Directive d : directives) {
            c.directive(d);
        }
        c.checkTotal();
        return c.policies();
    }

    /**
     * Every directive of {@code snippet} outside the subset, each said as {@link #compile} would
     * refuse it, for {@code linnet check}; empty when the snippet compiles.
     */
    static List<String> refusals(String snippet, Context context, boolean rewriteTarget) {
        List<Directive> directives;
        try {
            directives = NginxDirectives.parse(snippet);
        } catch (NginxDirectives.SyntaxException e) {
            return List.of("is not valid nginx syntax: " + e.getMessage());
        }
        SnippetCompiler c = new SnippetCompiler(context, rewriteTarget);
        for (Directive d : directives) {
            if (d.name().equals("set") && d.block() == null && d.args().size() == 2) {
                c.finalSets.put(c.setName(d), d.args().get(1));
            }
        }
        List<String> out = new ArrayList<>();
        for (Directive d : directives) {
            try {
                c.directive(d);
            } catch (Refused r) {
                out.add(r.getMessage());
            }
        }
        try {
            c.checkTotal();
        } catch (Refused r) {
            out.add(r.getMessage());
        }
        return out;
    }

    /**
     * An {@code auth-snippet}'s edits of the external-auth subrequest: ingress-nginx puts the
     * snippet in the auth location, where {@code proxy_set_header} changes what the auth service
     * is sent. Its values take the auth values' closed set of variables ({@link AuthTemplate}, as
     * {@code auth-proxy-set-headers}); {@code server_tokens} and {@code chunked_transfer_encoding}
     * are accepted no-ops; anything else is refused.
     */
    static List<ExternalAuth.SetHeader> authHeaders(String snippet) throws Refused {
        List<Directive> directives;
        try {
            directives = NginxDirectives.parse(snippet);
        } catch (NginxDirectives.SyntaxException e) {
            throw new Refused("is not valid nginx syntax: " + e.getMessage());
        }
        SnippetCompiler c = new SnippetCompiler(Context.LOCATION, false);
        List<ExternalAuth.SetHeader> headers = new ArrayList<>();
        for (Directive d : directives) {
            if (d.block() != null) {
                throw outside(d, "a block");
            }
            switch (d.name()) {
                case "server_tokens", "chunked_transfer_encoding" -> c.arity(d, 1, 1);
                case "proxy_set_header" -> {
                    c.arity(d, 2, 2);
                    String name = SnippetHeaders.name(d, d.args().get(0));
                    String value = d.args().get(1);
                    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                        throw outside(d, "a value with CR, LF or NUL (header injection)");
                    }
                    try {
                        headers.add(new ExternalAuth.SetHeader(name, AuthTemplate.compile(value)));
                    } catch (IllegalArgumentException e) {
                        throw outside(d, "value \"" + value + "\" (" + e.getMessage() + ")");
                    }
                }
                default -> throw outside(d, "in an auth-snippet, anything but proxy_set_header");
            }
        }
        return headers;
    }

    /**
     * The most all values may hold together once set variables are replaced: the snippet's own
     * bound. Each value is bounded ({@link #MAX_VALUE}), but a variable named by a thousand
     * directives would otherwise be held a thousand times by the controller and the gateway, and
     * written into every response: a few Ingresses could exhaust the heap.
     */
    static final int MAX_TOTAL = NginxDirectives.MAX_CHARS;

    private void checkTotal() throws Refused {
        long total = 0;
        for (SnippetRewrite.Op op : rewrites) {
            NginxValue v = op instanceof SnippetRewrite.Return r ? r.value() : ((SnippetRewrite.Rewrite) op).replacement();
            total += v == null ? 0 : v.source().length();
        }
        for (UpstreamHeaders.Edit e : upstream) {
            total += e.value() == null ? 0 : e.value().source().length();
        }
        for (ResponseHeaderEdits.Edit e : response) {
            total += e.value() == null ? 0 : e.value().source().length();
        }
        if (total > MAX_TOTAL) {
            throw new Refused("is outside the subset Linnet understands: its values with set variables replaced"
                    + " come to " + total + " characters (expected: at most " + MAX_TOTAL + ", the snippet's own"
                    + " bound; docs/snippets.md)");
        }
    }

    /** Whether {@code snippet} has no directive (white space and comments only). */
    static boolean empty(String snippet) {
        try {
            return NginxDirectives.parse(snippet).isEmpty();
        } catch (NginxDirectives.SyntaxException e) {
            return false;
        }
    }

    private List<Policy> policies() {
        List<Policy> out = new ArrayList<>();
        if (!rewrites.isEmpty()) {
            out.add(new SnippetRewrite(context == Context.SERVER ? Step.SERVER_SNIPPET : Step.SNIPPET_REWRITE,
                    rewrites));
        }
        if (!access.isEmpty()) {
            out.add(new AccessRules(access));
        }
        if (!upstream.isEmpty()) {
            out.add(new UpstreamHeaders(upstream));
        }
        if (!response.isEmpty()) {
            out.add(new ResponseHeaderEdits(response));
        }
        return out;
    }

    private void directive(Directive d) throws Refused {
        if (d.block() != null) {
            throw outside(d, "a block");
        }
        List<String> a = d.args();
        switch (d.name()) {
            case "server_tokens", "chunked_transfer_encoding" -> arity(d, 1, 1); // nothing to do in Linnet
            case "set" -> {
                arity(d, 2, 2);
                String name = setName(d);
                sets.put(name, a.get(1));
                value(d, a.get(1), sets, false); // refused now if it uses what Linnet cannot compute
            }
            case "return" -> ret(d);
            case "rewrite" -> rewrite(d);
            case "allow", "deny" -> {
                arity(d, 1, 1);
                String who = a.get(0);
                if (!who.equals("all") && !SourceRanges.isValid(who)) {
                    throw outside(d, "\"" + who + "\" (expected: all, or " + SourceRanges.EXPECTED + ")");
                }
                access.add(new AccessRules.Rule(d.name().equals("allow"),
                        who.equals("all") ? null : SourceRanges.of(List.of(who))));
            }
            case "proxy_set_header" -> {
                arity(d, 2, 2);
                if (context == Context.SERVER) { // ingress-nginx's locations set their own list: nginx does not merge
                    value(d, a.get(1), finalSets, false);
                    return;
                }
                upstream.add(new UpstreamHeaders.Edit(UpstreamHeaders.Kind.PROXY_SET, SnippetHeaders.name(d, a.get(0)),
                        value(d, a.get(1), finalSets, false)));
            }
            case "more_set_input_headers" -> SnippetHeaders.input(d, true, finalSets, upstream);
            case "more_clear_input_headers" -> SnippetHeaders.input(d, false, finalSets, upstream);
            case "proxy_hide_header" -> {
                arity(d, 1, 1);
                response.add(ResponseHeaderEdits.Edit.of(ResponseHeaderEdits.Kind.HIDE, SnippetHeaders.name(d, a.get(0)), null));
            }
            case "add_header" -> {
                arity(d, 2, 3);
                if (a.size() == 3 && !a.get(2).equals("always")) {
                    throw outside(d, "\"" + a.get(2) + "\" (expected: always)");
                }
                response.add(ResponseHeaderEdits.Edit.of(a.size() == 3 ? ResponseHeaderEdits.Kind.ADD_ALWAYS
                        : ResponseHeaderEdits.Kind.ADD, SnippetHeaders.name(d, a.get(0)), value(d, a.get(1), finalSets, false)));
            }
            case "more_set_headers" -> SnippetHeaders.output(d, true, finalSets, response);
            case "more_clear_headers" -> SnippetHeaders.output(d, false, finalSets, response);
            default -> throw new Refused("directive " + d.name() + " (line " + d.line() + ") is outside the subset"
                    + " Linnet understands (docs/snippets.md)");
        }
    }

    private void ret(Directive d) throws Refused {
        arity(d, 1, 2);
        String first = d.args().get(0);
        if (d.args().size() == 1 && !first.chars().allMatch(Character::isDigit)) {
            if (!(first.startsWith("http://") || first.startsWith("https://") || first.startsWith("$scheme"))) {
                throw outside(d, "\"" + first + "\" (expected: a status code or an http(s) URL)");
            }
            rewrites.add(new SnippetRewrite.Return(302, value(d, first, sets, false)));
            return;
        }
        int code = first.length() <= 3 && !first.isEmpty() && first.chars().allMatch(Character::isDigit)
                ? Integer.parseInt(first) : -1;
        if (code < 200 || code > 599) {
            throw outside(d, "status " + first + " (expected: 200-599)");
        }
        if (code == 444 && d.args().size() == 2) {
            // nginx sends text with 444 as a response with that status: not the close it is used for
            throw outside(d, "text after 444 (expected: return 444; alone, which closes the connection)");
        }
        rewrites.add(new SnippetRewrite.Return(code, d.args().size() == 2 ? value(d, d.args().get(1), sets, false) : null));
    }

    private void rewrite(Directive d) throws Refused {
        arity(d, 2, 3);
        if (context == Context.SERVER) {
            throw outside(d, "in a server-snippet (nginx chooses the location after it; use configuration-snippet)");
        }
        if (rewriteTarget) {
            throw outside(d, "together with the rewrite-target annotation");
        }
        BoundedPattern regex;
        try {
            regex = BoundedPattern.of(d.args().get(0));
        } catch (PatternSyntaxException e) {
            throw outside(d, "regex " + d.args().get(0) + ": " + e.getDescription());
        } catch (StackOverflowError e) { // thousands of nested groups
            throw outside(d, "a regex nested too deeply");
        }
        SnippetRewrite.Flag flag = SnippetRewrite.Flag.NONE;
        if (d.args().size() == 3) {
            try {
                flag = SnippetRewrite.Flag.valueOf(d.args().get(2).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                flag = null;
            }
            if (flag == null || flag == SnippetRewrite.Flag.NONE || !d.args().get(2).equals(
                    d.args().get(2).toLowerCase(Locale.ROOT))) {
                throw outside(d, "flag \"" + d.args().get(2) + "\" (expected: last, break, redirect or permanent)");
            }
        }
        rewrites.add(new SnippetRewrite.Rewrite(regex, value(d, d.args().get(1), sets, true), flag));
    }

    /** A value with {@code set} variables replaced by their values, then compiled. */
    static NginxValue value(Directive d, String raw, Map<String, String> sets, boolean captures)
            throws Refused {
        if (raw.indexOf('\r') >= 0 || raw.indexOf('\n') >= 0 || raw.indexOf('\0') >= 0) {
            throw outside(d, "a value with CR, LF or NUL"); // would split a head
        }
        if (raw.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            // no head may carry one: a response edit would throw, skipping the route's later edits
            throw outside(d, "a value with a control character");
        }
        String resolved = substitute(raw, sets, 0);
        if (resolved == null) {
            throw outside(d, "a value whose set variables expand beyond " + MAX_VALUE + " characters");
        }
        try {
            return NginxValue.parse(resolved, captures);
        } catch (IllegalArgumentException e) {
            throw outside(d, "variable " + e.getMessage());
        }
    }

    /** The longest value after {@code set} variables are replaced (nested sets could otherwise multiply it). */
    static final int MAX_VALUE = 16 * 1024;

    /**
     * {@code raw} with every {@code $name} / {@code ${name}} of {@code sets} replaced, recursively
     * (at most 8 levels), or {@code null} when the result grows beyond {@link #MAX_VALUE}.
     */
    static String substitute(String raw, Map<String, String> sets, int depth) {
        if (raw == null || raw.length() > MAX_VALUE) {
            return null;
        }
        if (sets.isEmpty() || raw.indexOf('$') < 0 || depth > 8) {
            return raw;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '$' || i + 1 >= raw.length()) {
                out.append(c);
                i++;
                continue;
            }
            boolean braced = raw.charAt(i + 1) == '{';
            int start = braced ? i + 2 : i + 1;
            int end = start;
            while (end < raw.length() && (Character.isLetterOrDigit(raw.charAt(end)) || raw.charAt(end) == '_')) {
                end++;
            }
            String name = raw.substring(start, end).toLowerCase(Locale.ROOT);
            boolean closed = !braced || end < raw.length() && raw.charAt(end) == '}';
            if (closed && sets.containsKey(name)) {
                String inner = substitute(sets.get(name), sets, depth + 1);
                if (inner == null || out.length() + inner.length() > MAX_VALUE) {
                    return null;
                }
                out.append(inner);
                i = braced ? end + 1 : end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String setName(Directive d) {
        String v = d.args().isEmpty() ? "" : d.args().get(0);
        return v.startsWith("$") ? v.substring(1).toLowerCase(Locale.ROOT) : "";
    }

    private void arity(Directive d, int min, int max) throws Refused {
        if (d.args().size() < min || d.args().size() > max) {
            throw outside(d, d.args().size() + " arguments (expected: " + (min == max ? min : min + "-" + max) + ")");
        }
        if (d.name().equals("set")) {
            String name = setName(d);
            if (name.isEmpty() || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_')
                    || NginxValue.known(name)) {
                throw outside(d, "variable \"" + d.args().get(0) + "\" (expected: a new $name)");
            }
        }
    }

    static Refused outside(Directive d, String what) {
        return new Refused("directive " + d.name() + " (line " + d.line() + "): " + what + " is outside the subset"
                + " Linnet understands (docs/snippets.md)");
    }
}
