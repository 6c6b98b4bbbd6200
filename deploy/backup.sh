#!/usr/bin/env bash
# Backs up the Kundenportal's database: one pg_dump in PostgreSQL's custom format (compressed,
# restorable table by table), named with the time, into the given folder.
#
#   deploy/backup.sh /var/backups/kundenportal        # reads DATABASE_URL from the environment
#
# The files (course documents, certificates) live in the bucket; back it up beside this (see
# docs/deployment.md, "Backups"). Restore with deploy/restore.sh.
set -euo pipefail

target=${1:?usage: deploy/backup.sh FOLDER   (with DATABASE_URL set)}
: "${DATABASE_URL:?DATABASE_URL is not set (e.g. set -a; . /etc/kundenportal/environment; set +a)}"

mkdir -p "$target"
file="$target/kundenportal-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Written under a temporary name first: a dump that broke off never looks complete.
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"
echo "$file"
