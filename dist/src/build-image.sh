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

mkdir -p "$image/plugins" "$image/bin" "$image/lib/native"
case "$(uname -m)" in
  x86_64) rocks_so=librocksdbjni-linux64.so; lmdb_so=x86_64-linux-gnu.so ;;
  *) echo "build-image: $(uname -m) is not supported yet (natives are picked for x86_64 Linux)" >&2; exit 1 ;;
esac

# LMDB's library, named by -Dlmdbjava.native.lib in bin/etcd.
cp "$natives/org/lmdbjava/native/$lmdb_so" "$image/lib/native/liblmdb.so"

# rocksdbjni's jar carries natives for every platform (240 MB unpacked). Keep this platform's in
# lib/native, where RocksDB finds it on java.library.path (no extraction to /tmp at each start), and
# repack the jar without any. The file name, and so the automatic module name, stays the same.
for jar in "$image"/lib/rocksdbjni-*.jar; do
  [ -f "$jar" ] || continue
  work=$(mktemp -d)
  (cd "$work" && "$jdk/bin/jar" xf "$jar")
  if [ ! -f "$work/$rocks_so" ]; then
    # Already repacked by an earlier build (copy-dependencies keeps a newer file).
    [ -f "$image/lib/native/$rocks_so" ] || { echo "build-image: $rocks_so is in neither $jar nor lib/native" >&2; exit 1; }
    rm -rf "$work"
    continue
  fi
  cp "$work/$rocks_so" "$image/lib/native/$rocks_so"
  rm -f "$work"/librocksdbjni-*
  "$jdk/bin/jar" --create --file "$jar.tmp" --manifest "$work/META-INF/MANIFEST.MF" -C "$work" org
  mv "$jar.tmp" "$jar"
  rm -rf "$work"
done
cp "$scripts"/* "$image/bin/"
chmod +x "$image/bin/"*
echo "build-image: $image (runtime from $jdk)"
