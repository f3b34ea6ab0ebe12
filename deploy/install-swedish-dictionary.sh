#!/bin/sh
# Install the Swedish Hunspell dictionary for PostgreSQL full-text search (Debian/Ubuntu).
#
# Run as root on the database server. Idempotent: running it again changes nothing.
#
#   deploy/install-swedish-dictionary.sh                 # files only
#   deploy/install-swedish-dictionary.sh DATABASE_URL    # files, then switch that database's
#                                                          styrning_sv configuration to them
#
# What it does:
#   1. installs Debian's hunspell-sv-se (the sv_SE Hunspell dictionary, LGPL-3),
#   2. converts it into PostgreSQL's ispell format: postgresql-common's pg_updatedicts writes
#      UTF-8 copies to /var/cache/postgresql/dicts/sv_se.{dict,affix} and links them into
#      $(pg_config --sharedir)/tsearch_data/ for every installed server version (the package's
#      dpkg trigger normally does this already; we run it again to be sure),
#      and falls back to copying the files by hand where pg_updatedicts is missing,
#   3. checks that each server's tsearch_data holds sv_se.dict and sv_se.affix,
#   4. with a DATABASE_URL: (re)creates the sv_hunspell dictionary and maps the styrning_sv
#      text search configuration to it (ispell first, the snowball stemmer as fallback),
#      then recomputes the stored search vectors. New databases get this from the migration
#      dokument/migrations/*_swedish_search.py; this step is for a database migrated before
#      the dictionary was installed.
set -eu

if [ "$(id -u)" -ne 0 ]; then
    echo "Kör skriptet som root (det installerar ett Debianpaket)." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! dpkg-query -W -f='${Status}' hunspell-sv-se 2>/dev/null | grep -q "ok installed"; then
    apt-get update -qq
    apt-get install -y -qq hunspell-sv-se
fi

AFF=/usr/share/hunspell/sv_SE.aff
DIC=/usr/share/hunspell/sv_SE.dic
if [ ! -f "$AFF" ] || [ ! -f "$DIC" ]; then
    echo "Hittar inte $AFF och $DIC efter installationen." >&2
    exit 1
fi

if command -v pg_updatedicts >/dev/null 2>&1; then
    pg_updatedicts >/dev/null
fi

# Every server version's tsearch_data directory (pg_config's first, then Debian's layout).
DIRS=""
if command -v pg_config >/dev/null 2>&1; then
    DIRS="$(pg_config --sharedir)/tsearch_data"
fi
for d in /usr/share/postgresql/*/tsearch_data; do
    [ -d "$d" ] || continue
    case " $DIRS " in *" $d "*) ;; *) DIRS="$DIRS $d" ;; esac
done
if [ -z "$DIRS" ]; then
    echo "Hittar ingen PostgreSQL-katalog tsearch_data (är PostgreSQL installerat?)." >&2
    exit 1
fi

for d in $DIRS; do
    [ -d "$d" ] || continue
    if [ ! -e "$d/sv_se.dict" ] || [ ! -e "$d/sv_se.affix" ]; then
        # No pg_updatedicts (or it skipped this directory): copy the files, as UTF-8.
        enc=$(sed -n 's/^SET \([A-Za-z0-9-]*\).*/\1/p' "$AFF" | head -n 1)
        iconv -f "${enc:-UTF-8}" -t UTF-8 -o "$d/sv_se.affix" "$AFF"
        iconv -f "${enc:-UTF-8}" -t UTF-8 -o "$d/sv_se.dict" "$DIC"
        chmod 644 "$d/sv_se.affix" "$d/sv_se.dict"
    fi
    echo "Svensk ordlista finns i $d (sv_se.dict, sv_se.affix)."
done

if [ "$#" -ge 1 ] && [ -n "$1" ]; then
    psql "$1" -v ON_ERROR_STOP=1 -q <<'SQL'
BEGIN;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'sv_hunspell') THEN
        CREATE TEXT SEARCH DICTIONARY sv_hunspell (
            TEMPLATE = ispell, DictFile = sv_se, AffFile = sv_se, StopWords = swedish
        );
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'styrning_sv') THEN
        CREATE TEXT SEARCH CONFIGURATION styrning_sv (COPY = pg_catalog.swedish);
    END IF;
END
$$;
ALTER TEXT SEARCH CONFIGURATION styrning_sv
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH sv_hunspell, swedish_stem;
COMMIT;
SQL
    # The stored search vectors were computed with the old mapping: an UPDATE recomputes the
    # generated column sokvektor (dokument/search.py) for every version.
    psql "$1" -v ON_ERROR_STOP=1 -q <<'SQL'
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_name = 'dokument_dokumentversion' AND column_name = 'sokvektor') THEN
        UPDATE dokument_dokumentversion SET titel = titel;
    END IF;
END
$$;
SQL
    echo "Sökkonfigurationen styrning_sv använder nu den svenska ordlistan."
fi
