from django.contrib.auth.backends import ModelBackend


class PersonBackend(ModelBackend):
    """Username login, case-insensitive ("Max.Mustermann" logs in as max.mustermann)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)
