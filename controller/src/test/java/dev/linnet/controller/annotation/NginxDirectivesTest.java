package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.controller.annotation.NginxDirectives.Directive;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nginx's tokenizer rules, as {@code ngx_conf_read_token} applies them. */
class NginxDirectivesTest {

    private static List<String> args(String text) throws Exception {
        List<Directive> d = NginxDirectives.parse(text);
        assertThat(d).hasSize(1);
        return d.get(0).args();
    }

    @Test
    void quotesKeepSpacesAndSemicolons() throws Exception {
        assertThat(args("add_header X-A \"a b\";")).containsExactly("X-A", "a b");
        assertThat(args("add_header X-A 'x;y';")).containsExactly("X-A", "x;y");
        assertThat(args("add_header X-A \"say \\\"hi\\\"\";")).containsExactly("X-A", "say \"hi\"");
        assertThat(args("add_header X-A 'it\\'s';")).containsExactly("X-A", "it's");
    }

    @Test
    void backslashesAreTranslatedOnlyForQuotesBackslashAndTrn() throws Exception {
        assertThat(args("x a\\tb \"\\n\" \\\\ \\d;")).containsExactly("a\tb", "\n", "\\", "\\d");
        assertThat(args("x a\\;b;")).as("an escaped ; does not end the directive").containsExactly("a\\;b");
        assertThat(args("x a\\ b;")).containsExactly("a\\ b");
    }

    @Test
    void variablesInBracesSitInsideATokenAndCommentsRunToTheEndOfTheLine() throws Exception {
        assertThat(args("x ${host}abc; # comment; y z;")).containsExactly("${host}abc");
        assertThat(args("x a#b;")).as("# inside a token is a character").containsExactly("a#b");
        List<Directive> two = NginxDirectives.parse("# first\na 1;\n\nb \"2\n3\";");
        assertThat(two).extracting(Directive::name).containsExactly("a", "b");
        assertThat(two.get(1).line()).isEqualTo(4);
        assertThat(two.get(1).args()).containsExactly("2\n3");
    }

    @Test
    void blocksNest() throws Exception {
        List<Directive> d = NginxDirectives.parse("location /a { if ($x) { return 200; } }");
        assertThat(d.get(0).block().get(0).block().get(0).name()).isEqualTo("return");
    }

    @Test
    void brokenSyntaxIsTheParsersOwnException() {
        for (String bad : List.of("a", "a \"b;", ";", "{", "}", "a { b;", "a \"b\"c;", "a 'b", "a } ;",
                "a {".repeat(20) + "}".repeat(20), "a ".repeat(5000) + ";", "x".repeat(70_000))) {
            assertThatThrownBy(() -> NginxDirectives.parse(bad)).as(bad.length() > 40 ? bad.substring(0, 40) : bad)
                    .isInstanceOf(NginxDirectives.SyntaxException.class);
        }
    }
}
