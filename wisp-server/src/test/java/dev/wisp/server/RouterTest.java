package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Method;
import dev.wisp.core.RequestTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Handler OK = (request, response) -> response.send("ok\n");

    @Test
    void refusesARouteThatAnEarlierOneShadows() {
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> Router.builder().get("/users/{id}", OK).get("/users/{name}", OK));
        assertEquals("route GET /users/{name} would never be reached: GET /users/{id} was added before it and matches "
                + "all of its paths; add the more specific route first", same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Router.builder().any("/files/*", OK).get("/files/*", OK));
        assertThrows(IllegalArgumentException.class, () -> Router.builder().post("/a/", OK).post("/a", OK));
    }

    /** A more general route added before takes every path of a more specific one, which would be dead code. */
    @Test
    void refusesARouteThatAnEarlierMoreGeneralOneShadows() {
        String[][] shadowed = {
            {"/a/*", "/a/b"}, {"/a/*", "/a"}, {"/a/*", "/a/{x}/*"}, {"/u/{id}", "/u/me"}, {"/*", "/anything/{x}"},
            {"/u/{id}/posts", "/u/me/posts"}, {"/{a}/{b}", "/x/y"},
        };
        for (String[] pair : shadowed) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Router.builder().get(pair[0], OK).get(pair[1], OK), pair[1]);
            assertEquals("route GET " + pair[1] + " would never be reached: GET " + pair[0] + " was added before it"
                    + " and matches all of its paths; add the more specific route first", e.getMessage());
            assertDoesNotThrow(() -> Router.builder().get(pair[1], OK).get(pair[0], OK).build(), "specific first");
        }
    }

    @Test
    void givesAnyTheMethodsNotRoutedBefore() throws Exception {
        Handler other = (request, response) -> response.send("other\n");
        Router router = Router.builder().get("/api/*", OK).any("/api/*", other).build();
        assertEquals(OK, router.resolve(Method.GET, RequestTarget.parse("/api/x")).handler());
        assertEquals(other, router.resolve(Method.POST, RequestTarget.parse("/api/x")).handler());
    }

    @Test
    void givesAnyTheExtensionMethodsButNotConnect() throws Exception {
        Handler other = (request, response) -> response.send("other\n");
        Router router = Router.builder().get("/files/*", OK).any("/api/*", other).any("/api/*", OK).build();
        for (String name : List.of("PROPFIND", "MKCOL", "PURGE", "QUERY", "LOCK")) {
            assertEquals(other, router.resolve(Method.of(name), RequestTarget.parse("/api/x")).handler(), name);
            assertNotEquals(OK, router.resolve(Method.of(name), RequestTarget.parse("/files/x")).handler(),
                    name + ": 405 where no route takes it");
        }
        assertNotEquals(other, router.resolve(Method.CONNECT, RequestTarget.parse("/api/x")).handler());
        assertNotEquals(other, router.resolve(Method.of("PROPFIND"), RequestTarget.parse("/other")).handler());
    }

    @Test
    void takesRoutesThatDifferInMethodOrPaths() {
        assertDoesNotThrow(() -> Router.builder()
                .get("/users/me", OK).get("/users/{id}", OK).put("/users/{id}", OK)
                .route(Method.HEAD, "/users/{id}", OK).get("/users/{id}/*", OK).get("/users", OK)
                .get("/a/b", OK).get("/a/{x}/c", OK).get("/{x}/b/c", OK).get("/*", OK).build());
    }
}
