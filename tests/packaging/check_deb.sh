#!/usr/bin/env bash
# Builds the .deb from the build tree with cpack, unpacks it into a
# scratch root and checks what a user would get: runnable binaries, declared
# dependencies that cover every linked library, valid desktop/AppStream/MIME
# files, the icon, complete man pages, the demo, and nothing that does not belong.
#
# check_deb.sh BUILD_DIR SOURCE_DIR SCRATCH_DIR CPACK VERSION GRAFT_CLI [GRAFT]
set -uo pipefail

build_dir=$1 source_dir=$2 scratch=$3 cpack=$4 version=$5 built_cli=$6 built_gui=${7:-}
app_id=io.github.graft.Graft
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }
fatal() { echo "FAIL: $*"; echo "packaging check aborted"; exit 1; }
need() { command -v "$1" >/dev/null || fatal "$1 not found (install the Debian package $2)"; }

need dpkg-deb dpkg
need dpkg-shlibdeps dpkg-dev
need desktop-file-validate desktop-file-utils
need update-mime-database shared-mime-info
need xmllint libxml2-utils
need groff groff-base

# ---- 1. cpack on the build tree ----------------------------------------------
rm -rf "$scratch"
mkdir -p "$scratch/out" "$scratch/root"
# cpack packages whatever the tree holds (with Ninja it builds nothing first), so
# make sure the packaged targets are current: after a normal `cmake --build` this
# is a no-op; a tree that does not build fails here instead of shipping stale files.
targets=(graft-cli graft-manpages)
[[ -n $built_gui ]] && targets+=(graft)
if ! "$(dirname "$cpack")/cmake" --build "$build_dir" --target "${targets[@]}" >"$scratch/build.log" 2>&1; then
  tail -n 40 "$scratch/build.log"
  fatal "the build tree does not build (${targets[*]}); the package would not match the sources"
fi
if ! "$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$scratch/out" \
      >"$scratch/cpack.log" 2>&1; then
  tail -n 60 "$scratch/cpack.log"
  fatal "cpack failed (log: $scratch/cpack.log)"
