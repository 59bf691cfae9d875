package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    private static final List<Option> OPTIONS = List.of(
            new Option("--port", "-p", "N", "port"),
            new Option("--quiet", "-q", null, "quiet"));

    @Test
    void splitsOptionsFromPositionals() throws UsageException {
        Arguments arguments = Arguments.parse(List.of("dir", "-p", "1", "--quiet", "-", "more"), OPTIONS);
        assertEquals(List.of("dir", "-", "more"), arguments.positionals());
        assertEquals(Optional.of("1"), arguments.value("--port"));
        assertTrue(arguments.has("--quiet"));
    }

    @Test
    void acceptsEqualsFormAndKeepsLastValue() throws UsageException {
        Arguments arguments = Arguments.parse(List.of("--port=1", "--port", "2", "--port=", "--port=3"), OPTIONS);
        assertEquals(3, arguments.intValue("--port", 0, 0, 10));
    }

    @Test
    void givesTheValuesOfSeveralOptionsInTheOrderGiven() throws UsageException {
        Arguments arguments = Arguments.parse(List.of("-p", "1", "--quiet", "--port=2", "x", "-q"), OPTIONS);
        assertEquals(List.of(Map.entry("--port", "1"), Map.entry("--quiet", ""), Map.entry("--port", "2"),
                Map.entry("--quiet", "")), arguments.values(Set.of("--port", "--quiet")));
        assertEquals(List.of(Map.entry("--port", "1"), Map.entry("--port", "2")),
                arguments.values(Set.of("--port")));
    }

    @Test
    void doubleDashEndsOptions() throws UsageException {
        Arguments arguments = Arguments.parse(List.of("--", "--port", "-q"), OPTIONS);
        assertEquals(List.of("--port", "-q"), arguments.positionals());
        assertFalse(arguments.has("--port"));
        assertEquals(7, arguments.intValue("--port", 7, 0, 10));
    }

    @Test
    void valueMayLookLikeAnOption() throws UsageException {
        assertEquals(Optional.of("-q"), Arguments.parse(List.of("-p", "-q"), OPTIONS).value("--port"));
    }

    @Test
    void takesShortOptionsTogetherAsCurlDoes() throws UsageException {
        List<Option> options = List.of(new Option("--fail", "-f", null, "fail"), new Option("--silent", "-s", null,
                "silent"), new Option("--output", "-o", "FILE", "output"), new Option("--port", "-p", "N", "port"));
        Arguments flags = Arguments.parse(List.of("-fs", "url"), options);
        assertTrue(flags.has("--fail") && flags.has("--silent"));
        assertEquals(List.of("url"), flags.positionals());
        Arguments valueNext = Arguments.parse(List.of("-fso", "out.txt", "url"), options);
        assertEquals(Optional.of("out.txt"), valueNext.value("--output"));
        assertEquals(List.of("url"), valueNext.positionals());
        Arguments valueJoined = Arguments.parse(List.of("-sofile-s", "url"), options);
        assertEquals(Optional.of("file-s"), valueJoined.value("--output"), "the rest of the cluster is the value");
        assertEquals(Optional.of("80"), Arguments.parse(List.of("-p80"), options).value("--port"));

        UsageException unknown = assertThrows(UsageException.class, () -> Arguments.parse(List.of("-fx"), options));
        assertEquals("unknown option '-x' in '-fx'", unknown.getMessage());
        assertThrows(UsageException.class, () -> Arguments.parse(List.of("-fo"), options), "-o needs its value");
    }
}
