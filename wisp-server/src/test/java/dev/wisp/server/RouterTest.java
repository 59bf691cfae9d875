package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Method;
import dev.wisp.core.RequestTarget;
import org.junit.jupiter.api.Test;

class RouterTest {
    private static final Handler OK = (request, response) -> response.send("ok\n");

    @Test
    void refusesARouteThatAnEarlierOneShadows() {
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> Router.builder().get("/users/{id}", OK).get("/users/{name}", OK));
        assertEquals("route GET /users/{name} would never be reached: GET /users/{id} was added before it and matches "
                + "the same paths", same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Router.builder().any("/files/*", OK).get("/files/*", OK));
        assertThrows(IllegalArgumentException.class, () -> Router.builder().post("/a/", OK).post("/a", OK));
    }

    @Test
    void givesAnyTheMethodsNotRoutedBefore() throws Exception {
        Handler other = (request, response) -> response.send("other\n");
        Router router = Router.builder().get("/api/*", OK).any("/api/*", other).build();
        assertEquals(OK, router.resolve(Method.GET, RequestTarget.parse("/api/x")).handler());
        assertEquals(other, router.resolve(Method.POST, RequestTarget.parse("/api/x")).handler());
    }

    @Test
    void takesRoutesThatDifferInMethodOrPaths() {
        assertDoesNotThrow(() -> Router.builder()
                .get("/users/{id}", OK).put("/users/{id}", OK).route(Method.HEAD, "/users/{id}", OK)
                .get("/users/me", OK).get("/users/{id}/*", OK).get("/users", OK).get("/*", OK).build());
    }
}
