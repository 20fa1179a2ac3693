#!/usr/bin/env bash
# Starts the real `graft` under Xvfb, walks it through the demo fine-tune
# (open the demo, look at each page, start training, wait) and saves one PNG
# per page into docs/screenshots/. Needs the Debian packages xvfb, xauth,
# xdotool and imagemagick (for `import`), listed in packaging/debian-packages.txt.
#
#   packaging/screenshots/take_screenshots.sh [GRAFT_EXECUTABLE] [OUTPUT_DIR]
#
# Environment: GRAFT_SCREENSHOT_SIZE (default 1280x800), GRAFT_TRAIN_SECONDS
# (how long training runs before the Training and Results shots, default 60),
# GRAFT_OPEN (a model file to open instead of --demo, for builds without a demo),
# GRAFT_DATASET (a dataset folder to open through File → Open Dataset Folder).
set -euo pipefail

inside_xvfb=0
if [ "${1:-}" = "--inside-xvfb" ]; then # the script runs itself again inside the Xvfb display
    inside_xvfb=1
    shift
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
graft="${1:-$source_dir/build/app/graft/graft}"
out="${2:-$source_dir/docs/screenshots}"
size="${GRAFT_SCREENSHOT_SIZE:-1280x800}"
train_seconds="${GRAFT_TRAIN_SECONDS:-60}"

for tool in xvfb-run xdotool import; do
    command -v "$tool" >/dev/null || { echo "take_screenshots.sh: '$tool' is missing (apt-get install xvfb xauth xdotool imagemagick)" >&2; exit 1; }
done
[ -x "$graft" ] || { echo "take_screenshots.sh: no graft executable at $graft (build the 'graft' target, or pass its path)" >&2; exit 1; }
mkdir -p "$out"


# Everything below runs inside one Xvfb display.
inner() {
    local graft="$1" out="$2" size="$3" train_seconds="$4"
    local width="${size%x*}" height="${size#*x}"
    # A fresh settings folder: no restored geometry, recent files or dialogs from earlier runs.
    config="$(mktemp -d)" # global: the EXIT trap runs after this function returns
    trap 'kill "$pid" 2>/dev/null || true; rm -rf "$config"' EXIT
    export XDG_CONFIG_HOME="$config" XDG_DATA_HOME="$config" QT_QPA_PLATFORM=xcb
    local log="$config/graft.log"
    if [ -n "${GRAFT_OPEN:-}" ]; then
        "$graft" "$GRAFT_OPEN" >"$log" 2>&1 &
    else
        "$graft" --demo >"$log" 2>&1 &
    fi
    pid=$!

    local wid=""
    for _ in $(seq 1 100); do
        wid="$(xdotool search --onlyvisible --name 'Graft' 2>/dev/null | head -n1 || true)"
        [ -n "$wid" ] && break
        kill -0 "$pid" 2>/dev/null || { echo "graft exited early:" >&2; cat "$log" >&2; return 1; }
        sleep 0.2
    done
    [ -n "$wid" ] || { echo "take_screenshots.sh: the Graft window did not appear" >&2; cat "$log" >&2; return 1; }
    xdotool windowmove "$wid" 0 0 windowsize "$wid" "$width" "$height"
    # Let the demo load its model and scan its dataset.
    sleep "${GRAFT_LOAD_SECONDS:-12}"
    if [ -n "${GRAFT_DATASET:-}" ]; then
        # File → Open Dataset Folder (Ctrl+Shift+O); Qt's own file dialog takes a typed path.
        xdotool windowfocus --sync "$wid" 2>/dev/null || true
        xdotool key --window "$wid" ctrl+shift+o
        sleep 2
        xdotool type --delay 40 "$GRAFT_DATASET"
        xdotool key Return
        sleep "${GRAFT_SCAN_SECONDS:-6}"
    fi

    shot() { # page shortcut number, file name
        xdotool windowfocus --sync "$wid" 2>/dev/null || true
        xdotool key --window "$wid" "ctrl+$1"
        sleep 1.5
        # The window fills the screen; the root window also catches dialogs and menus over it.
        import -window root "$out/$2.png"
        echo "wrote $out/$2.png"
    }
    shot 1 model
    shot 2 dataset
    shot 3 head
    if [ -z "${GRAFT_OPEN:-}" ] || [ -n "${GRAFT_DATASET:-}" ]; then
        xdotool windowfocus --sync "$wid" 2>/dev/null || true
        xdotool key --window "$wid" ctrl+Return # Training → Start
        sleep "$train_seconds"
    fi
    shot 4 training
    shot 5 results
}

if [ "$inside_xvfb" = 1 ]; then
    inner "$graft" "$out" "$size" "$train_seconds"
    exit
fi

xvfb-run -a -s "-screen 0 ${size}x24 -nolisten tcp" "$0" --inside-xvfb "$graft" "$out"

# Screenshots are committed: keep them small (palette PNG, no metadata).
for png in "$out"/*.png; do
    import_size=$(stat -c %s "$png")
    if [ "$import_size" -gt 300000 ]; then
        convert "$png" -strip -colors 256 PNG8:"$png.tmp" && mv "$png.tmp" "$png"
    fi
done
ls -l "$out"
