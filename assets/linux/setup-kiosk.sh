#!/bin/sh
# Sets up a Debian 12 machine as a Civic Kiosk, run as root from the
# unpacked release archive (see kiosk-setup.md beside it): installs the X
# packages the app needs, the app (with the archive's Makefile) and
# kioskctl, and a user "kiosk" logged in automatically on tty1 whose X
# session runs the kiosk full screen as a systemd user service that
# restarts it. Running it again (after an update) only replaces files.
set -eu
cd "$(dirname "$0")"
if [ "$(id -u)" != 0 ]; then
	echo "run as root: sudo $0" >&2
	exit 1
fi
apt-get install -y --no-install-recommends make xserver-xorg xinit x11-xserver-utils x11-xkb-utils xterm \
	libgl1 libgl1-mesa-dri libx11-6 libxrandr2 libxcursor1 libxinerama1 libxi6 libxxf86vm1 \
	fonts-noto-cjk
make install
install -m 0755 usr/local/bin/kioskctl /usr/local/bin/kioskctl

id kiosk >/dev/null 2>&1 || useradd --create-home --shell /bin/bash --groups video,input,audio kiosk
home=$(getent passwd kiosk | cut -d: -f6)
install -D -m 0644 session/civic-kiosk.service /etc/systemd/user/civic-kiosk.service
install -D -m 0644 session/autologin.conf /etc/systemd/system/getty@tty1.service.d/autologin.conf
install -m 0644 -o kiosk -g kiosk session/bash_profile "$home/.bash_profile"
install -m 0755 -o kiosk -g kiosk session/xinitrc "$home/.xinitrc"
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload
fi
echo "Set up. Now set a staff PIN, then reboot:"
echo "  su - kiosk -c 'kioskctl set-pin --staff NAME --pin-stdin'"
