"""The signed-in account, read from the cache under the page cache's data version.

Every signed-in request reads its account (Django's ModelBackend.get_user): on PostgreSQL
that is a round trip to the server, and the health check of a persistent connection a second
one, even when the page itself comes from the cache. Most of what a signed-in student's page
costs on PostgreSQL was these two round trips (docs/performance.md).

The account is kept in the cache under the same data version as the pages
(tracker/pagecache.py), so it is exactly as fresh as they are:

- Any change to an account through the app is a write: deactivating it, a new password,
  different permissions or groups (a save, a delete or an m2m change of the auth app, or a
  POST), and an erasure clears the whole cache. The next request reads the account again,
  on every server process, so a closed account loses access at once.
- The version is read before the account and the account is stored under it, so an account
  read while a change commits is never served after it.
- PAGE_CACHE_SECONDS bounds what is changed outside the app (SQL by hand, or a
  QuerySet.update() in a shell, which sends no signal).

With the page cache off (PAGE_CACHE_SECONDS=0) this is Django's ModelBackend.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache

from tracker import pagecache


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id: int | str) -> AbstractBaseUser | None:
        if not pagecache.enabled():
            return super().get_user(user_id)
        key = f"account:{pagecache.current_version()}:{user_id}"
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:  # no such account, or an inactive one: nothing kept
                return None
            cache.set(key, user, timeout=pagecache.seconds())
        return user
