"""Middleware every request passes."""

from django.http import Http404


class NulByteNotFoundMiddleware:
    """An address with a NUL byte (``/veranstaltungen/%00/``, ``?q=%00``) names nothing: 404.

    Without this, the byte reaches a query through a URL argument or a search and PostgreSQL
    refuses it ("A string literal cannot contain NUL"), a 500. Checked once here instead of
    in every view, admin and lookup.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise Http404
        return self.get_response(request)
