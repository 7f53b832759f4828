#!/bin/sh
# Sets the class-file major version of a compiled module-info.class to 61 (Java 17), so that the
# jar tool of a Java 17 Maven can read it. See the root pom for why. No-op when the file is absent.
set -eu
f="$1"
[ -f "$f" ] || exit 0
major=$(od -An -tu1 -j6 -N2 "$f" | awk '{print $1*256+$2}')
if [ "$major" -gt 61 ]; then
  printf '\000\075' | dd of="$f" bs=1 seek=6 count=2 conv=notrunc 2>/dev/null
fi
