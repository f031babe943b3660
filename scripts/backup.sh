#!/usr/bin/env bash
# Back up kefu: the database as a pg_dump custom-format archive with a date-stamped name, checked by
# reading its table of contents back, plus the uploaded documents (MEDIA_ROOT) as a tarball.
#
# Usage: scripts/backup.sh [DATABASE_URL] [DIRECTORY]
#   DATABASE_URL  default $DATABASE_URL (postgres://user@host:5432/kefu)
#   DIRECTORY     default $KEFU_BACKUP_DIR, else var/backups
# Environment: KEFU_BACKUP_KEEP_DAYS (14; 0 keeps everything), KEFU_BACKUP_MEDIA (true), MEDIA_ROOT and
# KEFU_VAR_DIR as in kefu/settings.py. Prints the archive's path on the last line. docs/DEPLOY.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
url=${1:-${DATABASE_URL:-}}
dir=${2:-${KEFU_BACKUP_DIR:-$repo/var/backups}}
keep_days=${KEFU_BACKUP_KEEP_DAYS:-14}
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "usage: scripts/backup.sh postgres://user@host:5432/kefu [DIRECTORY]" >&2; exit 2 ;;
esac

# The archive holds resident ID numbers and phone numbers: readable by the backup's owner only.
umask 077
mkdir -p "$dir"
name=${url##*/}
name=${name%%\?*}
# Named in the center's time, as the application's TIME_ZONE, whatever the server's clock zone is.
stamp=$(TZ=Asia/Shanghai date +%Y%m%d-%H%M%S)
file="$dir/kefu-$name-$stamp.dump"
if [ -e "$file" ]; then
  echo "$file already exists" >&2
  exit 1
fi

# Written under a temporary name and renamed only once complete and readable, so that a dump cut
# short (disk full, connection lost) is never mistaken for a backup.
pg_dump --format=custom --no-password --dbname="$url" --file="$file.partial"
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"
(cd "$dir" && sha256sum "$(basename "$file")" >"$(basename "$file").sha256")
tables=$(pg_restore --list "$file" | awk '$4 == "TABLE" && $5 != "DATA"' | wc -l)
echo "database $name: $tables tables, $(du -h "$file" | cut -f1) → $file" >&2

# Documents after the database: nothing is ever deleted, so every file the dump refers to is in a
# tarball taken after it (a few newer files too, which do no harm).
media_root=${MEDIA_ROOT:-${KEFU_VAR_DIR:-$repo/var}/media}
if [ "${KEFU_BACKUP_MEDIA:-true}" = "true" ] && [ -d "$media_root" ]; then
  media="$dir/kefu-media-$stamp.tar.gz"
  tar -czf "$media.partial" -C "$media_root" .
  mv "$media.partial" "$media"
  echo "documents: $(du -h "$media" | cut -f1) → $media" >&2
fi

if [ "$keep_days" -gt 0 ]; then
  find "$dir" -maxdepth 1 -type f \( -name 'kefu-*.dump' -o -name 'kefu-*.dump.sha256' \
    -o -name 'kefu-media-*.tar.gz' \) -mtime +"$keep_days" -delete
fi
echo "$file"
