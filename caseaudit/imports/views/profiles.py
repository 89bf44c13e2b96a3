from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ..access import require_import_admin
from ..forms import ProfileForm
from ..models import CaseField, MappingProfile
from ..profiles import ensure_builtin_profiles
from ..services.profiles import ProfileChangedError, profile_save


def index(request):
    require_import_admin(request.user)
    ensure_builtin_profiles()
    return render(
        request,
        "imports/profiles.html",
        {"profiles": MappingProfile.objects.all(), "fields": CaseField.choices},
    )


def edit(request, pk: int | None = None):
    """A new profile (optionally a copy of another, ?from=ID) or a change to a saved one."""
    require_import_admin(request.user)
    if pk is not None:
        profile = get_object_or_404(MappingProfile, pk=pk, builtin=False)
        title = f"Change {profile.name}"
    else:
        source = MappingProfile.objects.filter(pk=request.GET.get("from") or 0).first()
        profile = MappingProfile(
            name=f"Copy of {source.name}" if source else "",
            system=source.system if source else "",
            columns=dict(source.columns) if source else {},
            legal_statuses=dict(source.legal_statuses) if source else {},
        )
        title = "New mapping profile"
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            saved = profile_save(profile=form.apply(), expected_version=form.cleaned_data["version"], by=request.user)
        except ProfileChangedError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Mapping profile ‘{saved.name}’ saved")
            return redirect("imports:profile_index")
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": "Type each column heading exactly as your case management system's report writes it. "
            "Capitals, spaces and underscores do not matter.",
            "submit_label": "Save profile",
            "back_url": reverse("imports:profile_index"),
        },
    )
