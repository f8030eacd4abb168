#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the uploaded documents (MEDIA_ROOT) into one folder.
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/licensing/media scripts/backup.sh /backups/2026-11-23
set -euo pipefail
target=${1:?usage: backup.sh TARGET_DIR}
: "${DATABASE_URL:?set DATABASE_URL}"
media=${MEDIA_ROOT:-$(dirname "$0")/../media}
mkdir -p "$target"
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$target/database.dump"
if [ -d "$media" ]; then tar -C "$media" -czf "$target/media.tar.gz" .; else tar -czf "$target/media.tar.gz" -T /dev/null; fi
(cd "$target" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "backup written to $target"
