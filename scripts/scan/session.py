"""A signed-in session for a superuser "scanner", written as wapiti's cookie file
($SCAN_DIR/cookies.json) by scripts/scan/run.sh staff (`manage.py shell -c`)."""

import json
import os
import secrets

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore

user, _ = get_user_model().objects.get_or_create(username="scanner")
user.is_staff = user.is_superuser = True
user.set_password(secrets.token_urlsafe(16))
user.save()
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "tracker.backends.EmailOrUsernameBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
cookie: dict[str, object] = {"value": session.session_key, "expires": None, "secure": False}
cookie |= {"port": None, "version": 0}
with open(os.path.join(os.environ["SCAN_DIR"], "cookies.json"), "w") as out:
    json.dump({"127.0.0.1": {"/": {"sessionid": cookie}}}, out)
print("session for the scanner account", user.pk)
