from django.shortcuts import render

from .selectors import legal_page


def legal_page_view(request, *, kind: str):
    return render(request, "legal/page.html", {"page": legal_page(kind=kind)})
