#!/bin/sh
# Builds the etcdj runtime image in $1 (lib/ already holds the module jars): a jlink runtime of the
# JDK modules etcdj needs, the launch scripts from $2, and an empty plugins/ folder.
set -eu
image="$1"
scripts="$2"
natives="$3"

# The JDK to link from: JAVA_HOME if it is 21 or newer, else the newest JDK 21+ in /usr/lib/jvm.
jdk=""
feature() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jlink" ] && [ "$(feature "$JAVA_HOME")" -ge 21 ]; then
  jdk="$JAVA_HOME"
else
  best=0
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/jlink" ] || continue
    v=$(feature "$d")
    case "$v" in ''|*[!0-9]*) continue ;; esac
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best" ]; then best=$v; jdk=$d; fi
  done
fi
[ -n "$jdk" ] || { echo "build-image: no JDK 21+ with jlink found (set JAVA_HOME)" >&2; exit 1; }

rm -rf "$image/runtime"
"$jdk/bin/jlink" \
  --add-modules java.base,java.compiler,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.jfr,jdk.management,jdk.management.jfr,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --output "$image/runtime"

# LMDB's library, for -Dlmdbjava.native.lib. TODO(image size): rocksdbjni's jar carries natives for
# every platform (about 70 MB more than this platform needs); strip it and use java.library.path.
mkdir -p "$image/plugins" "$image/bin" "$image/lib/native"
cp "$natives/org/lmdbjava/native/x86_64-linux-gnu.so" "$image/lib/native/liblmdb.so"
cp "$scripts"/* "$image/bin/"
chmod +x "$image/bin/"*
echo "build-image: $image (runtime from $jdk)"
