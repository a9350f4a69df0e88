#!/bin/sh
# Builds the Linux release archive of Civic Kiosk,
# OUTDIR/civic-kiosk-VERSION-linux-ARCH.tar.xz (OUTDIR: $1, default out):
# the app as `fyne package -os linux` packages it from FyneApp.toml (the
# binary, its .desktop file, icon and Makefile), kioskctl, the kiosk
# session files of this folder with setup-kiosk.sh, and
# docs/kiosk-setup.md. Needs the fyne tool
# (go install fyne.io/tools/cmd/fyne@v1.7.4) and what scripts/deps installs
# for building the kiosk.
set -eu
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-out}")
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
name=$(sed -n 's/^ *Name *= *"\(.*\)"/\1/p' FyneApp.toml)
arch=$(go env GOARCH)
stage=$(mktemp -d)
trap 'rm -rf "$stage" cmd/kiosk/FyneApp.toml "cmd/kiosk/$name.tar.xz"' EXIT

go build -ldflags "-s -w" -o "$stage/kiosk" ./cmd/kiosk
go build -ldflags "-s -w" -o "$stage/kioskctl" ./cmd/kioskctl
# fyne reads FyneApp.toml from the folder it packages, and counts the
# build up in it: give it a copy.
cp FyneApp.toml cmd/kiosk/
(cd cmd/kiosk && fyne package -os linux --exe "$stage/kiosk" --icon ../../assets/icon.png)
tar -xJf "cmd/kiosk/$name.tar.xz" -C "$stage"

root="$stage/kiosk"
install -m 0755 "$stage/kioskctl" "$root/usr/local/bin/kioskctl"
mkdir -p "$root/session"
cp assets/linux/civic-kiosk.service assets/linux/xinitrc assets/linux/bash_profile \
	assets/linux/autologin.conf "$root/session/"
install -m 0755 assets/linux/setup-kiosk.sh "$root/setup-kiosk.sh"
cp docs/kiosk-setup.md "$root/"
mv "$root" "$stage/civic-kiosk-$version"
mkdir -p "$out"
tar -cJf "$out/civic-kiosk-$version-linux-$arch.tar.xz" -C "$stage" "civic-kiosk-$version"
echo "$out/civic-kiosk-$version-linux-$arch.tar.xz"