fi
mapfile -t debs < <(find "$scratch/out" -maxdepth 1 -name '*.deb')
[[ ${#debs[@]} -eq 1 ]] || fatal "expected one .deb in $scratch/out, found ${#debs[@]}"
deb=${debs[0]}
arch=$(dpkg --print-architecture)
[[ $(basename "$deb") == "graft_${version}_${arch}.deb" ]] \
  && pass "package $(basename "$deb") ($(du -h "$deb" | cut -f1))" \
  || fail "package file name $(basename "$deb") is not graft_${version}_${arch}.deb"

# ---- 2. Control fields -------------------------------------------------------
[[ $(dpkg-deb -f "$deb" Package) == graft ]] || fail "Package field is not graft"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "Version field is not $version"
[[ $(dpkg-deb -f "$deb" Architecture) == "$arch" ]] || fail "Architecture field is not $arch"
[[ -n $(dpkg-deb -f "$deb" Maintainer) ]] || fail "Maintainer field is empty"
[[ -n $(dpkg-deb -f "$deb" Description) ]] || fail "Description field is empty"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
[[ -n $depends ]] || fatal "Depends is empty"
declared=$(tr ',|' '\n\n' <<<"$depends" | sed -E 's/\(.*\)//; s/:any//; s/^ +| +$//g' | sort -u)

# ---- 3. Payload ----------------------------------------------------------------
dpkg -x "$deb" "$scratch/root" || fatal "dpkg -x failed"
root=$scratch/root
dpkg-deb -c "$deb" >"$scratch/contents.txt"

outside=$(awk '{print $6}' "$scratch/contents.txt" | grep -v -E '^\./(usr/?.*)?$' || true)
[[ -z $outside ]] && pass "everything installs under /usr" || fail "files outside /usr: $outside"
owners=$(awk '{print $2}' "$scratch/contents.txt" | sort -u)
[[ $owners == root/root ]] && pass "all files owned by root/root" || fail "file owners: $owners"
stray=$(cd "$root" && find . \( -path './usr/include*' -o -name '*.a' -o -name '*.o' -o -name 'tst_*' \
        -o -name 'CMakeLists.txt' -o -name '*.cmake' \) -print)
[[ -z $stray ]] && pass "no headers, static libraries or test programs" || fail "stray files: $stray"

programs=(graft-cli)
[[ -n $built_gui ]] && programs+=(graft)
for program in "${programs[@]}"; do
  bin=$root/usr/bin/$program
  if [[ ! -f $bin ]]; then fail "usr/bin/$program missing"; continue; fi
  [[ $(stat -c %a "$bin") == 755 ]] && pass "usr/bin/$program is mode 755" \
    || fail "usr/bin/$program has mode $(stat -c %a "$bin")"
  missing=$(ldd "$bin" | grep 'not found' || true)
  [[ -z $missing ]] && pass "$program resolves all its libraries" || fail "$program: $missing"
  # Every library the program loads must come from a declared dependency.
  checked=0 before=$failures
  while read -r lib; do
    checked=$((checked + 1))
    owner=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -n1 | cut -d: -f1)
    [[ -n $owner ]] || owner=$(dpkg -S "$lib" 2>/dev/null | head -n1 | cut -d: -f1)
    if [[ -z $owner ]]; then fail "$program links $lib, which no Debian package provides"; continue; fi
    grep -qx "$owner" <<<"$declared" || fail "$program links $lib from $owner, which Depends does not declare"
  done < <(objdump -p "$bin" | awk '/NEEDED/ {print $2}' | while read -r soname; do
             ldd "$bin" | awk -v s="$soname" '$1 == s {print $3}'; done)
  (( checked > 0 )) || fail "$program: no linked libraries found (objdump/ldd failed?)"
  (( failures == before )) && pass "Depends covers all $checked libraries $program links"
done
# The derived check above is the real one; these few are certain to be linked.
for pkg in libtorch1.13 libqt6core6 libhdf5-cpp-103-1; do
  grep -qx "$pkg" <<<"$declared" || fail "Depends lacks $pkg"
done
if [[ -n $built_gui ]]; then
  for pkg in libqt6widgets6 libqt6gui6; do
    grep -qx "$pkg" <<<"$declared" || fail "Depends lacks $pkg"
  done
fi

# The packaged (stripped) programs run from the extracted tree on system libraries.
cli=$root/usr/bin/graft-cli
if [[ -x $cli ]]; then
  help=$("$cli" --help 2>&1) && grep -q '^Usage: graft-cli' <<<"$help" \
    && pass "graft-cli --help runs" || fail "graft-cli --help: $help"
  ver=$("$cli" --version 2>&1)
  grep -q "$version" <<<"$ver" && pass "graft-cli --version says $version" || fail "graft-cli --version: $ver"
fi
if [[ -n $built_gui && -x $root/usr/bin/graft ]]; then
  help=$(QT_QPA_PLATFORM=offscreen timeout 60 "$root/usr/bin/graft" --help 2>&1) \
    && grep -q 'Usage: .*graft' <<<"$help" \
    && pass "graft --help runs" || fail "graft --help: $help"
fi

# ---- 4. Desktop entry, AppStream, icon, MIME ---------------------------------
desktop=$root/usr/share/applications/$app_id.desktop
if [[ -f $desktop ]]; then
  out=$(desktop-file-validate "$desktop" 2>&1) && pass "desktop file validates" \
    || fail "desktop-file-validate: $out"
  grep -q "^Icon=$app_id$" "$desktop" || fail "desktop file Icon is not $app_id"
  exec_bin=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
  [[ -x $root/usr/bin/$exec_bin ]] || fail "desktop Exec=$exec_bin is not an installed program"
else
  fail "usr/share/applications/$app_id.desktop missing"
fi

metainfo=$root/usr/share/metainfo/$app_id.metainfo.xml
if [[ -f $metainfo ]]; then
  xmllint --noout "$metainfo" || fail "metainfo is not well-formed XML"
  grep -q "<release version=\"$version\"" "$metainfo" || fail "metainfo has no release $version"
  grep -q '@[A-Z_]*@' "$metainfo" && fail "metainfo has unsubstituted @VARIABLES@"
  if command -v appstreamcli >/dev/null; then
    out=$(appstreamcli validate --no-net "$metainfo" 2>&1) && pass "metainfo validates (appstreamcli)" \
      || fail "appstreamcli validate: $out"
  else
    echo "note: appstreamcli not installed, AppStream validation not run"
  fi
else
  fail "usr/share/metainfo/$app_id.metainfo.xml missing"
fi

icon=$root/usr/share/icons/hicolor/scalable/apps/$app_id.svg
if [[ -f $icon ]]; then
  xmllint --noout "$icon" && grep -q '<svg' "$icon" && pass "SVG icon present and well-formed" \
    || fail "icon is not well-formed SVG"
else
  fail "usr/share/icons/hicolor/scalable/apps/$app_id.svg missing"
fi

mime=$root/usr/share/mime/packages/$app_id.xml
if [[ -f $mime ]]; then
  xmllint --noout "$mime" || fail "MIME package is not well-formed XML"
  # Compile it together with the system database, as the shared-mime-info trigger would.
  mimedb=$scratch/mime
  mkdir -p "$mimedb/packages"
  cp "$mime" "$mimedb/packages/"
  [[ -f /usr/share/mime/packages/freedesktop.org.xml ]] && cp /usr/share/mime/packages/freedesktop.org.xml "$mimedb/packages/"
  # With the scratch folder on XDG_DATA_DIRS it prints nothing unless the XML is wrong.
  if out=$(XDG_DATA_DIRS="$scratch:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" update-mime-database "$mimedb" 2>&1) && [[ -z $out ]]; then
    pass "MIME package compiles with update-mime-database"
  else
    fail "update-mime-database: $out"
  fi
  grep -q ':application/x-keras:\*\.keras$' "$mimedb/globs2" || fail "*.keras is not application/x-keras"
  grep -q ':application/x-keras-weights:\*\.weights\.h5$' "$mimedb/globs2" || fail "*.weights.h5 is not application/x-keras-weights"
  grep -q '^application/x-keras application/zip$' "$mimedb/subclasses" || fail "application/x-keras is not a zip subclass"
  grep -q '^application/x-hdf5 application/x-hdf$' "$mimedb/aliases" || fail "application/x-hdf5 is not an alias of application/x-hdf"
  # Content sniffing through GLib, if present: a Keras 3 archive without its extension.
  if command -v gio >/dev/null && [[ -f /usr/share/mime/packages/freedesktop.org.xml ]]; then
    sample=$scratch/sample-model
    (cd "$scratch" && printf '{}' >metadata.json && rm -f sample.zip \
       && "$(dirname "$cpack")/cmake" -E tar cf sample.zip --format=zip metadata.json && mv sample.zip "$sample")
    type=$(XDG_DATA_HOME=$scratch/nohome XDG_DATA_DIRS=$scratch gio info -a standard::content-type "$sample" 2>/dev/null \
           | sed -n 's/.*standard::content-type: //p')
    [[ $type == application/x-keras ]] && pass "a Keras 3 archive is sniffed as application/x-keras" \
      || fail "a Keras 3 archive without extension is sniffed as '$type'"
  fi
  for type in application/x-keras application/x-keras-weights; do
    grep -q "$type;" "$desktop" 2>/dev/null || fail "desktop file MimeType lacks $type"
  done
else
  fail "usr/share/mime/packages/$app_id.xml missing"
fi

# ---- 5. Man pages --------------------------------------------------------------
for program in "${programs[@]}"; do
  page=$root/usr/share/man/man1/$program.1.gz
  if [[ ! -f $page ]]; then fail "usr/share/man/man1/$program.1.gz missing"; continue; fi
  warnings=$(zcat "$page" | groff -man -Tutf8 -ww -z 2>&1)
  [[ -z $warnings ]] && pass "$program(1) formats without groff warnings" || fail "$program(1): $warnings"
  zgrep -q 'HELP UNAVAILABLE' "$page" && fail "$program(1) has a failed --help in it"
  zgrep -q '^\.SH OPTIONS\|^\.SH COMMANDS' "$page" || fail "$program(1) has no OPTIONS or COMMANDS section"
  zgrep -q -- '--help\|\\-\\-help' "$page" || fail "$program(1) does not document --help"
done
# Every subcommand graft-cli lists has its own section in graft-cli(1).
if [[ -x $cli && -f $root/usr/share/man/man1/graft-cli.1.gz ]]; then
  commands=$("$cli" --help | awk '/^Commands:/ {on=1; next} on && /^  [A-Za-z]/ {print $1} on && !/^  / {on=0}')
  [[ -n $commands ]] || fail "graft-cli --help lists no commands"
  for command in $commands; do
    zgrep -q "^\.SS \"graft\\\\-cli $command\"" "$root/usr/share/man/man1/graft-cli.1.gz" \
      && pass "graft-cli(1) documents '$command'" || fail "graft-cli(1) has no section for '$command'"
  done
fi

# ---- 6. Demo -------------------------------------------------------------------
if [[ -d $source_dir/resources/demo ]]; then
  want=$(cd "$source_dir/resources/demo" && find . -type f | sort)
  have=$(cd "$root/usr/share/graft/demo" 2>/dev/null && find . -type f | sort)
  [[ -n $want && $want == "$have" ]] && pass "demo installed ($(wc -l <<<"$want") files)" \
    || fail "usr/share/graft/demo does not match resources/demo"
else
  echo "note: resources/demo does not exist yet, so the package carries no demo"
fi

if (( failures )); then
  echo "$failures packaging check(s) failed"
  exit 1
fi
echo "all packaging checks passed"
