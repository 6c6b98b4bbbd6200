"""Deleting many rows and what hangs on them, by primary keys instead of model instances.

``QuerySet.delete()`` asks Django's deletion collector, which loads every row to be deleted
(and every row its deletion cascades to) as a model instance, builds a lookup per instance and
deletes in a second pass. For the retention purge and the erasure of thousands of accounts
that costs more than the deletion itself. ``RowsDeletion`` follows the same relations
(``on_delete`` of every foreign key to the rows, many-to-many tables included, so a relation
another app adds later is found without a change here), but reads only primary keys, foreign
keys and file names, sets ``SET_NULL`` links with one UPDATE per relation and deletes with one
DELETE per table.

Where the collector does more than that — a model with ``pre_delete``/``post_delete``
receivers, a generic relation, ``PROTECT``, ``RESTRICT``, ``SET_DEFAULT`` or ``SET(...)`` —
``delete()`` hands the whole deletion to the collector instead, so nothing is skipped.
"""

from collections.abc import Iterable
from typing import Any

from django.db import models, router
from django.db.models import signals
from django.db.models.deletion import CASCADE, DO_NOTHING, SET_NULL, Collector

Row = dict[str, Any]


def _file_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _candidate_relations(model: type[models.Model]):
    # What the collector follows: every reverse one-to-one or one-to-many relation, hidden
    # ones (related_name="+", many-to-many tables) included.
    return (
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    )


def _has_receivers(model: type[models.Model]) -> bool:
    return signals.pre_delete.has_listeners(model) or signals.post_delete.has_listeners(model)


def _special(model: type[models.Model]) -> bool:
    # Generic relations and parent tables (multi-table inheritance) are the collector's.
    return bool(model._meta.private_fields or model._meta.parents)


class RowsDeletion:
    """The deletion of the rows ``pks`` of ``model``: ``rows`` holds what it takes along (per
    model: primary key, foreign keys and file names of each row), ``delete()`` deletes."""

    def __init__(self, *, model: type[models.Model], pks: Iterable[Any]):
        self.model = model
        self.pks = list(pks)
        self.using = router.db_for_write(model)
        self.rows: dict[type[models.Model], dict[Any, Row]] = {}
        self._nulls: list[tuple[type[models.Model], models.Field, list[Any]]] = []
        self._order: list[type[models.Model]] = []
        # Whether one UPDATE per SET_NULL relation and one DELETE per table does what the
        # collector does; otherwise delete() leaves it to the collector.
        self.simple = not _has_receivers(model) and not _special(model)
        self._collect(model, self.pks)

    def _collect(self, model: type[models.Model], pks: list[Any]) -> None:
        if not pks:
            return
        for relation in _candidate_relations(model):
            field = relation.field
            on_delete = field.remote_field.on_delete
            if on_delete is DO_NOTHING:
                continue
            related = relation.related_model
            if not field.target_field.primary_key:
                self.simple = False
            lookup = {f"{field.attname}__any": set(pks)}
            if on_delete is SET_NULL:
                self._nulls.append((related, field, pks))
                continue
            if on_delete is not CASCADE:
                self.simple = False  # PROTECT, RESTRICT, SET_DEFAULT, SET(...)
                continue
            if _has_receivers(related) or _special(related):
                self.simple = False
            names = [
                "pk",
                *(f.attname for f in related._meta.concrete_fields if f.is_relation),
                *_file_fields(related),
            ]
            known = self.rows.setdefault(related, {})
            if related not in self._order:
                self._order.append(related)
            new = []
            for row in related._base_manager.using(self.using).filter(**lookup).values(*names):
                if row["pk"] not in known:
                    known[row["pk"]] = row
                    new.append(row["pk"])
            self._collect(related, new)

    def files(self) -> list[tuple[str, str]]:
        """("app.model.field", storage name) of every file of the rows taken along."""
        return [
            (f"{model._meta.label_lower}.{name}", row[name])
            for model, rows in self.rows.items()
            for name in _file_fields(model)
            for row in rows.values()
            if row[name]
        ]

    def delete(self) -> int:
        """Delete the rows and what hangs on them; returns the number of ``model`` rows."""
        if not self.pks:
            return 0
        if not self.simple:
            collector = Collector(using=self.using)
            collector.collect(
                self.model._base_manager.using(self.using).filter(pk__any=set(self.pks))
            )
            return collector.delete()[1].get(self.model._meta.label, 0)
        for related, field, pks in self._nulls:
            related._base_manager.using(self.using).filter(
                **{f"{field.attname}__any": set(pks)}
            ).update(**{field.name: None})
        # Children first (the foreign keys are deferred, but SQLite checks them at once when
        # they are not).
        for related in reversed(self._order):
            pks = list(self.rows[related])
            if pks:
                related._base_manager.using(self.using).filter(pk__any=set(pks))._raw_delete(
                    self.using
                )
        return (
            self.model._base_manager.using(self.using)
            .filter(pk__any=set(self.pks))
            ._raw_delete(self.using)
        )
