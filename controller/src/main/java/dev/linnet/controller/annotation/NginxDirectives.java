package dev.linnet.controller.annotation;

import java.util.ArrayList;
import java.util.List;

/**
 * nginx's configuration syntax as {@code ngx_conf_read_token} reads it, for snippets: tokens
 * separated by white space; {@code "…"} and {@code '…'} quote (and must be followed by white
 * space, {@code ;} or {@code {}); a backslash keeps the next character from ending a token, and
 * {@code \" \' \\ \t \r \n} are translated (any other {@code \x} stays as written); {@code #}
 * at the start of a token comments to the end of the line; {@code ;} ends a directive,
 * {@code {…}} is a block; {@code ${name}} may sit inside a token.
 *
 * <p>Bounded: at most {@link #MAX_CHARS} characters, {@link #MAX_TOKENS} tokens and
 * {@link #MAX_DEPTH} nested blocks; the only exception thrown is {@link SyntaxException}.
 */
public final class NginxDirectives {

    static final int MAX_CHARS = 64 * 1024;
    static final int MAX_TOKENS = 4096;
    static final int MAX_DEPTH = 8;

    /** A snippet that is not valid nginx syntax (or is over a bound). */
    public static final class SyntaxException extends Exception {
        SyntaxException(String message, int line) {
            super(message + " (line " + line + ")");
        }

        private SyntaxException(String message) {
            super(message);
        }
    }

    /**
     * One directive: its name, arguments (unquoted, escapes translated) and block, if any.
     *
     * @param block the directives inside {@code {…}}, or {@code null} when it ends with {@code ;}
     */
    public record Directive(String name, List<String> args, List<Directive> block, int line) {
    }

    private final String text;
    private int pos;
    private int line = 1;
    private int tokens;
    private String outer; // the name of the top-level directive being read

    private NginxDirectives(String text) {
        this.text = text;
    }

    /** The directives of {@code text}. */
    public static List<Directive> parse(String text) throws SyntaxException {
        if (text.length() > MAX_CHARS) {
            throw new SyntaxException("longer than " + MAX_CHARS + " characters", 1);
        }
        NginxDirectives p = new NginxDirectives(text);
        try {
            return p.block(0);
        } catch (SyntaxException e) { // name the directive: a *_by_lua_block reads as broken nginx syntax
            throw p.outer == null ? e : new SyntaxException("in directive " + p.outer + ": " + e.getMessage());
        }
    }

    /** Directives up to the end of the text (depth 0) or the closing brace. */
    private List<Directive> block(int depth) throws SyntaxException {
        List<Directive> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        int start = line;
        while (true) {
            Token t = next();
            switch (t.kind) {
                case WORD -> {
                    if (words.isEmpty()) {
                        start = t.line;
                        if (depth == 0) {
                            outer = t.text;
                        }
                    }
                    words.add(t.text);
                }
                case SEMICOLON -> {
                    if (words.isEmpty()) {
                        throw new SyntaxException("unexpected \";\"", t.line);
                    }
                    out.add(new Directive(words.get(0), List.copyOf(words.subList(1, words.size())), null, start));
                    words.clear();
                }
                case OPEN -> {
                    if (words.isEmpty()) {
                        throw new SyntaxException("unexpected \"{\"", t.line);
                    }
                    if (depth + 1 > MAX_DEPTH) {
                        throw new SyntaxException("blocks nested deeper than " + MAX_DEPTH, t.line);
                    }
                    List<String> head = List.copyOf(words);
                    words.clear();
                    out.add(new Directive(head.get(0), head.subList(1, head.size()), block(depth + 1), start));
                }
                case CLOSE -> {
                    if (!words.isEmpty() || depth == 0) {
                        throw new SyntaxException("unexpected \"}\"", t.line);
                    }
                    return out;
                }
                case END -> {
                    if (!words.isEmpty()) {
                        throw new SyntaxException("unexpected end of snippet, expecting \";\" or \"}\"", t.line);
                    }
                    if (depth > 0) {
                        throw new SyntaxException("unexpected end of snippet, expecting \"}\"", t.line);
                    }
                    return out;
                }
            }
        }
    }

    private enum Kind { WORD, SEMICOLON, OPEN, CLOSE, END }

    private record Token(Kind kind, String text, int line) {
    }

    private Token next() throws SyntaxException {
        while (pos < text.length()) { // white space and comments between tokens
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (isSpace(c)) {
                if (c == '\n') {
                    line++;
                }
                pos++;
            } else {
                break;
            }
        }
        if (pos >= text.length()) {
            return new Token(Kind.END, null, line);
        }
        if (++tokens > MAX_TOKENS) {
            throw new SyntaxException("more than " + MAX_TOKENS + " tokens", line);
        }
        char c = text.charAt(pos);
        int at = line;
        switch (c) {
            case ';' -> {
                pos++;
                return new Token(Kind.SEMICOLON, null, at);
            }
            case '{' -> {
                pos++;
                return new Token(Kind.OPEN, null, at);
            }
            case '}' -> {
                pos++;
                return new Token(Kind.CLOSE, null, at);
            }
            case '"', '\'' -> {
                return new Token(Kind.WORD, quoted(c), at);
            }
            default -> {
                return new Token(Kind.WORD, unquoted(), at);
            }
        }
    }

    private String quoted(char quote) throws SyntaxException {
        int at = line;
        pos++; // the opening quote
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw new SyntaxException("unexpected end of snippet inside a quoted string", at);
            }
            char c = text.charAt(pos);
            if (c == '\\' && pos + 1 < text.length()) {
                escape(out);
                continue;
            }
            pos++;
            if (c == quote) {
                break;
            }
            if (c == '\n') {
                line++;
            }
            out.append(c);
        }
        if (pos < text.length()) { // nginx: a quoted string must be followed by space, ";" or "{"
            char after = text.charAt(pos);
            if (!isSpace(after) && after != ';' && after != '{' && after != ')') {
                throw new SyntaxException("unexpected \"" + after + "\" after a quoted string", line);
            }
        }
        return out.toString();
    }

    private String unquoted() {
        StringBuilder out = new StringBuilder();
        boolean variable = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '{' && variable) { // ${name}
                out.append(c);
                pos++;
                continue;
            }
            variable = false;
            if (c == '\\' && pos + 1 < text.length()) {
                escape(out);
                continue;
            }
            if (isSpace(c) || c == ';' || c == '{') {
                break;
            }
            variable = c == '$';
            out.append(c);
            pos++;
        }
        return out.toString();
    }

    /** A backslash and the character after it, as nginx copies them into the token. */
    private void escape(StringBuilder out) {
        char next = text.charAt(pos + 1);
        switch (next) {
            case '"', '\'', '\\' -> out.append(next);
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'n' -> out.append('\n');
            default -> {
                out.append('\\').append(next);
                if (next == '\n') {
                    line++;
                }
            }
        }
        pos += 2;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
