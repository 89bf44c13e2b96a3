"""Saving a mapping profile without overwriting someone else's change."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from ..models import MappingProfile


class ProfileChangedError(Exception):
    """Someone saved the profile after this person opened it."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:32] or "profile"
    slug, n = base, 1
    while MappingProfile.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def profile_save(*, profile: MappingProfile, expected_version: int | None, by) -> MappingProfile:
    if profile.pk is None:
        profile.slug = _unique_slug(profile.name)
        profile.created_by = by
        profile.builtin = False
        profile.version = 1
        profile.save()
        return profile
    current = MappingProfile.objects.select_for_update().get(pk=profile.pk)
    if current.builtin:
        raise ProfileChangedError("Profiles shipped with CaseAudit cannot be changed: make a copy instead")
    if expected_version != current.version:
        raise ProfileChangedError(
            "Someone else saved this profile while you were editing it. Your changes are below: check them against "
            "the saved profile and save again."
        )
    profile.version = current.version + 1
    profile.save()
    return profile
