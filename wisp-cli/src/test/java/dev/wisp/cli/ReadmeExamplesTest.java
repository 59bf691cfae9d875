package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ChildJava;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compiles the README's Java examples against the modules, so they cannot drift from the API.
 *
 * <p>The rules, for whoever adds an example:
 * <ul>
 *   <li>Only fenced blocks opened with {@code ```java} are compiled. A fragment that cannot compile on its own (a
 *       signature, a line out of context) goes in a plain {@code ```} or {@code ```text} block.
 *   <li>Each block compiles on its own, against every Wisp module and the JDK: it shows its {@code import} lines
 *       first, declares what it uses, and holds no {@code ...}.
 *   <li>After the imports come either statements, compiled as the body of a method that may throw any exception,
 *       or, when a line at the block's left margin declares a type ({@code class}, {@code record},
 *       {@code interface}, {@code enum}, with or without {@code public} or {@code final}), a whole source file.
 *   <li>A block inside a list item may be indented; the indentation of its opening fence is removed.
 * </ul>
 */
class ReadmeExamplesTest {
    private static final Path README = Path.of("").toAbsolutePath().getParent().resolve("README.md");

    /** One ```java block: the line its fence is on and its text without the fence's indentation. */
    record Example(int line, String code) {
        @Override
        public String toString() {
            return "README.md:" + line;
        }
    }

    static List<Example> examples() throws IOException {
        List<String> lines = Files.readAllLines(README);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i);
            if (!fence.strip().equals("```java")) {
                continue;
            }
            int indent = fence.indexOf('`');
            StringBuilder code = new StringBuilder();
            int start = i + 1;
            for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                String line = lines.get(i);
                code.append(line.length() >= indent && line.substring(0, indent).isBlank() ? line.substring(indent)
                        : line.stripLeading()).append('\n');
            }
            examples.add(new Example(start, code.toString()));
        }
        return examples;
    }

    @Test
    void readmeHasJavaExamples() throws IOException {
        assertTrue(examples().size() >= 5, "the extractor finds the README's ```java blocks");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void compiles(Example example, @TempDir Path output) {
        assertFalse(example.code().contains("..."), example + " holds '...'; show what goes there");
        JavaFileObject source = source(example);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter messages = new StringWriter();
        List<String> options = List.of("-classpath", ChildJava.classPath(), "-d", output.toString(), "-proc:none",
                "-Xlint:none");
        boolean compiled = compiler.getTask(messages, null, diagnostics, options, null, List.of(source)).call();
        StringBuilder report = new StringBuilder(example + " does not compile:\n");
        diagnostics.getDiagnostics().forEach(d -> report.append("  line ").append(d.getLineNumber()).append(": ")
                .append(d.getMessage(null)).append('\n'));
        assertTrue(compiled, () -> report + messages.toString() + "\n--- as compiled:\n" + source(example).code);
        assertEquals(List.of(), diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList());
    }

    /** The block as a source file: imports first, then its types, or its statements inside a method. */
    private static Source source(Example example) {
        List<String> imports = new ArrayList<>();
        List<String> body = new ArrayList<>();
        for (String line : example.code().split("\n", -1)) {
            (line.startsWith("import ") && body.stream().allMatch(String::isBlank) ? imports : body).add(line);
        }
        boolean declaresTypes = body.stream().anyMatch(line -> line.matches(
                "(public |final |abstract |sealed )*(class|record|interface|enum) \\w+.*"));
        String name = "ReadmeExample" + example.line();
        String code = declaresTypes ? String.join("\n", imports) + "\n" + String.join("\n", body)
                : String.join("\n", imports) + "\n\nclass " + name + " {\n    void run() throws Exception {\n"
                        + String.join("\n", body) + "\n    }\n}\n";
        String fileName = declaresTypes ? publicTypeName(body).orElse(name) : name;
        return new Source(fileName, code);
    }

    private static Optional<String> publicTypeName(List<String> body) {
        return body.stream().filter(line -> line.startsWith("public "))
                .map(line -> line.replaceAll("^public (final |abstract |sealed )*(class|record|interface|enum) "
                        + "(\\w+).*", "$3")).findFirst();
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String name, String code) {
            super(URI.create("string:///" + name + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
