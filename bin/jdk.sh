# Sourced by the scripts in bin/: exports JAVA_HOME as a JDK 21 or newer (Wisp's minimum), keeping a
# suitable JAVA_HOME that is already set.
is_jdk21() {
    [ -x "$1/bin/javac" ] && "$1/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'
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
