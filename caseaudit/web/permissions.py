from django.http import Http404


def require_role(person, *roles: str) -> None:
    """Pages for some roles only answer 404 to everyone else (no hint they exist)."""
    if not person.has_role(*roles):
        raise Http404("No such page")
