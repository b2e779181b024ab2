#!/usr/bin/env bash
# Build the Linux bundle of Describe from a checkout (make bundle):
#   1. dist/describe/                        PyInstaller one-folder build (the app + torch CPU)
#   2. dist/Describe-VERSION-ARCH.tar.gz     the same laid out AppImage-style (an AppDir:
#                                            AppRun, .desktop, metainfo, icons, usr/lib/describe)
#   3. runs the bundled app's --self-test headless, and a tiny random-weight model through
#      the bundled describe command (checks that torch and transformers work in the bundle)
#   4. prints the bundle size and the build time
# Environment:
#   DESCRIBE_BUNDLE_MODEL=/path/to/model/folder   also bundle a model, for offline installs
#   DESCRIBE_BUNDLE_MODEL_NAME=NAME               the registry name it stands for
#                                                 (default SmolVLM-256M-Instruct)
#   PYINSTALLER_SPEC                              default "pyinstaller>=6.10,<7"
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

[ -x .venv/bin/python ] || scripts/setup.sh
py=.venv/bin/python
# PyInstaller is a build tool, installed into the venv on demand (not a dependency).
$py -c "import PyInstaller" >/dev/null 2>&1 || $py -m pip install -q "${PYINSTALLER_SPEC:-pyinstaller>=6.10,<7}"

version=$($py -c "import describe_app; print(describe_app.__version__)")
arch=$(uname -m)
app_id=io.github.describe_app.Describe
appdir=dist/Describe.AppDir
tarball=dist/Describe-$version-$arch.tar.gz

echo "== Building Describe $version with PyInstaller"
rm -rf build/pyinstaller dist/describe "$appdir" "$tarball"
$py -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/pyinstaller/describe.spec

echo "== Laying out $appdir"
mkdir -p "$appdir/usr/lib" "$appdir/usr/bin" "$appdir/usr/share/applications" \
    "$appdir/usr/share/metainfo" "$appdir/usr/share/icons/hicolor/scalable/apps"
cp -a dist/describe "$appdir/usr/lib/describe"
ln -s ../lib/describe/describe-app "$appdir/usr/bin/describe-app"
cp packaging/linux/describe.desktop "$appdir/usr/share/applications/$app_id.desktop"
cp packaging/linux/$app_id.metainfo.xml "$appdir/usr/share/metainfo/"
for png in resources/icons/describe-*.png; do
    size=$(basename "$png" .png | sed 's/describe-//')
    mkdir -p "$appdir/usr/share/icons/hicolor/${size}x${size}/apps"
    cp "$png" "$appdir/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
cp resources/icons/describe.svg "$appdir/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
ln -s usr/share/applications/$app_id.desktop "$appdir/$app_id.desktop"
cp resources/icons/describe-256.png "$appdir/$app_id.png"
ln -s $app_id.png "$appdir/.DirIcon"
cp dist/describe/THIRD_PARTY_LICENSES.txt "$appdir/"
cat > "$appdir/AppRun" <<'EOF'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/lib/describe/describe-app" "$@"
EOF
chmod +x "$appdir/AppRun"
tar -C dist -czf "$tarball" "$(basename "$appdir")"

echo "== Self-test of the bundle (headless)"
QT_QPA_PLATFORM=offscreen "$appdir/AppRun" --self-test

echo "== A tiny random-weight model through the bundled describe command"
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
$py -c "from describe_app.devtools.random_smolvlm import build_model; build_model('$smoke/tiny')" 2>/dev/null
QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 "$appdir/AppRun" describe resources/samples/coffee.jpg \
    --model "$smoke/tiny" --no-download --max-tokens 6 --describe-anyway >"$smoke/out.txt"
echo "describe with a tiny model: OK (the bundled torch and transformers ran it)"

end=$(date +%s)
echo "== Done"
echo "bundle:  dist/describe/ $(du -sh dist/describe | cut -f1)"
echo "tarball: $tarball $(du -sh "$tarball" | cut -f1)"
echo "build time: $((end - start)) s"
