/**
 * Test support for Wisp's tests, never a runtime dependency: a raw loopback socket peer that reads HTTP/1.1
 * responses with a parser of its own, and helpers to find and run real peer programs such as curl.
 */
module dev.wisp.testing {
    requires transitive dev.wisp.core;
    requires org.junit.jupiter.api;

    exports dev.wisp.testing;
}
