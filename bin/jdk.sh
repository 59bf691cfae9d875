# Sourced by the scripts in bin/: exports JAVA_HOME as a JDK 21 or newer (Wisp's minimum), keeping a
# suitable JAVA_HOME that is already set.
# The JDK's release file names its version without starting a JVM (a tenth of a second); java -version otherwise.
is_jdk21() {
    [ -x "$1/bin/javac" ] || return 1
    if grep -q '^JAVA_VERSION=' "$1/release" 2>/dev/null; then
        grep -qE '^JAVA_VERSION="(2[1-9]|[3-9][0-9])' "$1/release"
    else
        "$1/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'
    fi
}
if [ -z "${JAVA_HOME:-}" ] || ! is_jdk21 "$JAVA_HOME"; then
    JAVA_HOME=
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
            /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64 /usr/lib/jvm/*; do
        if is_jdk21 "$candidate"; then
            JAVA_HOME="$candidate"
            break
        fi
    done
    if [ -z "$JAVA_HOME" ]; then
        echo "Wisp needs a JDK 21 or newer: set JAVA_HOME to one" >&2
        exit 1
    fi
fi
export JAVA_HOME
