package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line without sockets: help, version, and every usage error, which exits with 2. */
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... arguments) {
        return Main.run(List.of(arguments), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsCommandsOnStdout() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("Usage: wisp COMMAND [options]\n"), out());
        assertTrue(out().contains("\n  serve     serve a directory over HTTPS or HTTP, with /echo\n"), out());
        assertEquals("", err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-v", "-V"})
    void versionComesFromTheBuild(String option) {
        assertEquals(0, run(option));
        assertTrue(out().matches("wisp \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "serve | Usage: wisp serve [DIR] [options]",
        "get   | Usage: wisp get",
        "ws    | Usage: wisp ws",
    })
    void helpCommandShowsThatCommandsHelp(String command, String firstLine) {
        assertEquals(0, run("help", command));
        assertTrue(out().startsWith(firstLine), out());
        run(command, "--help");
        String both = out();
        assertEquals(both.substring(0, both.length() / 2), both.substring(both.length() / 2));
        assertEquals("", err());
    }

    @Test
    void helpAloneListsCommands() {
        assertEquals(0, run("help"));
        assertTrue(out().startsWith("Usage: wisp COMMAND [options]\n"), out());
    }

    @Test
    void helpForAnUnknownCommandIsAUsageError() {
        assertEquals(2, run("help", "fetch"));
        assertEquals("wisp help: unknown command 'fetch'\nRun 'wisp --help' for usage.\n", err());
        assertEquals("", out());
    }

    @Test
    void serveHelpListsOptions() {
        assertEquals(0, run("serve", "--help"));
        assertTrue(out().startsWith("Usage: wisp serve [DIR] [options]\n"), out());
        assertTrue(out().contains("  -p, --port N  "), out());
        assertTrue(out().contains("      --no-listing  "), out());
        assertTrue(out().contains("      --cert FILE  "), out());
        assertTrue(out().contains("      --plain  "), out());
        assertTrue(out().contains("      --http1.1  "), out());
    }

    /** The paths the server answers itself hide files of the same name, so the help names each of them. */
    @Test
    void serveHelpNamesEveryPathThatHidesAFile() {
        assertEquals(0, run("serve", "--help"));
        String help = out().replace('\n', ' ');
        for (String path : new String[] {"/echo", "/ws", "/ws.html"}) {
            assertTrue(help.contains(" " + path + " ") || help.contains(" " + path + ","), path + ": " + help);
        }
    }

    @Test
    void noArgumentsPrintsUsageOnStderr() {
        assertEquals(2, run());
        assertTrue(err().startsWith("Usage: wisp COMMAND"), err());
        assertEquals("", out());
    }

    @Test
    void unknownCommandIsUsageError() {
        assertEquals(2, run("fetch"));
        assertEquals("wisp: unknown command 'fetch'\nRun 'wisp --help' for usage.\n", err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--bogus                 | unknown option '--bogus'",
        "-x                      | unknown option '-x'",
        "--port                  | option --port needs a value N",
        "--port abc              | option --port must be a number from 0 to 65535: 'abc'",
        "--port=70000            | option --port must be a number from 0 to 65535: '70000'",
        "--max-connections 0     | option --max-connections must be a number from 1 to 2147483647: '0'",
        "--rate-limit 10         | option --rate-limit must be N/s or N/m, with ,BURST if wanted"
                + " (10/s, 600/m,20): '10'",
        "--rate-limit 0/s        | option --rate-limit must be N/s or N/m, with ,BURST if wanted"
                + " (10/s, 600/m,20): '0/s'",
        "--max-connections-per-client -1 | option --max-connections-per-client must be a number from 0 to"
                + " 2147483647: '-1'",
        "--no-listing=yes        | option --no-listing takes no value",
        "a b                     | expected at most one DIR, got a b",
        "--bind [::1               | option --bind: unknown address '[::1'",
        "--plain --cert a --key b  | option --cert needs HTTPS and cannot go with --plain",
        "--plain --http-port 1     | option --http-port needs HTTPS and cannot go with --plain",
        "--cert a                  | option --cert needs --key",
        "--key b                   | option --key needs --cert",
        "--no-redirect             | option --no-redirect needs --http-port",
        "--http-port 70000         | option --http-port must be a number from 0 to 65535: '70000'",
        "--http-port 8443          | option --http-port must differ from the HTTPS port 8443",
        "-p 9000 --http-port 9000  | option --http-port must differ from the HTTPS port 9000",
        "--http1.1 --http2         | --http1.1 and --http2 cannot be combined: choose one",
        "--max-request-body 10X    | option --max-request-body must be a number of bytes, or with K, M or G"
                + " (10M): '10X'",
        "--max-request-body -1     | option --max-request-body must be a number of bytes, or with K, M or G"
                + " (10M): '-1'",
        // Before the certificate files are read (or a certificate made), as every usage error.
        "--cert no.pem --key no.pem --max-request-body 9999999999G | option --max-request-body must be a number of"
                + " bytes, or with K, M or G (10M): '9999999999G'",
        "--cert no.pem --key no.pem --proxy api | option --proxy: expected PREFIX=URL with PREFIX starting with '/',"
                + " got 'api'",
    })
    void badServeArgumentsAreUsageErrors(String arguments, String message) {
        String[] words = ("serve " + arguments).split(" ");
        assertEquals(2, run(words));
        assertEquals("wisp serve: " + message + "\nRun 'wisp serve --help' for usage.\n", err());
        assertEquals("", out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "get --bogus       | wisp get: unknown option '--bogus'",
        "get -C 100 -o f http://x/ | wisp get: option --continue-at takes '-' only: it goes on from what an"
                + " earlier run left",
        "get -C - http://x/        | wisp get: option --continue-at needs a file: -o FILE or -O",
        "get -C - -o f -i http://x/ | wisp get: option --continue-at cannot go with --include",
        "get -I -d x=1 http://x/   | wisp get: you can only select one HTTP request method: you asked for both POST"
                + " (-d, --data) and HEAD (-I, --head)",
        "get -F a=b -I http://x/   | wisp get: you can only select one HTTP request method: you asked for both"
                + " multipart formpost (-F, --form) and HEAD (-I, --head)",
        "get -I -T f http://x/     | wisp get: you can only select one HTTP request method: you asked for both PUT"
                + " (-T, --upload-file) and HEAD (-I, --head)",
        "ws --connect-timeout | wisp ws: option --connect-timeout needs a value SECONDS",
    })
    void everyCommandReportsUsageErrorsInTwoLines(String arguments, String message) {
        assertEquals(2, run(arguments.split(" ")));
        String command = message.substring(0, message.indexOf(':'));
        assertEquals(message + "\nRun '" + command + " --help' for usage.\n", err());
    }

    @Test
    void missingDirectoryFailsWithExitCode1(@TempDir Path base) {
        Path missing = base.resolve("missing");
        assertEquals(1, run("serve", missing.toString(), "--port", "0"));
        assertEquals("wisp serve: root is not a directory: " + missing + "\n", err());
    }

    @Test
    void unreadableCertificateFilesFailWithExitCode1AndOneLine(@TempDir Path base) throws Exception {
        Path missing = base.resolve("missing.pem");
        assertEquals(1, run("serve", base.toString(), "--port", "0", "--cert", missing.toString(), "--key",
                missing.toString()));
        assertTrue(err().startsWith("wisp serve: ") && err().contains(missing.toString()), err());
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void aFileWithoutACertificateFailsWithExitCode1AndOneLine(@TempDir Path base) throws Exception {
        Path text = Files.writeString(base.resolve("notes.txt"), "hello\n");
        assertEquals(1, run("serve", base.toString(), "--port", "0", "--cert", text.toString(), "--key",
                text.toString()));
        assertEquals("wisp serve: no certificate in PEM " + text + "\n", err());
    }
}
