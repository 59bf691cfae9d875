/**
 * Test support for Wisp's tests, never a runtime dependency: a raw loopback socket peer that reads HTTP/1.1
 * responses with a parser of its own, helpers to find and run real peer programs such as curl and openssl, and
 * certificates made at test time with BouncyCastle.
 */
module dev.wisp.testing {
    requires transitive dev.wisp.core;
    requires transitive java.logging;
    requires org.junit.jupiter.api;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.util;

    exports dev.wisp.testing;
}
