"""The change history: django-auditlog's entry, chained by hash and append-only."""

from __future__ import annotations

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models, router, transaction

from .chain import GENESIS, entry_digest, lock_chain


class TrailIsAppendOnly(Exception):
    pass


class TrailEntry(AbstractLogEntry):
    # PROTECT, not auditlog's SET_NULL/CASCADE: nulling a field would break the
    # entry's hash, and the history must outlive what it describes.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name="content type"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="actor",
    )
    sequence = models.BigIntegerField(unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta(AbstractLogEntry.Meta):
        ordering = ["-sequence"]
        verbose_name = "change history entry"
        verbose_name_plural = "change history"

    def save(self, *args, **kwargs) -> None:
        # The chain is a property of the row itself, and auditlog writes rows
        # through its manager, so save() is the one hook every entry passes.
        if self.pk is not None:
            raise TrailIsAppendOnly("Change history entries cannot be changed.")
        from .bulk import keep_for_later

        if keep_for_later(self, args, kwargs):  # a bulk write appends it at its end (decision 0082)
            return
        using = kwargs.get("using") or router.db_for_write(type(self))
        with transaction.atomic(using=using):
            lock_chain(using)
            super().save(*args, **kwargs)

    def _save_table(self, *args, **kwargs):
        # Hash here, after the pre_save signal: auditlog's middleware fills in the
        # actor and address in pre_save, and the hash must cover what is stored.
        using = kwargs.get("using") or router.db_for_write(type(self))
        last = TrailEntry.objects.using(using).order_by("-sequence").values("sequence", "entry_hash").first()
        self.sequence = last["sequence"] + 1 if last else 1
        self.prev_hash = last["entry_hash"] if last else GENESIS
        self.entry_hash = entry_digest(self)
        return super()._save_table(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TrailIsAppendOnly("Change history entries cannot be deleted.")
