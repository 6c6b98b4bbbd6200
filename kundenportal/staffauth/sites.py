"""The admin site of the back office: staff pass a second factor before any page opens."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db.models.base import ModelBase
from django.urls import path, reverse

from .services import second_factor_required


class StaffAdminSite(admin.AdminSite):
    """Django's admin site, where a staff session counts only once its second factor is verified.

    ``has_permission`` is what every admin page (and every page built with ``admin_view``)
    checks, so no page of the back office opens on a password alone. A staff member between
    the two steps is sent to the code page instead of the login form, and may log out.
    """

    # django-otp registers English admins of its devices when its apps load; the back office
    # shows the devices through German proxies instead (staffauth.admin).
    DECLINED = frozenset({"otp_totp.totpdevice", "otp_static.staticdevice"})

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        models = [m for m in models if m._meta.label_lower not in self.DECLINED]
        if models:
            super().register(models, admin_class, **options)

    # The start page begins with the staff member's open work (backoffice.work_queue).
    index_template = "admin/backoffice/index.html"

    def index(self, request, extra_context=None):
        from kundenportal.backoffice.work_queue import work_queue

        context = {"work_queue": work_queue(user=request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)

    def second_factor_pending(self, request) -> bool:
        user = request.user
        # Without django-otp's middleware nothing is verified.
        verified = getattr(user, "is_verified", None)
        return second_factor_required(user) and not (verified and verified())

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if not self.second_factor_pending(request):
            return True
        return request.path == reverse("admin:logout", current_app=self.name)

    def _to_second_factor(self, request, next_url):
        return redirect_to_login(next_url, reverse("admin:second_factor", current_app=self.name))

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if self.second_factor_pending(request) and request.path != reverse(
                "admin:logout", current_app=self.name
            ):
                return self._to_second_factor(request, request.get_full_path())
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, protected)

    def login(self, request, extra_context=None):
        if request.method == "GET" and self.second_factor_pending(request):
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return self._to_second_factor(request, next_url)
        return super().login(request, extra_context)

    def get_urls(self):
        from . import views

        def with_site(view):
            # Hands the site to the view. The two code pages are not behind admin_view: they
            # check the first step themselves (they are the way to pass the second); CSRF is
            # checked by the middleware, and they send no-store.
            def inner(request, *args, **kwargs):
                return view(request, *args, site=self, **kwargs)

            return update_wrapper(inner, view)

        return [
            path(
                "zweiter-faktor/",
                with_site(views.second_factor),
                name="second_factor",
            ),
            path(
                "zweiter-faktor/einrichten/",
                with_site(views.second_factor_enrol),
                name="second_factor_enrol",
            ),
            path(
                "zweiter-faktor/sicherungscodes/",
                self.admin_view(with_site(views.backup_codes)),
                name="second_factor_backup_codes",
            ),
            *super().get_urls(),
        ]
