#!/usr/bin/env bash
# usage: dovecot_fixture.sh DIR LOGIN PASSWORD
#        dovecot_fixture.sh --stop DIR
#
# Runs a throwaway Dovecot IMAP server (Debian's dovecot-imapd) on 127.0.0.1 in DIR, in the foreground (this
# process becomes Dovecot's master): one passwd-file user LOGIN with PASSWORD and a Maildir at
# DIR/home/LOGIN/Maildir, plain IMAP (with STARTTLS) on one random port and implicit TLS on another, with a
# self-signed certificate for localhost and 127.0.0.1 (DIR/cert.pem, also the test CA). When it listens, DIR/ready
# holds "PLAIN_PORT TLS_PORT". Started by root, Dovecot runs as the unprivileged "dovecot" user (it refuses mail
# access as root); otherwise as the calling user. Nothing outside DIR is touched.
#
# --stop kills that Dovecot at once, its client sessions included (SIGKILL: a server that goes away), so a test can
# both stop it for good and see the connections drop.
set -euo pipefail
if [ "${1:-}" = "--stop" ]; then
    master=$(cat "$2/run/master.pid" 2>/dev/null || true)
    if [ -n "$master" ] && kill -0 "$master" 2>/dev/null; then
        # shellcheck disable=SC2046
        kill -KILL "$master" $(pgrep -P "$master") 2>/dev/null || true
    fi
    exit 0
fi
dir=$1 login=$2 password=$3
[ -x /usr/sbin/dovecot ] || { echo "dovecot-imapd is not installed: apt-get install -y dovecot-imapd" >&2; exit 69; }
mkdir -p "$dir/run" "$dir/state" "$dir/home/$login/Maildir"/{cur,new,tmp}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
plain_port=$(free_port)
tls_port=$(free_port)
while [ "$tls_port" = "$plain_port" ]; do tls_port=$(free_port); done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$dir/key.pem" \
    -out "$dir/cert.pem" -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
printf '%s:{PLAIN}%s\n' "$login" "$password" > "$dir/passwd"
if [ "$(id -u)" = 0 ]; then
    user=dovecot
    chown -R "$user:" "$dir"
else
    user=$(id -un)
fi
uid=$(id -u "$user") gid=$(id -g "$user")
cat > "$dir/dovecot.conf" <<CONF
base_dir = $dir/run
state_dir = $dir/state
instance_name = parc-test-$plain_port
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $user
default_internal_group = $(id -gn "$user")
default_login_user = $user
first_valid_uid = $uid
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$dir/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $plain_port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $tls_port
    ssl = yes
  }
}
service imap {
  chroot =
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
CONF
if [ "$(id -u)" = 0 ]; then chown "$user:" "$dir/dovecot.conf" "$dir/passwd"; fi
# Readiness, from a detached process (setsid -f), so that Dovecot never sees it as an unknown child.
setsid -f bash -c '
    for _ in $(seq 1 1200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$3") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then
            echo "$2 $3" > "$1/ready.tmp" && mv "$1/ready.tmp" "$1/ready"
            exit 0
        fi
        sleep 0.1
    done' _ "$dir" "$plain_port" "$tls_port" >/dev/null 2>&1
# A test runner may start this with SIGTERM blocked (the mask is inherited through exec): unblock it, so that
# Dovecot stops on SIGTERM like a service.
exec /usr/bin/python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, [])
signal.signal(signal.SIGTERM, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' /usr/sbin/dovecot -F -c "$dir/dovecot.conf"
