package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import dev.wisp.server.files.FileHandler;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom error answers, as a client receives them: exception mappers by class (the nearest superclass wins), a
 * custom 500 body, a custom answer to a body over its limit, the router's 404 and 405 pages that keep their status
 * and Allow while OPTIONS is still answered, and {@link FileHandler}'s 404 page.
 */
class ErrorAnswersIT {
    @TempDir
    static Path root;
    private static Server server;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(root.resolve("a.txt"), "a\n");
        FileHandler files = FileHandler.builder(root)
                .notFound((request, response) -> response.send("no file at " + request.path() + "\n"))
                .build();
        Router router = Router.builder()
                .get("/items/{id}", (request, response) -> {
                    throw new NoSuchElementException("item " + request.pathParameter("id").orElseThrow());
                })
                .get("/bug", (request, response) -> {
                    throw new IllegalStateException("secret detail");
                })
                .post("/upload", (request, response) -> response.send(request.bodyBytes().length + "\n"))
                .get("/files/*", files)
                .notFound((request, response) -> response.send("nothing here: " + request.path() + "\n"))
                .methodNotAllowed((request, response) -> response.send("try " + response.headers()
                        .firstOrNull("Allow") + "\n"))
                .build();
        HttpService service = HttpService.builder(router)
                .exceptionMapper(NoSuchElementException.class, (e, request, response) ->
                        response.status(Status.NOT_FOUND).send(e.getMessage() + " is unknown\n"))
                .exceptionMapper(Exception.class, (e, request, response) ->
                        response.send("{\"error\": \"sorry\"}\n"))
                .exceptionMapper(HttpProtocolException.class, (e, request, response) ->
                        response.send("too much: " + e.status().code() + "\n"))
                .build();
        server = TestServers.start(TestServers.config().maxRequestBodyBytes(10), service);
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void mapsAnExceptionByItsClass() throws Exception {
        RawResponse response = exchange("GET /items/7 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(404, response.status());
        assertEquals("item 7 is unknown\n", response.bodyText());
        assertFalse(response.header("Connection").isPresent(), "an application's answer keeps the connection");
    }

    @Test
    void replacesTheBodyOfA500AndKeepsItsStatus() throws Exception {
        RawResponse response = exchange("GET /bug HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(500, response.status());
        assertEquals("{\"error\": \"sorry\"}\n", response.bodyText());
    }

    @Test
    void replacesTheAnswerToABodyOverItsLimit() throws Exception {
        RawResponse declared = exchange("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
        assertEquals(413, declared.status());
        assertEquals("too much: 413\n", declared.bodyText());
        assertEquals("close", declared.header("Connection").orElseThrow());
        RawResponse read = exchange("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "b\r\nhello world\r\n0\r\n\r\n");
        assertEquals(413, read.status());
        assertEquals("too much: 413\n", read.bodyText());
    }

    @Test
    void customNotFoundKeeps404() throws Exception {
        RawResponse response = exchange("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(404, response.status());
        assertEquals("nothing here: /nowhere\n", response.bodyText());
    }

    @Test
    void customMethodNotAllowedKeeps405AndAllowAndOptions() throws Exception {
        RawResponse response = exchange("PUT /bug HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(405, response.status());
        assertEquals("GET, HEAD, OPTIONS", response.header("Allow").orElseThrow());
        assertEquals("try GET, HEAD, OPTIONS\n", response.bodyText());
        RawResponse options = exchange("OPTIONS /bug HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(204, options.status());
        assertEquals("GET, HEAD, OPTIONS", options.header("Allow").orElseThrow());
    }

    @Test
    void fileHandlerNotFoundIsCustomAnd404() throws Exception {
        assertEquals("a\n", exchange("GET /files/a.txt HTTP/1.1\r\nHost: x\r\n\r\n").bodyText());
        RawResponse response = exchange("GET /files/b.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(404, response.status());
        assertEquals("no file at /files/b.txt\n", response.bodyText());
    }

    private static RawResponse exchange(String request) {
        return TestServers.exchange(server, request);
    }
}
