"""Ending the sessions of accounts (merge, erasure)."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string


def sessions_end(*, person_ids: list[int]) -> int:
    """End every session of these accounts (after commit: the cache is not transactional).

    Sessions carry no index by user, so this reads the unexpired ones in chunks; it runs for
    a staff action on a few accounts, not per request.
    """
    wanted = {str(pk) for pk in person_ids}
    keys = []
    sessions = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in sessions.iterator(chunk_size=1000):
        data = session.get_decoded()  # {} for a session it cannot read
        if str(data.get("_auth_user_id", "")) in wanted:
            keys.append(session.session_key)
    if keys:
        Session.objects.filter(session_key__in=keys).delete()
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")

        def end() -> None:
            # cached_db: the cached copy goes too, once the deletion is committed.
            for key in keys:
                store(session_key=key).delete()

        transaction.on_commit(end)
    return len(keys)
