"""Helpers for admin tests: post a change form as the browser would, with the values shown."""


def admin_form_data(response, **changes) -> dict:
    """The POST data of the admin change/add form in ``response`` (what a browser sends
    unchanged), with ``changes`` applied. Inline formsets are left out (their management
    forms included, empty)."""
    form = response.context["adminform"].form
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is True:
            data[name] = "on"
        else:
            data[name] = str(value)
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        prefix = formset.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(management["TOTAL_FORMS"].value())
        data[f"{prefix}-INITIAL_FORMS"] = str(management["INITIAL_FORMS"].value())
        for i, inline_form in enumerate(formset.formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value not in (None, False):
                    data[f"{prefix}-{i}-{name}"] = "on" if value is True else str(value)
    data.update(changes)
    return data
