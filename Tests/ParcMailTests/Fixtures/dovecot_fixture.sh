#!/usr/bin/env bash
# usage: dovecot_fixture.sh DIR LOGIN PASSWORD
#
# Runs a throwaway Dovecot IMAP server (Debian's dovecot-imapd) on 127.0.0.1 in DIR, in the foreground, until it is
# sent SIGTERM: one passwd-file user LOGIN with PASSWORD and a Maildir at DIR/home/LOGIN/Maildir, plain IMAP (with
# STARTTLS) on one random port and implicit TLS on another, with a self-signed certificate for localhost and
# 127.0.0.1 (DIR/cert.pem, also the test CA). When it listens, DIR/ready holds "PLAIN_PORT TLS_PORT".
# Started by root, Dovecot runs as the unprivileged "dovecot" user (it refuses mail access as root); otherwise as
# the calling user. Nothing outside DIR is touched.
set -euo pipefail
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
/usr/sbin/dovecot -F -c "$dir/dovecot.conf" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT
for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$plain_port") 2>/dev/null; then
        echo "$plain_port $tls_port" > "$dir/ready.tmp" && mv "$dir/ready.tmp" "$dir/ready"
        break
    fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/dovecot.log" >&2; exit 1; }
    sleep 0.1
done
wait "$pid"
