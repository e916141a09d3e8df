#!/bin/bash
# A wapiti scan of the tracker on loopback, against a throwaway database (docs/security.md).
#   scripts/with-postgres.sh scripts/scan/run.sh staff   # signed in as a superuser, PostgreSQL
#   scripts/scan/run.sh anon                               # anonymous, SQLite file under $SCAN_DIR
#   SCAN_START="/admin/programs/outcome/import-survey/" scripts/scan/run.sh staff
#                                        # staff, starting (also) at these pages: a new page first
# Needs Debian's wapiti (apt-get install wapiti). Never point it at a shared database: it
# submits every form it finds. Writes $SCAN_DIR (default /tmp/tracker-scan): the JSON report,
# wapiti's and the server's logs, and the row counts before and after.
set -u
MODE=${1:-anon}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export SCAN_DIR=${SCAN_DIR:-/tmp/tracker-scan}
PORT=${SCAN_PORT:-8651}
mkdir -p "$SCAN_DIR"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
export DATABASE_URL=${DATABASE_URL:-sqlite:///$SCAN_DIR/db.sqlite3}
export DJANGO_DEBUG=1
command -v wapiti > /dev/null || { echo "scan: wapiti is not installed (apt-get install wapiti)"; exit 2; }
$PY manage.py migrate -v0 && $PY manage.py seed_demo > /dev/null || exit 1
counts() { $PY manage.py shell -c "$(cat "$ROOT/scripts/scan/counts.py")" 2> /dev/null | tail -1; }
echo "before: $(counts)"
ARGS=(-u "http://127.0.0.1:$PORT/" --scope folder -x "http://127.0.0.1:$PORT/static/*")
if [ "$MODE" = staff ]; then
  $PY manage.py shell -c "$(cat "$ROOT/scripts/scan/session.py")" 2> /dev/null | tail -1
  ARGS+=(-s "http://127.0.0.1:$PORT/admin/" -c "$SCAN_DIR/cookies.json"
    -x "http://127.0.0.1:$PORT/accounts/logout/*" -x "http://127.0.0.1:$PORT/admin/logout/*"
    -x "http://127.0.0.1:$PORT/admin/password_change/*" -x "http://127.0.0.1:$PORT/admin/auth/user/*"
    -x "http://127.0.0.1:$PORT/accounts/password*"
    -m sql,xss,permanentxss,exec,file,crlf,redirect,csrf
    -d 3 --max-links-per-page 30 --max-files-per-dir 40 --max-scan-time "${SCAN_TIME:-360}"
    --max-attack-time 100)
  for start in ${SCAN_START:-}; do ARGS+=(-s "http://127.0.0.1:$PORT$start"); done
else
  ARGS+=(-m blindsql,crlf,exec,file,permanentxss,redirect,sql,xss,methods,csrf,backup,htaccess
    --max-scan-time 300 --max-attack-time 100)
fi
$PY manage.py runserver "127.0.0.1:$PORT" --noreload > "$SCAN_DIR/server-$MODE.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2> /dev/null' EXIT
sleep 6
date -u +"scan start %H:%M:%S"
/usr/bin/python3 "$ROOT/scripts/scan/wapiti_fixed.py" "${ARGS[@]}" --flush-session --no-bugreport \
  -f json -o "$SCAN_DIR/$MODE.json" > "$SCAN_DIR/wapiti-$MODE.log" 2>&1
echo "wapiti rc=$?"
date -u +"scan end %H:%M:%S"
kill $SERVER
echo "after: $(counts)"
echo "answers of 500: $(grep -c 'Internal Server Error' "$SCAN_DIR/server-$MODE.log")"
grep -o "found [0-9]* URLs and forms" "$SCAN_DIR/wapiti-$MODE.log"
/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('reported:', {k: len(v) for k, v in d['vulnerabilities'].items() if v})" "$SCAN_DIR/$MODE.json"
