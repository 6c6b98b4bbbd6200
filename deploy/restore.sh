#!/usr/bin/env bash
# Restores a dump made by deploy/backup.sh (pg_dump --format=custom) into a NEW database and
# brings its schema up to this release's migrations.
#
#   deploy/restore.sh DUMP postgres://USER@HOST:5432/NEW_DATABASE
#
# The database must not exist yet: an existing one is never overwritten. The script creates
# it (connecting to the server's "postgres" database, so the user needs CREATEDB), restores
# the dump in one transaction (any error leaves nothing half-restored), runs
# `manage.py migrate` (a dump from an older release gets the newer schema) and
# `manage.py check`, then prints what the database holds. Point DATABASE_URL at it and
# restart the web processes and workers (docs/deployment.md, "Restore").
set -euo pipefail

dump=${1:?usage: deploy/restore.sh DUMP postgres://USER@HOST:PORT/NEW_DATABASE}
url=${2:?usage: deploy/restore.sh DUMP postgres://USER@HOST:PORT/NEW_DATABASE}
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}

[[ -r "$dump" ]] || { echo "restore: cannot read $dump" >&2; exit 1; }
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "restore: the target must be a postgres:// URL, not $url" >&2; exit 1 ;;
esac
rest=${url#*://}
[[ "$rest" == */* ]] || { echo "restore: the URL names no database: $url" >&2; exit 1; }
name=${rest#*/}
name=${name%%\?*}
[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "restore: unusable database name '$name'" >&2; exit 1; }
server="${url%%://*}://${rest%%/*}/postgres"

exists=$(psql "$server" -XAtq -v ON_ERROR_STOP=1 -c "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [[ "$exists" == 1 ]]; then
  echo "restore: database $name exists already; restore into a new one (nothing was changed)" >&2
  exit 1
fi

echo "== creating database $name"
psql "$server" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$name\""
echo "== restoring $dump"
if ! pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$url" "$dump"; then
  echo "restore: pg_restore failed; the new database $name is empty (drop it: DROP DATABASE \"$name\")" >&2
  exit 1
fi
echo "== migrations of this release"
(cd "$here" && DATABASE_URL="$url" "$python" manage.py migrate --noinput)
(cd "$here" && DATABASE_URL="$url" "$python" manage.py check --database default)
echo "== restored"
psql "$url" -XAtq -v ON_ERROR_STOP=1 -F ' ' -c "
  SELECT 'accounts', count(*) FROM accounts_person
  UNION ALL SELECT 'events', count(*) FROM events_event
  UNION ALL SELECT 'participations', count(*) FROM registrations_participation
  UNION ALL SELECT 'course documents', count(*) FROM documents_coursedocument
  UNION ALL SELECT 'certificates', count(*) FROM documents_certificate"
echo "Next: point DATABASE_URL in /etc/kundenportal/environment at $name, restore the bucket, restart."
